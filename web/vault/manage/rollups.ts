// Shared rollups (docs/adr/0005-shared-caches.md, issue 7): the decrypted events of a closed UTC day, as the
// day block the local cache keeps (event-block.ts) with its visitors named by secretId instead of the view's
// numbering, compressed and sealed with AES-256-GCM under a key derived from the account's KEK. Any operator
// browser of the account uploads the days it holds; a browser that starts from nothing downloads them and asks
// the server only for the events no rollup covers (GET /api/accounts/<id>?uncovered=1), then syncs on from the
// sequence that answer reported. The server keeps a rollup only while it describes exactly the events of its
// range: any deletion or insert in the range drops it in the same transaction (ADR 0005), and the next
// operator load rebuilds it.
import { api, ApiError } from '../api.ts';
import { formatEnvelope, parseSymmetricEnvelope, utf8Encode } from '../../shared/envelope.ts';
import { deriveFromKek } from './cache-store.ts';
import type { AccountView } from './cache-view.ts';
import { parseBlock, serializeBlock } from './event-block.ts';
import type { EventBlock, UserNumbers } from './event-block.ts';
import { accountPages, handled, pageEventCount } from './paging.ts';
import type { AccountPage, FetchPage } from './paging.ts';
import type { AccountResponse } from './types.ts';

/** HKDF info: this key seals nothing but rollups. */
const INFO = 'offen rollups v1';
const DAY = 86_400_000;
/**
 * A UTC day is rolled up once it ended this long ago. Event ids are times of receipt, so nothing new lands in a
 * closed day (backdated and parked events that do make the server drop the day's rollup, ADR 0005).
 */
export const CLOSED_AFTER = 10 * 60_000;
/** Canonical ULIDs, the only ids the server takes as a rollup's range or asOf. */
const CANONICAL = /^[0-7][0-9A-HJKMNP-TV-Z]{25}$/;
const KEY = /^day:(\d{1,9})$/;

export interface RollupMeta {
  key: string;
  firstEventId: string;
  lastEventId: string;
  eventCount: number;
  asOf: string;
}

export interface RollupRecord extends RollupMeta {
  payload: string;
}

export function isRollupMeta(value: unknown): value is RollupMeta {
  const meta = value as Partial<RollupMeta> | null;
  return (
    typeof meta === 'object' &&
    meta !== null &&
    typeof meta.key === 'string' &&
    typeof meta.firstEventId === 'string' &&
    typeof meta.lastEventId === 'string' &&
    typeof meta.asOf === 'string' &&
    typeof meta.eventCount === 'number' &&
    Number.isInteger(meta.eventCount) &&
    meta.eventCount > 0
  );
}

function sameMeta(a: RollupMeta, b: RollupMeta): boolean {
  return a.key === b.key && a.firstEventId === b.firstEventId && a.lastEventId === b.lastEventId && a.eventCount === b.eventCount && a.asOf === b.asOf;
}

/** Everything the server stores beside the payload, authenticated with it: moving or relabelling a payload fails. */
function binding(meta: RollupMeta): Uint8Array<ArrayBuffer> {
  return utf8Encode(`offen rollup\u0000${meta.key}\u0000${meta.firstEventId}\u0000${meta.lastEventId}\u0000${meta.eventCount}\u0000${meta.asOf}`);
}

async function transform(bytes: Uint8Array<ArrayBuffer>, stream: CompressionStream | DecompressionStream): Promise<Uint8Array<ArrayBuffer>> {
  const piped = new Blob([bytes]).stream().pipeThrough(stream);
  return new Uint8Array(await new Response(piped).arrayBuffer());
}

export function rollupKey(kek: JsonWebKey, accountId: string): Promise<CryptoKey> {
  return deriveFromKek(kek, accountId, INFO);
}

/** The day block with a secretId dictionary of its own, holding only the day's visitors (in order of appearance). */
export function standaloneBlock(block: EventBlock): EventBlock {
  const column = block.columns.secretId;
  const codes = new Int32Array(block.count);
  const positions = new Map<number, number>();
  const names: unknown[] = [];
  for (let n = 0; n < block.count; n++) {
    const old = column.i[n]!;
    if (old === 0) continue;
    let at = positions.get(old);
    if (at === undefined) {
      names.push(column.d[old - 1]);
      positions.set(old, (at = names.length));
    }
    codes[n] = at;
  }
  return block.withColumn('secretId', { d: names, i: codes });
}

