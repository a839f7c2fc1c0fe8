// What an operator's vault knows decrypted about one account (clients-and-crypto.md §4.4 "An operator
// decrypting", step 5: memoised by secretId and eventId), held in memory for the session and mirrored into the
// encrypted local cache (cache-store.ts) record by record:
//   meta            {v, sequence, users}: the `<accountId>` checkpoint (§4.7) the view reflects, and how many
//                   visitors the numbering holds
//   day:<n>         the events whose ULID time falls on UTC day n, as one binary block (event-block.ts), so a
//                   tombstone or expiry (the server tombstones expired events, server.md §5.8) finds its chunk
//                   from the eventId alone and only that chunk is rewritten. Records of the first cache format
//                   (JSON columns, cache-codec.ts) are still read, and rewritten as blocks on the next save.
//   secrets:<b>     opened user secrets [secretId, fingerprint of the encrypted value, JWK or null], 64 buckets,
//                   stored as the bytes of their JSON and parsed only when one of them is looked up
//   failed          events that did not open, [eventId, secretId], retried when their secret arrives or changes
//   sum:<n>         the summary of day n (event-block.ts DaySummary): a page load reads only the blocks of the
//                   days its query looks at (and the newest), the other days as summaries until needed
//   agg:<n>         the aggregate of day n (stats/day-aggregate.ts), cut at the viewer's local midnight into two
//                   parts; read instead of its block when each part lies outside the query's window or inside one
//                   chart bucket, or the day lies before the window (stats.ts neededDays); absent for a day that
//                   has none (an id that is no canonical ULID)
//   tim:<n>         the first and last time of each visitor of day n, written with its aggregate and read with it
//                   only when a retention week's edge cuts the day
//   users:<k>       the view's visitor numbering (event-block.ts UserNumbers), 8,192 secretIds per record: day
//                   blocks code their visitors with it; read only when a page brings events or tombstones or
//                   the answer carries events (the metrics count visitors by number)
// The store keeps the sum:, agg: and tim: records of 32 days in one IndexedDB record (cache-store.ts packOf).
// In memory a day is a block until an event of it changes; then it is a Map by eventId until the next
// computation or save turns it back into a block.
import { decodeEvents } from './cache-codec.ts';
import type { EventColumns } from './cache-codec.ts';
import { EventBlock, UserNumbers, encodeBlock, eventTime, parseBlock, parseSummary, serializeBlock, serializeSummary, summarize, upperTime } from './event-block.ts';
import type { DaySummary } from './event-block.ts';
import { aggregateDay, dayCut, parseAggregate, parseTimes, serializeAggregate, serializeTimes } from './stats/day-aggregate.ts';
import type { NormalizedEvent } from './types.ts';

const DAY = 86_400_000;
const SECRET_BUCKETS = 64;
/** Visitors per `users:<k>` record: the numbering only grows, so only its last record changes. */
const USERS_CHUNK = 8192;
const META = 'meta';
const FAILED = 'failed';

export interface SecretEntry {
  /** secretFingerprint() of the encrypted value it was opened from: a re-exchange changes it (§4.4). */
  fp: string;
  /** null when the value did not open; it is not retried until the value changes. */
  jwk: JsonWebKey | null;
}

/**
 * Identifies an encrypted secret value without keeping all of it: its length and last 48 characters. The
 * value is an RSA-OAEP block, random on every encryption, so a re-exchanged secret never shares them.
 */
export function secretFingerprint(value: string): string {
  return `${value.length}:${value.slice(-48)}`;
}

export function dayKey(eventId: string): string {
  // eventTime: ulidTime's decoding with a lookup table (a big account's first load asks this a few million times).
  const time = eventTime(eventId);
  return Number.isNaN(time) ? 'day:x' : `day:${Math.floor(time / DAY)}`;
}

/** The summary record of a day record. */
function summaryKey(dayKey: string): string {
  return `sum:${dayKey.slice('day:'.length)}`;
}

/** The aggregate record of a day record. */
export function aggregateKey(dayKey: string): string {
  return `agg:${dayKey.slice('day:'.length)}`;
}

/** The record of a day's visitors' first and last times, written with its aggregate. */
export function timesKey(dayKey: string): string {
  return `tim:${dayKey.slice('day:'.length)}`;
}

