// Browser actions of the visitor screens that unit tests replace (happy-dom cannot reload a page).
export const pageActions = {
  /** dashboard.md §1.1, §5.3: every consent change reloads the page, so the vault starts from the new cookies. */
  reload(): void {
    location.reload();
  },
};
