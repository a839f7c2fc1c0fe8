// The operator's decryption of one batch of stored records (clients-and-crypto.md §4.4 "An operator
// decrypting", steps 3–4) on the worker pool, pipelined: every batch of user secrets is queued at once, and the
// events of a secret are queued as soon as its batch has opened, so no worker waits for the last RSA batch
// before the AES work starts. Progress (issue 4 contract 3) runs across all the batches of one query.
import { secretFingerprint } from './cache-view.ts';
import type { AccountView } from './cache-view.ts';
import type { EncryptedEventRecord } from './types.ts';
import { EVENT_BATCH, SECRET_BATCH } from './worker-pool.ts';
import type { Decryptor } from './worker-pool.ts';

export interface Progress {
  done: number;
  total: number;
}

/**
 * Minimum spacing of progress reports. The auditorium re-renders on each, on the main thread the vault shares,
 * while a first load keeps every core busy decrypting: four a second move the bar smoothly enough.
 */
export const PROGRESS_INTERVAL_MS = 250;

/**
 * Progress of one query (contract 3): `total` grows as pages arrive (their events and the secrets they need),
 * `done` never decreases, reports come at most about four times a second and the last one has done = total.
 * Nothing is reported while there is nothing to do.
 */
export class ProgressTracker {
  private done = 0;
  private total = 0;
  private last = 0;

  constructor(private readonly onProgress: ((progress: Progress) => void) | undefined) {}

  grow(count: number): void {
    if (count <= 0) return;
    const first = this.total === 0;
    this.total += count;
    if (first && this.onProgress) this.report();
  }

  /** Bound, so it can be handed to the decryptor as its per-batch callback. */
  readonly add = (count: number): void => {
    this.done = Math.min(this.total, this.done + count);
    if (!this.onProgress || this.done >= this.total) return;
    if (Date.now() - this.last >= PROGRESS_INTERVAL_MS) this.report();
  };

  finish(): void {
    if (!this.onProgress || this.total === 0) return;
    this.done = this.total;
    this.report();
  }

  private report(): void {
    this.last = Date.now();
    this.onProgress!({ done: this.done, total: this.total });
  }
}

type Item = [eventId: string, secretId: string, payload: string];

/**
 * The user secrets a query is opening by RSA right now, by secretId and the fingerprint of the value being
 * opened. A page whose decryption starts while an earlier page's is still running (operator.ts keeps the pool
 * busy across pages) lets its events wait for these instead of opening the same secret a second time.
 */
export class Openings {
  private readonly pending = new Map<string, { fp: string; done: Promise<JsonWebKey | null> }>();

  /** The opening of this secret from this value, if one runs. */
  get(secretId: string, fp: string): Promise<JsonWebKey | null> | undefined {
    const entry = this.pending.get(secretId);
    return entry?.fp === fp ? entry.done : undefined;
  }

  /** The fingerprint of the value being opened for this secret, if one is. */
  fingerprint(secretId: string): string | undefined {
    return this.pending.get(secretId)?.fp;
  }

  get size(): number {
    return this.pending.size;
  }

  /** Registers an opening; the returned function settles it (once the view holds the result) and forgets it. */
  start(secretId: string, fp: string): (jwk: JsonWebKey | null) => void {
    let settle!: (jwk: JsonWebKey | null) => void;
    const done = new Promise<JsonWebKey | null>((resolve) => (settle = resolve));
    const entry = { fp, done };
    this.pending.set(secretId, entry);
    return (jwk) => {
      if (this.pending.get(secretId) === entry) this.pending.delete(secretId);
      settle(jwk);
    };
  }
}

/**
 * The secrets these records need that the view lacks, or holds opened from another encrypted value, with the
 * value to open. A secret with no value now (none stored) opens nothing; the view keeps what it has.
 */
export async function secretsToOpen(
  view: AccountView,
  records: ReadonlyArray<{ secretId?: string | null; payload?: unknown }>,
  secretValue: (secretId: string) => string | undefined | Promise<string | undefined>,
): Promise<Array<[string, string]>> {
  const needed = new Set<string>();
  for (const record of records) if (record.secretId && typeof record.payload === 'string') needed.add(record.secretId);
  const toOpen: Array<[string, string]> = [];
  for (const secretId of needed) {
    const value = await secretValue(secretId);
    if (value !== undefined && view.secrets.get(secretId)?.fp !== secretFingerprint(value)) toOpen.push([secretId, value]);
  }
  return toOpen;
}