/**
 * The block's secretId column coded with the view's numbering, as the view's own blocks are (encodeBlock); a
 * block with an event without a secretId keeps a dictionary of its own, as encodeBlock does.
 */
export function adoptBlock(block: EventBlock, users: UserNumbers): EventBlock {
  const column = block.columns.secretId;
  const map = new Int32Array(column.d.length + 1);
  for (let k = 0; k < column.d.length; k++) {
    const name = column.d[k];
    if (typeof name !== 'string') return block;
  }
  for (let n = 0; n < block.count; n++) if (column.i[n] === 0) return block;
  for (let k = 0; k < column.d.length; k++) map[k + 1] = users.number(column.d[k] as string) + 1;
  const codes = new Int32Array(block.count);
  for (let n = 0; n < block.count; n++) codes[n] = map[column.i[n]!]!;
  return block.withColumn('secretId', { d: users.names, i: codes });
}

/** The smallest and largest eventId of a block (ordinal order, as the server compares them). */
function idRange(block: EventBlock): [string, string] {
  let low = 0;
  let high = 0;
  for (let n = 1; n < block.count; n++) {
    if (block.compareIds(n, low) < 0) low = n;
    if (block.compareIds(n, high) > 0) high = n;
  }
  return [block.eventId(low), block.eventId(high)];
}

/** What the server is to store for a day, or null when the day cannot be a rollup (ids that are no canonical ULID). */
export function describeDay(key: string, block: EventBlock, asOf: string): RollupMeta | null {
  if (block.count === 0 || !KEY.test(key)) return null;
  const [firstEventId, lastEventId] = idRange(block);
  if (!CANONICAL.test(firstEventId) || !CANONICAL.test(lastEventId)) return null;
  return { key, firstEventId, lastEventId, eventCount: block.count, asOf };
}

/** `{1,} <base64 ciphertext‖tag> <base64 IV>` of the gzipped standalone block; null when an id is no canonical ULID. */
export async function sealRollup(key: CryptoKey, meta: RollupMeta, block: EventBlock): Promise<string | null> {
  const bytes = serializeBlock(standaloneBlock(block));
  // Canonical ULIDs are stored as their 80 random bits; a block that kept any id as text has a non-canonical one.
  if (parseBlock(bytes).idBytes()?.width !== 10) return null;
  const plain = await transform(bytes, new CompressionStream('gzip'));
  const iv = globalThis.crypto.getRandomValues(new Uint8Array(12));
  const cipher = await globalThis.crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: binding(meta) }, key, plain);
  return formatEnvelope(1, new Uint8Array(cipher), iv);
}

/**
 * The day in a rollup, or null when it does not open under this key and metadata, or does not hold exactly
 * `eventCount` events of its day from `firstEventId` to `lastEventId`.
 */
export async function openRollup(key: CryptoKey, record: RollupRecord): Promise<EventBlock | null> {
  try {
    const day = KEY.exec(record.key);
    if (!day) return null;
    const { cipher, iv } = parseSymmetricEnvelope(record.payload);
    const plain = await globalThis.crypto.subtle.decrypt({ name: 'AES-GCM', iv, additionalData: binding(record) }, key, cipher);
    const block = parseBlock(await transform(new Uint8Array(plain), new DecompressionStream('gzip')));
    if (block.count !== record.eventCount) return null;
    const [first, last] = idRange(block);
    if (first !== record.firstEventId || last !== record.lastEventId) return null;
    const start = Number(day[1]) * DAY;
    for (let n = 0; n < block.count; n++) if (!(block.time[n]! >= start && block.time[n]! < start + DAY)) return null;
    return block;
  } catch {
    return null;
  }
}

function rollupsPath(accountId: string): string {
  return `/api/accounts/${encodeURIComponent(accountId)}/rollups`;
}

