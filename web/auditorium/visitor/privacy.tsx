// The privacy panel of the User Auditorium (dashboard.md §5.3): opt out (deny, which purges everything), delete
// only the usage data, or opt in; the bookmark tip; and "Download my data" (spec README: visitors can download
// their own data as JSON, decrypted in their browser, nothing decrypted on the server).
import type { NormalizedEvent } from '../../vault/manage/types.ts';
import { BUTTON, BUTTON_SECONDARY, Panel } from '../components/fields.tsx';
import { useApp } from '../context.ts';
import { downloadFile } from '../dashboard/index.ts';

/** `offen-my-data-YYYY-MM-DD.json` (the visitor's local date) with {exportedAt, events}, pretty-printed. */
export function myDataExport(events: readonly NormalizedEvent[], now: Date = new Date()): { filename: string; content: string } {
  const pad = (value: number) => String(value).padStart(2, '0');
  const date = `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
  return {
    filename: `offen-my-data-${date}.json`,
    content: JSON.stringify({ exportedAt: now.toISOString(), events }, null, 2) + '\n',
  };
}

export function downloadMyData(events: readonly NormalizedEvent[]): void {
  const { filename, content } = myDataExport(events);
  downloadFile(filename, 'application/json', content);
}

export interface PrivacyPanelProps {
  optedIn: boolean;
  busy: boolean;
  /** All of the visitor's events (contract 5); the download is offered when there are any. */
  events: readonly NormalizedEvent[];
  onOptOut: () => void;
  onPurge: () => void;
  onOptIn: () => void;
}

export function PrivacyPanel(props: PrivacyPanelProps) {
  const { s } = useApp();
  const p = s.privacy;
  return (
    <Panel title={p.heading} testid="auditorium/privacy">
      <p class="mt0 lh-copy">{props.optedIn ? p.optedIn : p.notOptedIn}</p>
      <div>
        {props.optedIn ? (
          <>
            <button type="button" class={BUTTON} data-role="consent" disabled={props.busy} onClick={props.onOptOut}>
              {p.optOut}
            </button>
            <button type="button" class={BUTTON_SECONDARY} data-role="purge" disabled={props.busy} onClick={props.onPurge}>
              {p.purge}
            </button>
          </>
        ) : (
          <button type="button" class={BUTTON} data-role="consent" disabled={props.busy} onClick={props.onOptIn}>
            {p.optIn}
          </button>
        )}
      </div>
      {props.events.length > 0 ? (
        <div class="mt2">
          <button type="button" class={BUTTON_SECONDARY} data-testid="auditorium/download" onClick={() => downloadMyData(props.events)}>
            {s.download.button}
          </button>
          <p class="f6 mid-gray mt0 mb2">{s.download.hint}</p>
        </div>
      ) : null}
      <p class="f6 mb0 lh-copy">{p.bookmark}</p>
    </Panel>
  );
}
