// CSV export (issue 4 item 5): the decrypted events of the selected range and each table, as RFC 4180 text.
import { useState } from 'preact/hooks';
import { useApp } from '../context.ts';
import { eventTime } from '../../vault/manage/stats/stats.ts';
import type { NormalizedEvent } from '../../vault/manage/types.ts';
import { BUTTON_SECONDARY } from '../components/fields.tsx';

type Cell = string | number | boolean | null;

/**
 * A spreadsheet runs a cell that starts with = + - @ (or a tab / CR that hides one) as a formula: the value came
 * from page URLs and referrers that anyone can send, so such cells get a leading apostrophe (OWASP "CSV
 * injection"). Numbers are written as they are, so a negative count stays a number.
 */
function cell(value: Cell): string {
  if (value === null) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  // RFC 4180 §2.6–2.7: quote fields with a comma, quote or line break; double the quotes inside.
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** RFC 4180: one record per line, CRLF after each (including the last), the header first. */
export function toCsv(header: string[], rows: Array<Array<Cell>>): string {
  return [header, ...rows].map((row) => row.map(cell).join(',') + '\r\n').join('');
}

/** Saves `content` as a file: a Blob URL behind a temporary <a download>, revoked once the click went out. */
export function downloadFile(filename: string, mime: string, content: string): void {
  const url = URL.createObjectURL(new Blob([content], { type: mime }));
  const anchor = document.createElement('a');
  anchor.href = url;
  anchor.download = filename;
  anchor.style.display = 'none';
  document.body.appendChild(anchor);
  try {
    anchor.click();
  } finally {
    anchor.remove();
    // Revoking right after click() is safe: the download has taken its reference to the Blob already.
    setTimeout(() => URL.revokeObjectURL(url), 0);
  }
}

export const EVENT_COLUMNS = ['eventId', 'time', 'accountId', 'href', 'rawHref', 'referrer', 'pageload', 'isMobile', 'geo', 'sessionId'];

/** The events as CSV rows; `time` is the server receipt time of the ULID (dashboard.md §0), not the client clock. */
export function eventsToCsv(events: readonly NormalizedEvent[]): string {
  return toCsv(
    EVENT_COLUMNS,
    events.map((event) => {
      const time = eventTime(event.eventId);
      return [
        event.eventId,
        Number.isNaN(time) ? '' : new Date(time).toISOString(),
        event.accountId,
        event.href,
        event.rawHref ?? null,
        event.referrer ?? null,
        event.pageload ?? null,
        event.isMobile,
        event.geo,
        event.sessionId,
      ];
    }),
  );
}

/**
 * The events of the shown window, loaded only on a click: the dashboard's answers carry no events (a big
 * account's window holds a million), so `load` asks the vault for them. The button is busy meanwhile; a
 * failure is a flash, the dashboard stays as it is.
 */
export function ExportEventsButton(props: { load: () => Promise<readonly NormalizedEvent[]>; filename: string }) {
  const app = useApp();
  const [busy, setBusy] = useState(false);
  const onClick = () => {
    if (busy) return;
    setBusy(true);
    props
      .load()
      .then(
        (events) => downloadFile(props.filename, 'text/csv;charset=utf-8', eventsToCsv(events)),
        () => app.flash.add(app.s.exportCsv.eventsFailed),
      )
      .finally(() => setBusy(false));
  };
  return (
    <button type="button" class={BUTTON_SECONDARY} data-testid="dashboard/export-events" disabled={busy} aria-busy={busy ? 'true' : undefined} onClick={onClick}>
      {app.s.exportCsv.events}
    </button>
  );
}
