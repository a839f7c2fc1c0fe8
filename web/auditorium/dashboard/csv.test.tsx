// @vitest-environment happy-dom
import { render } from 'preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { NormalizedEvent } from '../../vault/manage/types.ts';
import { EVENT_COLUMNS, ExportEventsButton, downloadFile, toCsv } from './csv.tsx';
import { queryFromPlace } from './query.ts';
import { act } from 'preact/test-utils';
import { click, mount } from './testing.tsx';

afterEach(() => {
  render(null, document.body);
  vi.restoreAllMocks();
  vi.useRealTimers();
});

/** A ULID whose time part encodes `ms` (Crockford base 32, 10 digits), with a fixed random part. */
function ulidAt(ms: number): string {
  const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
  let time = '';
  for (let i = 0, rest = ms; i < 10; i++, rest = Math.floor(rest / 32)) time = alphabet[rest % 32] + time;
  return `${time}${'0'.repeat(15)}1`;
}

function captureDownloads() {
  const blobs: Blob[] = [];
  const names: string[] = [];
  vi.spyOn(URL, 'createObjectURL').mockImplementation((blob) => {
    blobs.push(blob as Blob);
    return `blob:test/${blobs.length}`;
  });
  const revoked = vi.spyOn(URL, 'revokeObjectURL').mockImplementation(() => {});
  vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
    names.push(`${this.download} ${this.getAttribute('href')}`);
  });
  return { blobs, names, revoked };
}

describe('toCsv (RFC 4180)', () => {
  it('quotes fields with commas, quotes and line breaks and ends every record with CRLF', () => {
    expect(toCsv(['a', 'b'], [['x,y', 'say "hi"'], ['line\nbreak', null], [3, true]])).toBe('a,b\r\n"x,y","say ""hi"""\r\n"line\nbreak",\r\n3,true\r\n');
    expect(toCsv(['only'], [])).toBe('only\r\n');
  });

  it('defuses spreadsheet formulas in text cells but keeps numbers', () => {
    expect(toCsv(['v'], [['=SUM(A1)'], ['+1'], ['-2'], ['@cmd'], ['\tx'], ['\rx'], [-3], ['a=b']])).toBe(
      "v\r\n'=SUM(A1)\r\n'+1\r\n'-2\r\n'@cmd\r\n'\tx\r\n\"'\rx\"\r\n-3\r\na=b\r\n",
    );
  });
});

describe('downloadFile', () => {
  it('clicks a Blob URL with the file name and revokes it afterwards', async () => {
    vi.useFakeTimers();
    const { blobs, names, revoked } = captureDownloads();
    downloadFile('rows.csv', 'text/csv', 'a\r\n');
    expect(names).toEqual(['rows.csv blob:test/1']);
    expect(blobs[0]!.type).toBe('text/csv');
    expect(await blobs[0]!.text()).toBe('a\r\n');
    expect(document.querySelector('a[download]')).toBeNull();
    expect(revoked).not.toHaveBeenCalled();
    vi.runAllTimers();
    expect(revoked).toHaveBeenCalledWith('blob:test/1');
  });
});

/** Lets promise chains finish and Preact render what they set. */
const settle = () => act(() => new Promise<void>((resolve) => setTimeout(resolve, 0)));

describe('ExportEventsButton', () => {
  it('flashes when the events cannot be loaded, and downloads nothing', async () => {
    const { names } = captureDownloads();
    const view = await mount(<ExportEventsButton load={() => Promise.reject(new Error('vault gone'))} filename="events.csv" />);
    const button = view.host.querySelector('button')!;
    await click(button);
    await settle();
    expect(names).toEqual([]);
    expect(button.disabled).toBe(false);
    expect(view.flash.current.map((m) => m.text)).toEqual(['The events could not be loaded for the download. Please try again.']);
  });

  it('downloads the events with the ULID time as ISO', async () => {
    const time = Date.UTC(2024, 2, 4, 12, 30, 0, 5);
    const events: NormalizedEvent[] = [
      {
        eventId: ulidAt(time),
        accountId: 'acc',
        secretId: 'user-1',
        type: 'PAGEVIEW',
        href: 'https://x.org/a?b=1,2',
        rawHref: undefined,
        referrer: '=HYPERLINK("evil")',
        pageload: 120,
        isMobile: false,
        timestamp: '2024-03-04T12:29:59Z',
        sessionId: 'session-1',
        geo: 'DE',
      },
      {
        eventId: 'not-a-ulid',
        accountId: 'acc',
        secretId: 'user-2',
        type: 'PAGEVIEW',
        href: 'https://x.org/',
        referrer: '',
        pageload: null,
        isMobile: true,
        timestamp: '',
        sessionId: null,
        geo: null,
      },
    ];
    const { blobs, names } = captureDownloads();
    let release!: (value: NormalizedEvent[]) => void;
    const load = vi.fn(() => new Promise<NormalizedEvent[]>((resolve) => (release = resolve)));
    const { host } = await mount(<ExportEventsButton load={load} filename="events.csv" />);
    const button = host.querySelector('button')!;
    expect(button.textContent).toBe('Download events as CSV');
    expect(load).not.toHaveBeenCalled();
    await click(button);
    // Loading: busy, and a second click does not load twice.
    expect(button.disabled).toBe(true);
    expect(button.getAttribute('aria-busy')).toBe('true');
    await click(button);
    expect(load).toHaveBeenCalledTimes(1);
    expect(names).toEqual([]);
    release(events);
    await settle();
    expect(button.disabled).toBe(false);
    expect(names).toEqual(['events.csv blob:test/1']);
    expect(EVENT_COLUMNS).toEqual(['eventId', 'time', 'accountId', 'href', 'rawHref', 'referrer', 'pageload', 'isMobile', 'geo', 'sessionId']);
    expect((await blobs[0]!.text()).split('\r\n')).toEqual([
      EVENT_COLUMNS.join(','),
      `${events[0]!.eventId},2024-03-04T12:30:00.005Z,acc,"https://x.org/a?b=1,2",,"'=HYPERLINK(""evil"")",120,false,DE,session-1`,
      'not-a-ulid,,acc,https://x.org/,,,,true,,',
      '',
    ]);
  });
});

describe('queryFromPlace (contract 2)', () => {
  it('reads range, resolution, from, to, now and filter; ignores others and empty values', () => {
    expect(queryFromPlace('?range=30&resolution=days&filter=geo%3ADE&locale=de&now=')).toEqual({ range: '30', resolution: 'days', filter: 'geo:DE' });
    expect(queryFromPlace('?from=2024-02-01&to=2024-02-10&now=2024-03-04T12%3A00%3A00Z')).toEqual({
      from: '2024-02-01',
      to: '2024-02-10',
      now: '2024-03-04T12:00:00Z',
    });
    expect(queryFromPlace('')).toEqual({});
  });
});