/** n of day:<n>; Infinity for day:x (ids that are no ULID: never old enough to leave unread). */
export function dayNumber(key: string): number {
  const n = Number(key.slice('day:'.length));
  return Number.isNaN(n) ? Infinity : n;
}

/**
 * Which days a computation needs as blocks: those from `from` on, except the ones in `summarized` (days whose
 * summary stands in) and in `aggregated` (days whose summary and aggregate stand in, with the cut that
 * aggregate must have), stats.ts neededDays. A plain number n means the days from n on.
 */
export type DayNeed =
  | number
  | { from: number; summarized: ReadonlySet<number>; aggregated?: ReadonlyMap<number, number>; timed?: ReadonlySet<number> };

/**
 * Whether a day is needed as a block; with its summary when it is known: a day with an irregular id is always
 * read, and an aggregated one when its aggregate is missing, was cut for another time zone, or `aggregate` is
 * false.
 */
function needsBlock(day: number, need: DayNeed, summary?: DaySummary, aggregate = true): boolean {
  if (typeof need === 'number') return day >= need;
  if (summary?.irregular) return day >= need.from;
  if (day < need.from || need.summarized.has(day)) return false;
  const cut = need.aggregated?.get(day);
  if (cut === undefined) return true;
  if (summary === undefined) return false;
  return summary.agg === undefined || summary.agg.cut !== cut || !aggregate || (need.timed?.has(day) === true && summary.times === undefined);
}

/**
 * The records a page load reads at first: all but the blocks of days it does not need that have a summary,
 * and always the newest day (it holds the latest event); aggregates only of the days the need aggregates.
 */
export function recordsToRead(keys: readonly string[], need: DayNeed): string[] {
  const summarized = new Set(keys.filter((key) => key.startsWith('sum:')).map((key) => `day:${key.slice('sum:'.length)}`));
  let newest = -Infinity;
  for (const key of keys) if (key.startsWith('day:')) newest = Math.max(newest, dayNumber(key));
  const aggregated = typeof need === 'number' ? undefined : need.aggregated;
  // Secret buckets are read when a sync needs their secrets (SecretTable.unreadFor).
  return keys.filter((key) => {
    if (key.startsWith('secrets:')) return false;
    // The visitor numbering is read when something needs it (AccountView.pendingUsers).
    if (key.startsWith('users:')) return false;
    if (key.startsWith('agg:')) return aggregated?.has(Number(key.slice('agg:'.length))) === true;
    if (key.startsWith('tim:')) return typeof need !== 'number' && need.timed?.has(Number(key.slice('tim:'.length))) === true;
    return !key.startsWith('day:') || !summarized.has(key) || needsBlock(dayNumber(key), need) || dayNumber(key) === newest;
  });
}

/** day:<n> keys by n ascending; day:x (ids that are no ULID) last. */
function byDay(a: string, b: string): number {
  const x = Number(a.slice(4));
  const y = Number(b.slice(4));
  return (Number.isNaN(x) ? Infinity : x) - (Number.isNaN(y) ? Infinity : y) || (a < b ? -1 : a > b ? 1 : 0);
}

/** The record of a secret bucket. */
export function secretKey(bucket: number): string {
  return `secrets:${bucket}`;
}

/** The bucket of a `secrets:<b>` record, or null for any other key. */
export function secretBucketOf(key: string): number | null {
  if (!key.startsWith('secrets:')) return null;
  const bucket = Number(key.slice('secrets:'.length));
  return Number.isInteger(bucket) && bucket >= 0 && bucket < SECRET_BUCKETS ? bucket : null;
}

function bucketOf(secretId: string): number {
  let hash = 0;
  for (let i = 0; i < secretId.length; i++) hash = (hash * 31 + secretId.charCodeAt(i)) | 0;
  return (hash >>> 0) % SECRET_BUCKETS;
}

type Day = EventBlock | Map<string, NormalizedEvent>;
type SecretRow = [string, string, JsonWebKey | null];

/**
 * Opened user secrets by secretId, in SECRET_BUCKETS buckets. A bucket read from the cache stays bytes (its
 * JSON) until a secretId of it is looked up: a page load with few new events needs few of a big account's
 * secrets (100,000 of them are about 20 MB of JSON).
 */