/** Every rollup of the account with its payload; none when the server has none or cannot answer. */
export async function fetchRollups(accountId: string): Promise<RollupRecord[]> {
  try {
    const response = await api<{ rollups?: unknown[] }>('GET', rollupsPath(accountId));
    return (response?.rollups ?? []).filter((value): value is RollupRecord => isRollupMeta(value) && typeof (value as RollupRecord).payload === 'string');
  } catch {
    return [];
  }
}

/** The metadata of the account's rollups, or null when the server cannot answer. */
async function fetchMetas(accountId: string): Promise<RollupMeta[] | null> {
  try {
    const response = await api<{ rollups?: unknown[] }>('GET', `${rollupsPath(accountId)}?meta=1`);
    return (response?.rollups ?? []).filter(isRollupMeta);
  } catch {
    return null;
  }
}

/** GET /api/accounts/<id>?uncovered=1: the events no rollup covers, after `after` (ADR 0005). */
export type FetchUncovered = (after: string | null, limit: number) => Promise<AccountResponse>;

export function fetchUncovered(accountId: string): FetchUncovered {
  return async (after, limit) => {
    const params = `?uncovered=1&limit=${limit}${after ? `&after=${encodeURIComponent(after)}` : ''}`;
    const response = await api<AccountResponse>('GET', `/api/accounts/${encodeURIComponent(accountId)}${params}`);
    if (!response || typeof response !== 'object') throw new Error('The account response carried no data.');
    return response;
  };
}

/**
 * A sync from nothing: the pages of events no rollup covers (the first carries the rollups it left out, in
 * `rollups`), then the ordinary sync from the sequence the first page reported. Only the last page of the
 * first part carries that sequence, so no checkpoint is stored before every uncovered event is in. Those
 * pages carry no tombstones: whatever was deleted after that sequence comes with the ordinary sync. A server
 * without the mode ignores `uncovered` and answers the first page of an ordinary sync (no `rollups`): the
 * sync then goes on as an ordinary one.
 */
export async function* bootstrapPages(
  uncovered: FetchUncovered,
  fetchPage: FetchPage,
  accountId: string,
  limit: number,
  firstLimit: number,
): AsyncGenerator<AccountPage, void, undefined> {
  let pending: Promise<AccountResponse> | null = handled(uncovered(null, firstLimit));
  let sequence: string | null | undefined;
  while (pending) {
    const response: AccountResponse = await pending;
    if (sequence === undefined) {
      sequence = response.sequence || null;
      if (!Array.isArray(response.rollups)) {
        // A server without the mode answered the first page of an ordinary sync: go on as accountPages does.
        const last = pageEventCount(response, accountId) < firstLimit || sequence === null;
        const started = last ? null : handled(fetchPage(sequence, limit));
        yield { response, since: null, last };
        if (started) yield* accountPages(fetchPage, accountId, sequence, limit, limit, started);
        return;
      }
    }
    const next = typeof response.next === 'string' && response.next !== '' ? response.next : null;
    pending = next !== null ? handled(uncovered(next, limit)) : null;
    if (next !== null) {
      yield { response: { ...response, deletedEvents: undefined, sequence: undefined }, since: null, last: false };
      continue;
    }
    if (sequence === null) {
      yield { response: { ...response, deletedEvents: undefined, sequence: undefined }, since: null, last: true };
      return;
    }
    // The ordinary sync's first request goes out with this page (the server spaces an account's requests).
    const started = handled(fetchPage(sequence, limit));
    yield { response: { ...response, deletedEvents: undefined, sequence }, since: null, last: false };
    yield* accountPages(fetchPage, accountId, sequence, limit, limit, started);
    return;
  }
}

/** The rollups side of one query: opening what a sync from nothing downloads, and sharing closed days after. */
export class SharedRollups {
  private key: Promise<CryptoKey> | null = null;
  /** What the server holds, by key, as far as this query knows; null until it is asked. */
  private known: Map<string, RollupMeta> | null = null;
  /** Keys whose payload did not open here: they are replaced even if their metadata matches. */
  private readonly unopened = new Set<string>();
  private download: Promise<RollupRecord[]> | null = null;

  constructor(
    private readonly accountId: string,
    private readonly kek: JsonWebKey,
  ) {}

  private keyOf(): Promise<CryptoKey> {
    return (this.key ??= rollupKey(this.kek, this.accountId));
  }

