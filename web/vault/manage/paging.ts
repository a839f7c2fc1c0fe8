// The operator's sync in pages (issue 4 item 6; clients-and-crypto.md §5.5 step 3): GET /api/accounts/<id>
// with `?since=<seq>&limit=<n>` returns at most about n events after `since`, and its `sequence` is the last
// returned event's, so the next page asks `since` that. One response for a big account is hundreds of MB of
// JSON (a million events do not even parse in a browser), and fetching it all before decrypting anything
// wastes the time the network, the server and JSON.parse take. So pages are fetched one ahead: while page k
// is decrypted, page k+1 downloads (the server delays a second request to an account within 1 s, §5.5, which
// this overlap hides too), and operator.ts plans page k+1 while page k's last batches still decrypt.
import type { AccountResponse } from './types.ts';

/** Events per page: ~30 MB of JSON, parsed in a few hundred ms, and a few seconds of decryption work. */
export const PAGE_LIMIT = 50_000;
/**
 * The first page of a sync from the start is smaller, so decryption starts after a fifth of the wait for a
 * full page (the server reading, serialising and the browser parsing 50,000 events take about a second).
 */
export const FIRST_PAGE_LIMIT = 10_000;

export interface AccountPage {
  response: AccountResponse;
  /** The `since` this page was requested with (null: from the start). */
  since: string | null;
  /** No page follows this one. */
  last: boolean;
}

let limitOverride: number | undefined;

/** Test hook: pages of this many events (undefined restores PAGE_LIMIT). */
export function setPageLimitForTests(limit: number | undefined): void {
  limitOverride = limit;
}

export function pageLimit(): number {
  return limitOverride ?? PAGE_LIMIT;
}

/** The limit of the first request of a sync: smaller when it starts from nothing (a test override: the same). */
export function firstPageLimit(since: string | null): number {
  return limitOverride ?? (since === null ? FIRST_PAGE_LIMIT : PAGE_LIMIT);
}

/** Requests one page; `limit` travels as the query parameter. */
export type FetchPage = (since: string | null, limit: number) => Promise<AccountResponse>;

/** The number of events a page carries for the account (what `limit` counts). */
export function pageEventCount(response: AccountResponse, accountId: string): number {
  const events = response.events?.[accountId];
  return Array.isArray(events) ? events.length : 0;
}

/** Marks a promise as handled (it is awaited later), so a failure while the consumer is busy is not "unhandled". */
export function handled<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}

/**
 * The account's pages in sequence order. The request for page k+1 goes out when page k is handed over, never
 * earlier, so at most one request runs ahead of the consumer. A page with fewer events than `limit` is the
 * last; so is one without a sequence and one whose sequence did not move (nothing to continue from). A page
 * with MORE events than `limit` is not taken as the last: the server reads on past the limit to the end of a
 * group of events sharing one sequence (a parked secret's copies, server.md §5.6), and more may follow. A
 * server that ignores `limit` sent everything at once, and the one request more then returns no events.
 */
export async function* accountPages(
  fetchPage: FetchPage,
  accountId: string,
  since: string | null,
  limit: number = pageLimit(),
  firstLimit: number = limit,
  /** The first page's request when the caller has sent it already (asking `since` with `firstLimit`). */
  started?: Promise<AccountResponse>,
): AsyncGenerator<AccountPage, void, undefined> {
  let asked = firstLimit;
  let pending: Promise<AccountResponse> | null = handled(started ?? fetchPage(since, asked));
  while (pending) {
    const response: AccountResponse = await pending;
    const next = response.sequence || null;
    const last = pageEventCount(response, accountId) < asked || next === null || next === since;
    asked = limit;
    pending = last ? null : handled(fetchPage(next, limit));
    yield { response, since, last };
    since = next;
  }
}