export class SecretTable {
  private readonly buckets: Array<Map<string, SecretEntry>> = Array.from({ length: SECRET_BUCKETS }, () => new Map());
  private readonly pending = new Map<number, Uint8Array>();
  /**
   * Buckets stored in the cache but not read: a page load reads only the buckets of the secrets its sync
   * touches (unreadFor), since a big account's secrets are most of the cache's bytes and a reload needs few.
   */
  private readonly unread = new Set<number>();

  /** A bucket as stored: rows, or the bytes of their JSON (parsed when first needed). */
  load(bucket: number, value: unknown): void {
    this.unread.delete(bucket);
    if (value instanceof Uint8Array) this.pending.set(bucket, value);
    else this.fill(bucket, value as SecretRow[]);
  }

  /** Notes buckets the cache holds that were not read (their records are secretKey(bucket)). */
  markUnread(buckets: Iterable<number>): void {
    for (const bucket of buckets) if (this.buckets[bucket]!.size === 0 && !this.pending.has(bucket)) this.unread.add(bucket);
  }

  /** The unread buckets these secrets live in. */
  unreadFor(secretIds: Iterable<string | null | undefined>): number[] {
    if (this.unread.size === 0) return [];
    const out = new Set<number>();
    for (const secretId of secretIds) {
      if (typeof secretId !== 'string') continue;
      const bucket = bucketOf(secretId);
      if (this.unread.has(bucket)) out.add(bucket);
    }
    return [...out];
  }

  /** The stored buckets not read. */
  unreadBuckets(): number[] {
    return [...this.unread];
  }

  private fill(bucket: number, rows: SecretRow[]): void {
    const map = this.buckets[bucket]!;
    for (const [secretId, fp, jwk] of rows) map.set(secretId, { fp, jwk });
  }

  /** The bucket's map, its stored bytes parsed first if they still wait. */
  bucket(bucket: number): Map<string, SecretEntry> {
    if (this.unread.has(bucket)) throw new Error(`the cached secret bucket ${bucket} has not been read`);
    const bytes = this.pending.get(bucket);
    if (bytes !== undefined) {
      this.pending.delete(bucket);
      try {
        this.fill(bucket, JSON.parse(new TextDecoder().decode(bytes)) as SecretRow[]);
      } catch {
        // Authenticated bytes this vault wrote, so never expected: those users' secrets are opened again.
      }
    }
    return this.buckets[bucket]!;
  }

  get(secretId: string): SecretEntry | undefined {
    return this.bucket(bucketOf(secretId)).get(secretId);
  }

  has(secretId: string): boolean {
    return this.bucket(bucketOf(secretId)).has(secretId);
  }

  set(secretId: string, entry: SecretEntry): void {
    this.bucket(bucketOf(secretId)).set(secretId, entry);
  }

  delete(secretId: string): boolean {
    return this.bucket(bucketOf(secretId)).delete(secretId);
  }

  /** How many stored buckets have not been parsed yet. */
  get waiting(): number {
    return this.pending.size;
  }

  /** Buckets that hold anything, parsed or not; buckets not read are left out (they stay as stored). */
  filled(): number[] {
    const out: number[] = [];
    for (let bucket = 0; bucket < SECRET_BUCKETS; bucket++) if (this.pending.has(bucket) || this.buckets[bucket]!.size > 0) out.push(bucket);
    return out;
  }

  /** The bucket as stored: the JSON of its rows, as bytes. */
  stored(bucket: number): Uint8Array | undefined {
    const map = this.bucket(bucket);
    if (map.size === 0) return undefined;
    const rows: SecretRow[] = [];
    for (const [secretId, entry] of map) rows.push([secretId, entry.fp, entry.jwk]);
    return new TextEncoder().encode(JSON.stringify(rows));
  }
}