  /** The pages of a sync from nothing (bootstrapPages); the rollups download alongside. */
  pages(fetchPage: FetchPage, limit: number, firstLimit: number): AsyncGenerator<AccountPage, void, undefined> {
    this.download = handled(fetchRollups(this.accountId));
    return bootstrapPages(fetchUncovered(this.accountId), fetchPage, this.accountId, limit, firstLimit);
  }

  /** The days of these records, for exactly these metadata; null when one is missing or does not open. */
  private async openAll(records: RollupRecord[], metas: RollupMeta[]): Promise<Map<string, EventBlock> | null> {
    const byKey = new Map(records.map((record) => [record.key, record]));
    const key = await this.keyOf();
    const days = new Map<string, EventBlock>();
    let complete = true;
    await Promise.all(
      metas.map(async (meta) => {
        const record = byKey.get(meta.key);
        const block = record && sameMeta(record, meta) ? await openRollup(key, record) : null;
        if (block) days.set(meta.key, block);
        else {
          complete = false;
          if (record && sameMeta(record, meta)) this.unopened.add(meta.key);
        }
      }),
    );
    return complete ? days : null;
  }

  /**
   * Takes the rollups the first page of a sync from nothing left out into the view. false: one of them could
   * not be had (uploaded after the download, or it does not open), even after downloading them again; the
   * caller then syncs everything instead, and the view is untouched.
   */
  async adopt(view: AccountView, page: AccountResponse): Promise<boolean> {
    const metas = Array.isArray(page.rollups) ? page.rollups.filter(isRollupMeta) : [];
    this.known = new Map(metas.map((meta) => [meta.key, meta]));
    if (metas.length === 0) return true;
    let days = await this.openAll(await (this.download ?? fetchRollups(this.accountId)), metas);
    if (days === null && this.unopened.size === 0) days = await this.openAll(await fetchRollups(this.accountId), metas);
    if (days === null) return false;
    for (const [key, block] of days) view.adoptDay(key, adoptBlock(block, view.users));
    return true;
  }

  /**
   * Uploads the closed days the view holds that the server lacks, or holds for other events (best effort: a
   * failure only means another browser decrypts those days itself). Returns how many were stored.
   */
  async share(view: AccountView, now = Date.now()): Promise<number> {
    const asOf = view.sequence;
    if (asOf === null || !CANONICAL.test(asOf)) return 0;
    const closed = view.closedBlocks(Math.floor((now - CLOSED_AFTER) / DAY));
    const wanted: Array<[RollupMeta, EventBlock]> = [];
    for (const [key, block] of closed) {
      const meta = describeDay(key, block, asOf);
      const held = this.known?.get(key);
      if (!meta || (held && held.firstEventId === meta.firstEventId && held.lastEventId === meta.lastEventId && held.eventCount === meta.eventCount && !this.unopened.has(key))) continue;
      wanted.push([meta, block]);
    }
    if (wanted.length === 0) return 0;
    if (this.known === null) {
      const metas = await fetchMetas(this.accountId);
      if (metas === null) return 0;
      this.known = new Map(metas.map((meta) => [meta.key, meta]));
      return this.share(view, now);
    }
    let key: CryptoKey;
    try {
      key = await this.keyOf();
    } catch {
      return 0;
    }
    let stored = 0;
    for (const [meta, block] of wanted) {
      const payload = await sealRollup(key, meta, block);
      if (payload === null) continue;
      try {
        await api('PUT', `${rollupsPath(this.accountId)}/${encodeURIComponent(meta.key)}`, {
          firstEventId: meta.firstEventId,
          lastEventId: meta.lastEventId,
          eventCount: meta.eventCount,
          asOf: meta.asOf,
          payload,
        });
        this.known.set(meta.key, meta);
        this.unopened.delete(meta.key);
        stored++;
      } catch (err) {
        // 409: the events of the day changed since this view's sequence (it is rebuilt by a later load); 413: too
        // big for this database. Anything else (offline, 429) ends the uploads for this load.
        if (!(err instanceof ApiError) || (err.status !== 409 && err.status !== 413)) break;
      }
    }
    return stored;
  }
}

