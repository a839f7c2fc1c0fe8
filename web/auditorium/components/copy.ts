// Copy to the clipboard for the operator panels (dashboard.md §1.3 items 9 and 12: embed code, widgets). The Clipboard API needs a
// secure context and permission, so selecting the visible text and execCommand('copy') is the fallback.
export async function copyText(text: string, fallback: HTMLTextAreaElement | HTMLInputElement | null): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    if (!fallback) return false;
    fallback.select();
    try {
      return document.execCommand('copy');
    } catch {
      return false;
    }
  }
}