export class AccountView {
  /** The checkpoint this view matches; null when it must be reconciled with the whole `events` table. */
  sequence: string | null = null;
  readonly secrets = new SecretTable();
  readonly users = new UserNumbers();
  /** How many of the numbered visitors are stored. */
  private storedUsers = 0;
  readonly days = new Map<string, Day>();
  readonly failed = new Map<string, string | null>();
  private readonly dirtyDays = new Set<string>();
  private readonly dirtyBuckets = new Set<number>();
  private dirtyFailed = false;
  /** Records to delete on the next save (ones that did not decrypt). */
  private readonly stale = new Set<string>();
  /** Days whose block is stored but not read: their summaries, by day key. */
  readonly unread = new Map<string, DaySummary>();
  /** Day keys whose aggregate record is stored (or written by the next save). */
  private readonly aggregates = new Set<string>();
  /** The viewer's zone, where aggregates written from now on cut their days (day-aggregate.ts dayCut). */
  timeZone = 'UTC';

  constructor(readonly accountId: string) {}

  get size(): number {
    let n = 0;
    for (const summary of this.unread.values()) n += summary.count;
    for (const day of this.days.values()) n += day instanceof EventBlock ? day.count : day.size;
    return n;
  }

  /** Refuses to touch a day that is not read: the caller must read it first (readDays). */
  private readDay(key: string): void {
    if (this.unread.has(key)) throw new Error(`the cached day ${key} has not been read`);
    this.needUsers();
  }

  /**
   * The `users:<k>` records not read yet. A page load that brings no events and asks for none never needs
   * the numbering: its blocks, summaries and aggregates name visitors by number. Anything that turns events
   * into objects or numbers a visitor needs it read first (restoreUsers).
   */
  private usersUnread: string[] = [];
  /** First-format day records waiting for the numbering, to be coded with it. */
  private readonly legacyDays = new Map<string, EventColumns>();

  pendingUsers(): readonly string[] {
    return this.usersUnread;
  }

  /** Whether first-format days wait for the numbering: then it must be read before anything is computed. */
  waitsForUsers(): boolean {
    return this.legacyDays.size > 0;
  }

  /**
   * Whether these records' meta says how many visitors the numbering holds; one of an earlier version does
   * not, and then the numbering is read with the other records.
   */
  static countsUsers(records: ReadonlyMap<string, unknown>): boolean {
    const count = (records.get(META) as { users?: unknown } | undefined)?.users;
    return typeof count === 'number' && Number.isInteger(count) && count >= 0;
  }

  /** Starts the numbering afresh instead of reading it (a view that starts over has no events left). */
  dropUsers(): void {
    if (this.usersUnread.length === 0) return;
    this.usersUnread = [];
    this.users.names.length = 0;
    this.users.pending = false;
    this.legacyDays.clear();
    this.storedUsers = 0;
  }

  private needUsers(): void {
    if (this.usersUnread.length > 0) throw new Error('the visitor numbering has not been read');
  }

  /**
   * Takes in the numbering's records, in order and without a gap (day blocks refer to it); then the
   * first-format days read before it are coded with it. Throws on a gap or a short record.
   */
  restoreUsers(records: ReadonlyMap<string, unknown>): void {
    const chunks = [...records.keys()].filter((key) => key.startsWith('users:')).map((key) => Number(key.slice('users:'.length)));
    chunks.sort((a, b) => a - b);
    const all: string[][] = [];
    chunks.forEach((chunk, n) => {
      if (chunk !== n) throw new Error('a gap in the visitor numbering');
      const names = JSON.parse(new TextDecoder().decode(records.get(`users:${chunk}`) as Uint8Array)) as string[];
      if (n < chunks.length - 1 && names.length !== USERS_CHUNK) throw new Error('a short visitor numbering record');
      all.push(names);
    });
    this.users.restore(all.flat());
    this.storedUsers = this.users.names.length;
    this.usersUnread = [];
    for (const [key, value] of this.legacyDays) {
      // The first format: rebuilt as a block, and written as one on the next save.
      this.days.set(key, encodeBlock(decodeEvents(value, this.accountId), this.users));
      this.dirtyDays.add(key);
    }
    this.legacyDays.clear();
  }

  get(eventId: string): NormalizedEvent | undefined {
    const key = dayKey(eventId);
    this.readDay(key);
    const day = this.days.get(key);
    if (day instanceof EventBlock) {
      const n = day.indexOf(eventId);
      return n < 0 ? undefined : day.event(n);
    }
    return day?.get(eventId);
  }