/**
 * Opens `records` into the view: the user secrets they need that the view lacks (or holds from another value),
 * then their payloads. `secretValue` says which encrypted value a secret has now (undefined: keep the view's).
 * In two steps: settles once the work is planned (the secrets to open are registered in
 * `openings`, the events without a usable secret are marked failed and the first batches are queued), with
 * `done`, which settles once every event is in the view or marked failed.
 */
export async function startDecryption(
  view: AccountView,
  records: EncryptedEventRecord[],
  privateKey: JsonWebKey,
  secretValue: (secretId: string) => string | undefined | Promise<string | undefined>,
  progress: ProgressTracker,
  decryptor: Decryptor,
  openings: Openings,
): Promise<{ done: Promise<void> }> {
  if (records.length === 0) return { done: Promise.resolve() };
  // Secrets an earlier page is opening from the same value are waited for, not opened again.
  const toOpen: Array<[string, string]> = [];
  const elsewhere = new Map<string, Promise<JsonWebKey | null>>();
  for (const [secretId, value] of await secretsToOpen(view, records, secretValue)) {
    const done = openings.get(secretId, secretFingerprint(value));
    if (done) elsewhere.set(secretId, done);
    else toOpen.push([secretId, value]);
  }
  progress.grow(toOpen.length + records.length);

  const opening = new Set([...toOpen.map(([secretId]) => secretId), ...elsewhere.keys()]);
  const waiting = new Map<string, Item[]>();
  const ready: Item[] = [];
  const secrets = new Map<string, JsonWebKey>();
  let failed = 0;
  const fail = (eventId: string, secretId: string | null) => {
    // §4.4 step 4: no secret, an anonymous event or a secret that does not open: dropped (and remembered).
    view.setFailed(eventId, secretId);
    failed++;
  };
  for (const record of records) {
    const { eventId, secretId, payload } = record;
    if (!secretId || typeof payload !== 'string') {
      fail(eventId, secretId ?? null);
    } else if (opening.has(secretId)) {
      let list = waiting.get(secretId);
      if (!list) waiting.set(secretId, (list = []));
      list.push([eventId, secretId, payload]);
    } else {
      const jwk = view.secrets.get(secretId)?.jwk;
      if (jwk) {
        secrets.set(secretId, jwk);
        ready.push([eventId, secretId, payload]);
      } else {
        fail(eventId, secretId);
      }
    }
  }

  const eventTasks: Array<Promise<void>> = [];
  let queued = 0;
  /** Queues full batches of `ready` (all of it when `all`), so each worker message carries EVENT_BATCH events. */
  const flush = (all: boolean) => {
    while (ready.length - queued >= EVENT_BATCH || (all && ready.length > queued)) {
      const items = ready.slice(queued, queued + EVENT_BATCH);
      queued += items.length;
      eventTasks.push(
        decryptor.openEvents(view.accountId, secrets, items, progress.add).then((opened) => {
          opened.forEach((event, n) => {
            if (event) view.add(event);
            else view.setFailed(items[n]![0], items[n]![1]);
          });
        }),
      );
    }
  };

  /** A secret's result is in: its waiting events go to the pool, or fail with it. */
  const arrived = (secretId: string, jwk: JsonWebKey | null) => {
    const items = waiting.get(secretId) ?? [];
    waiting.delete(secretId);
    if (jwk) {
      secrets.set(secretId, jwk);
      for (const item of items) ready.push(item);
    } else {
      for (const [eventId] of items) fail(eventId, secretId);
    }
  };
  const secretTasks: Array<Promise<void>> = [];
  for (const [secretId, done] of elsewhere) {
    secretTasks.push(
      done.then((jwk) => {
        arrived(secretId, jwk);
        flush(false);
      }),
    );
  }
  for (let i = 0; i < toOpen.length; i += SECRET_BATCH) {
    const batch = toOpen.slice(i, i + SECRET_BATCH);
    const settle = batch.map(([secretId, value]) => openings.start(secretId, secretFingerprint(value)));
    secretTasks.push(
      decryptor.openSecrets(privateKey, batch, progress.add).then((opened) => {
        batch.forEach(([secretId, value], n) => {
          const jwk = opened[n] ?? null;
          view.setSecret(secretId, { fp: secretFingerprint(value), jwk });
          settle[n]!(jwk);
          arrived(secretId, jwk);
        });
        flush(false);
      }).finally(() => {
        // Whatever happened, no later page waits for these forever (settling twice changes nothing).
        for (const done of settle) done(null);
      }),
    );
  }
  // Events whose secrets the view already holds go to the pool right behind the secrets.
  flush(true);
  progress.add(failed);
  failed = 0;
  const done = (async () => {
    await Promise.all(secretTasks);
    progress.add(failed);
    flush(true);
    await Promise.all(eventTasks);
  })();
  return { done };
}