  /** The day as a Map that may change (a block is opened up). */
  private mutableDay(key: string, create: boolean): Map<string, NormalizedEvent> | undefined {
    let day = this.days.get(key);
    if (day instanceof EventBlock) {
      const events = new Map<string, NormalizedEvent>();
      for (const event of day.events()) events.set(event.eventId, event);
      this.days.set(key, (day = events));
    } else if (!day && create) this.days.set(key, (day = new Map()));
    return day;
  }

  add(event: NormalizedEvent): void {
    const key = dayKey(event.eventId);
    this.readDay(key);
    this.mutableDay(key, true)!.set(event.eventId, event);
    this.dirtyDays.add(key);
    if (this.failed.delete(event.eventId)) this.dirtyFailed = true;
  }

  /** Takes in a day from a shared rollup (rollups.ts) that the view does not hold yet. */
  adoptDay(key: string, block: EventBlock): void {
    this.readDay(key);
    const day = this.days.get(key);
    if (day !== undefined && (day instanceof EventBlock ? day.count : day.size) > 0) throw new Error(`the day ${key} is held already`);
    this.days.set(key, block);
    this.dirtyDays.add(key);
  }

  /**
   * The read days before day `before` as blocks, except empty ones and those with an event that did not open
   * (a rollup must hold every event of its range; rollups.ts).
   */
  closedBlocks(before: number): Array<[string, EventBlock]> {
    const failedDays = new Set<string>();
    for (const eventId of this.failed.keys()) failedDays.add(dayKey(eventId));
    const out: Array<[string, EventBlock]> = [];
    for (const [key, day] of this.days) {
      if (!(dayNumber(key) < before) || failedDays.has(key)) continue;
      let block = day;
      if (!(block instanceof EventBlock)) {
        if (block.size === 0) continue;
        this.needUsers();
        this.days.set(key, (block = encodeBlock(block.values(), this.users)));
      }
      if (block.count > 0) out.push([key, block]);
    }
    return out;
  }

  remove(eventId: string): void {
    const key = dayKey(eventId);
    this.readDay(key);
    const day = this.days.get(key);
    if (day && (day instanceof EventBlock ? day.indexOf(eventId) >= 0 : day.has(eventId))) {
      this.mutableDay(key, false)!.delete(eventId);
      this.dirtyDays.add(key);
    }
    if (this.failed.delete(eventId)) this.dirtyFailed = true;
  }

  /** Forgets every event and failure (the opened secrets stay); the next save deletes their records. */
  clearEvents(): void {
    for (const key of [...this.days.keys(), ...this.unread.keys()]) {
      this.stale.add(key);
      this.stale.add(summaryKey(key));
      this.stale.add(aggregateKey(key));
    }
    this.aggregates.clear();
    this.days.clear();
    this.unread.clear();
    this.dirtyDays.clear();
    this.failed.clear();
    this.dirtyFailed = true;
  }

  setFailed(eventId: string, secretId: string | null): void {
    this.remove(eventId);
    this.failed.set(eventId, secretId);
    this.dirtyFailed = true;
  }

  setSecret(secretId: string, entry: SecretEntry): void {
    this.secrets.set(secretId, entry);
    this.dirtyBuckets.add(bucketOf(secretId));
  }

  deleteSecret(secretId: string): void {
    if (this.secrets.delete(secretId)) this.dirtyBuckets.add(bucketOf(secretId));
  }

  /** Every decrypted event as blocks, oldest day first (days that changed are turned back into blocks). */
  /**
   * Turns the changed days before day `before` back into blocks now rather than at the next computation or
   * save. A first load takes its events in server order, so once a page reaches a day, the days before it
   * rarely change again: encoding them as the pages arrive keeps a million decrypted events from piling up as
   * objects, which the garbage collector would otherwise trace again and again while the cores decrypt. A day
   * that does change again simply becomes a Map once more.
   */
  settleDays(before: number): void {
    for (const key of this.dirtyDays) {
      const day = this.days.get(key);
      if (day === undefined || day instanceof EventBlock || day.size === 0 || !(dayNumber(key) < before)) continue;
      this.needUsers();
      this.days.set(key, encodeBlock(day.values(), this.users));
    }
  }

  blocks(): EventBlock[] {
    const keys = [...this.days.keys()].sort(byDay);
    const out: EventBlock[] = [];
    for (const key of keys) {
      let day = this.days.get(key)!;
      if (!(day instanceof EventBlock)) {
        if (day.size === 0) continue;
        this.days.set(key, (day = encodeBlock(day.values(), this.users)));
      }
      out.push(day);
    }
    return out;
  }

  /** The days not read, oldest first (see computeBlockStats). */
  summaries(): DaySummary[] {
    return [...this.unread.keys()].sort(byDay).map((key) => this.unread.get(key)!);
  }

  /**
   * Whether some day has an id whose time digits are not upper case: then id order is not day order, and no
   * day can stand in as its aggregate (stats.ts).
   */
  irregular(): boolean {
    for (const summary of this.unread.values()) if (summary.irregular) return true;
    for (const day of this.days.values()) {
      if (day instanceof EventBlock) {
        if (!day.canonical) return true;
      } else for (const eventId of day.keys()) if (!Number.isNaN(eventTime(eventId)) && !upperTime(eventId)) return true;
    }
    return false;
  }

  /** Day keys that are not read, of days a computation needs (all of them for -Infinity), or of these keys. */
  unreadDays(need: DayNeed, keys: Iterable<string> = []): string[] {
    const out = new Set<string>();
    const aggregate = typeof need !== 'number' && (need.aggregated?.size ?? 0) > 0 && !this.irregular();
    for (const [key, summary] of this.unread) if (needsBlock(dayNumber(key), need, summary, aggregate)) out.add(key);
    for (const key of keys) if (this.unread.has(key)) out.add(key);
    return [...out];
  }

  /** Notes which aggregate records the cache holds (its keys), read or not. */
  storedAggregates(keys: readonly string[]): void {
    const stored = new Set(keys);
    for (const key of keys) {
      if (!key.startsWith('agg:')) continue;
      const day = `day:${key.slice('agg:'.length)}`;
      // Written together: an aggregate without its times is written again with them.
      if (stored.has(timesKey(day))) this.noteAggregate(day);
      else this.aggregates.delete(day);
    }
  }

  /** Notes that a day's aggregate is stored, unless it or its times did not open (then both are written again). */
  private noteAggregate(day: string): void {
    if (!this.stale.has(aggregateKey(day)) && !this.stale.has(timesKey(day))) this.aggregates.add(day);
  }

  /**
   * The aggregate and times records of unread days the need aggregates (and times) that have them stored but
   * not read. Times are written with their aggregate, so an aggregate stored means times stored.
   */
  unreadAggregates(need: DayNeed): string[] {
    if (typeof need === 'number' || !need.aggregated) return [];
    const out: string[] = [];
    for (const [key, summary] of this.unread) {
      const day = dayNumber(key);
      if (!need.aggregated.has(day) || !this.aggregates.has(key)) continue;
      if (summary.agg === undefined) out.push(aggregateKey(key));
      if (summary.times === undefined && need.timed?.has(day)) out.push(timesKey(key));
    }
    return out;
  }

  /**
   * Takes in aggregate and times records read later; one that cannot be read is dropped (its day is then read,
   * and both are written again).
   */
  readAggregates(records: Map<string, unknown>): void {
    for (const [key, value] of records) {
      const times = key.startsWith('tim:');
      if (!times && !key.startsWith('agg:')) continue;
      const day = `day:${key.slice(4)}`;
      const summary = this.unread.get(day);
      if (summary === undefined) continue;
      try {
        if (times) summary.times = parseTimes(value as Uint8Array);
        else summary.agg = parseAggregate(value as Uint8Array);
      } catch {
        this.aggregates.delete(day);
        this.stale.add(key);
      }
    }
  }

  /**
   * Takes in day blocks read later (readDays). A block that cannot be read fails the call. A day read without a
   * stored aggregate (a cache of an earlier version) gets one on the next save.
   */
  readBlocks(records: Map<string, unknown>): void {
    for (const [key, value] of records) {
      const summary = this.unread.get(key);
      if (summary === undefined) continue;
      this.days.set(key, parseBlock(value as Uint8Array, this.users));
      this.unread.delete(key);
      // An aggregate cut for another zone is written again for this one.
      if (!this.aggregates.has(key) || (summary.agg !== undefined && summary.agg.cut !== this.cutOf(key))) this.unaggregated.add(key);
    }
  }

  /** Days read as blocks whose aggregate record is missing. */
  private readonly unaggregated = new Set<string>();

  /** Every decrypted event as objects, in no particular order (computeResult sorts what it returns). */
  events(): NormalizedEvent[] {
    if (this.unread.size > 0) throw new Error('some cached days have not been read');
    this.needUsers();
    return this.blocks().flatMap((block) => block.events());
  }

  /** Where the viewer's zone cuts a day (0 for day:x, which has no aggregate). */
  private cutOf(key: string): number {
    const day = dayNumber(key);
    return Number.isFinite(day) ? dayCut(day, this.timeZone) : 0;
  }

  /** The day's aggregate and times records, or their deletion when the day has none. */
  private writeAggregate(changes: Map<string, unknown>, key: string, block: EventBlock): void {
    const aggregate = aggregateDay(block, this.cutOf(key));
    changes.set(aggregateKey(key), aggregate === undefined ? undefined : serializeAggregate(aggregate));
    changes.set(timesKey(key), aggregate === undefined ? undefined : serializeTimes(aggregate.times));
    if (aggregate === undefined) this.aggregates.delete(key);
    else this.aggregates.add(key);
  }

  /** The records that changed since the last save, with the meta record; undefined deletes a record. */
  takeChanges(): Map<string, unknown> {
    const changes = new Map<string, unknown>();
    for (const key of this.stale) changes.set(key, undefined);
    for (const key of this.dirtyDays) {
      let day = this.days.get(key);
      if (day !== undefined && !(day instanceof EventBlock) && day.size > 0) this.days.set(key, (day = encodeBlock(day.values(), this.users)));
      this.unaggregated.delete(key);
      if (day === undefined || (day instanceof EventBlock ? day.count : day.size) === 0) {
        this.days.delete(key);
        changes.set(key, undefined);
        changes.set(summaryKey(key), undefined);
        changes.set(aggregateKey(key), undefined);
        changes.set(timesKey(key), undefined);
        this.aggregates.delete(key);
      } else {
        changes.set(key, serializeBlock(day as EventBlock, this.users));
        changes.set(summaryKey(key), serializeSummary(summarize(day as EventBlock), this.users));
        this.writeAggregate(changes, key, day as EventBlock);
      }
    }
    for (const key of this.unaggregated) {
      const day = this.days.get(key);
      if (day instanceof EventBlock) this.writeAggregate(changes, key, day);
    }
    this.unaggregated.clear();
    // After the days: encoding them may have numbered new visitors (none while the numbering is unread).
    const names = this.users.names;
    for (let chunk = Math.floor(this.storedUsers / USERS_CHUNK); this.storedUsers < names.length && chunk * USERS_CHUNK < names.length; chunk++) {
      changes.set(`users:${chunk}`, new TextEncoder().encode(JSON.stringify(names.slice(chunk * USERS_CHUNK, (chunk + 1) * USERS_CHUNK))));
    }
    this.storedUsers = names.length;
    for (const bucket of this.dirtyBuckets) changes.set(secretKey(bucket), this.secrets.stored(bucket));
    if (this.dirtyFailed) changes.set(FAILED, this.failed.size > 0 ? [...this.failed] : undefined);
    changes.set(META, { v: 1, sequence: this.sequence, users: this.users.size });
    this.stale.clear();
    this.dirtyDays.clear();
    this.dirtyBuckets.clear();
    this.dirtyFailed = false;
    return changes;
  }

  /** Marks everything for writing (a view built without a usable cache replaces whatever is stored). */
  markAllDirty(stored: Iterable<string> = []): void {
    for (const key of stored) this.stale.add(key);
    for (const key of this.days.keys()) this.dirtyDays.add(key);
    for (const bucket of this.secrets.filled()) this.dirtyBuckets.add(bucket);
    // A numbering not read is still the stored one.
    if (this.usersUnread.length === 0) this.storedUsers = 0;
    this.dirtyFailed = true;
  }

  /**
   * Rebuilds a view from the cache's records. A missing or unreadable meta record (another KEK, a cache of an
   * older format) discards everything; a chunk that does not open only forces a reconcile (sequence null).
   */
  static fromRecords(accountId: string, records: Map<string, unknown>, allBroken: string[], unreadUsers: readonly string[] = []): AccountView | null {
    const meta = records.get(META) as { v?: unknown; sequence?: unknown; users?: unknown } | undefined;
    if (!meta || meta.v !== 1) return null;
    const view = new AccountView(accountId);
    // `unreadUsers`: the numbering's records, left to be read when needed (records holds none of them then).
    // The meta record says how many names they hold (so blocks can be checked against it); one of an earlier
    // version does not, and the numbering is then read at once (waitsForUsers).
    const pending = unreadUsers.filter((key) => !records.has(key));
    if (pending.length > 0 && AccountView.countsUsers(records)) {
      view.usersUnread = [...pending];
      view.users.expect(meta.users as number);
      // Stored as it is: nothing of it is written again until it is read and grows.
      view.storedUsers = meta.users as number;
    }
    // An aggregate or times record that does not open only means its day is read as a block (and aggregated
    // again).
    const derived = (key: string) => key.startsWith('agg:') || key.startsWith('tim:');
    const broken = allBroken.filter((key) => !derived(key));
    for (const key of allBroken) if (derived(key)) view.stale.add(key);
    view.sequence = typeof meta.sequence === 'string' ? meta.sequence : null;
    const unreadable: string[] = [];
    const summaries: Array<[string, unknown]> = [];
    const aggregates = new Map<string, unknown>();
    try {
      // The numbering first (day blocks refer to it), unless it is left unread.
      if (!view.users.pending) view.restoreUsers(records);
      for (const [key, value] of records) {
        if (key.startsWith('day:')) {
          if (value instanceof Uint8Array) {
            // A block this code cannot read (a later format) is like one that did not open: the events start
            // over, the opened secrets stay.
            try {
              view.days.set(key, parseBlock(value, view.users));
            } catch {
              unreadable.push(key);
            }
          } else if (pending.length > 0) {
            // The first format waits for the numbering (restoreUsers).
            view.legacyDays.set(key, value as EventColumns);
          } else {
            // The first format: rebuilt as a block, and written as one on the next save.
            view.days.set(key, encodeBlock(decodeEvents(value as EventColumns, accountId), view.users));
            view.dirtyDays.add(key);
          }
        } else if (key.startsWith('sum:')) {
          summaries.push([`day:${key.slice('sum:'.length)}`, value]);
        } else if (derived(key)) {
          aggregates.set(key, value);
        } else if (key.startsWith('secrets:')) {
          const bucket = secretBucketOf(key);
          if (bucket === null) throw new Error(`unknown record ${key}`);
          view.secrets.load(bucket, value);
        } else if (key === FAILED) {
          for (const [eventId, secretId] of value as Array<[string, string | null]>) view.failed.set(eventId, secretId);
        }
      }
    } catch {
      return null;
    }
    // A summary that did not open, of a day not read: that day is like a broken one.
    for (const key of broken) if (key.startsWith('sum:') && !records.has(`day:${key.slice('sum:'.length)}`)) unreadable.push(`day:${key.slice('sum:'.length)}`);
    // The days not read: their summaries (one that cannot be read is like a broken day).
    for (const [key, value] of summaries) {
      if (view.days.has(key) || records.has(key) || broken.includes(key)) continue;
      try {
        const summary = parseSummary(value as Uint8Array, view.users);
        summary.day = dayNumber(key);
        view.unread.set(key, summary);
      } catch {
        unreadable.push(key, summaryKey(key));
      }
    }
    for (const key of aggregates.keys()) if (key.startsWith('agg:')) view.noteAggregate(`day:${key.slice('agg:'.length)}`);
    view.readAggregates(aggregates);
    if (broken.length > 0 || unreadable.length > 0) {
      view.sequence = null;
      for (const key of [...broken, ...unreadable]) {
        view.stale.add(key);
        if (key.startsWith('day:')) view.stale.add(summaryKey(key));
      }
    }
    return view;
  }
}
