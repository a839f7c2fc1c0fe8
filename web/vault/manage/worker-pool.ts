// Runs an operator query's decryption (clients-and-crypto.md §4.4 "An operator decrypting") on a pool of
// dedicated Web Workers: one RSA-OAEP-4096 decryption per visitor costs milliseconds, and a big account has
// 100,000 of them, which would freeze the vault (and with it the dashboard) on the main thread. Work goes out in
// batches; results come back as plain objects. Without Worker or crypto.subtle (the userland fallback, §4.6)
// the same handler runs in-process with the vault's provider, as the vault always did.
import type { CryptoProvider } from '../../shared/crypto.ts';
import { getCryptoProvider } from '../crypto-provider.ts';
import { createWorkerHandler } from './worker-handler.ts';
import type { EventsRequest, SecretsRequest, WorkerReply, WorkerRequest } from './worker-handler.ts';
import type { NormalizedEvent } from './types.ts';

/** The part of a Worker the pool uses, so tests can run the handler in-process. */
export interface WorkerLike {
  postMessage(message: WorkerRequest): void;
  terminate(): void;
  onmessage: ((event: { data: WorkerReply }) => void) | null;
  onerror: ((event: unknown) => void) | null;
}
export type WorkerFactory = () => WorkerLike;

/** Events per message: large enough to amortise postMessage, small enough for steady progress. */
export const EVENT_BATCH = 2000;
/** Secrets per message: at ~6 ms per RSA decryption a batch takes ~150 ms, so the last batches of a page (when
 * some workers already idle) are short. */
export const SECRET_BATCH = 25;
/** Idle workers are stopped after this long; they hold the private key (README.md D8 keeps that short). */
const IDLE_MS = 60_000;

type Request = Omit<SecretsRequest, 'id'> | Omit<EventsRequest, 'id'>;

interface Task {
  request: Request;
  /** The private key for a secrets task, sent only to workers that have not seen this keyId yet. */
  privateKey?: JsonWebKey;
  resolve(reply: WorkerReply): void;
}

interface Slot {
  worker: WorkerLike;
  keys: Set<number>;
  /** The tasks this worker holds, by request id (at most DEPTH). */
  tasks: Map<number, Task>;
}

/**
 * Tasks in flight per worker. With one, a worker idles from its reply until the vault's main thread (busy with
 * JSON.parse of the next page, storage, rendering) gets round to sending the next batch; with two the next
 * batch is already there when one finishes.
 */
const DEPTH = 2;

/** The vault's worker bundle, a same-origin script (build.mjs); undefined where it was not built in (tests). */
function defaultFactory(): WorkerFactory | null {
  if (typeof Worker !== 'function' || typeof __OFFEN_LAZY__ === 'undefined' || !__OFFEN_LAZY__.worker) return null;
  const src = __OFFEN_LAZY__.worker.src;
  return () => new Worker(src) as unknown as WorkerLike;
}

let factoryOverride: { factory: WorkerFactory | null; size?: number } | undefined;

/** Test hook: run the pool on these workers (null: no workers, the main-thread path); undefined restores. */
export function setWorkerFactoryForTests(factory: WorkerFactory | null | undefined, size?: number): void {
  terminatePool();
  factoryOverride = factory === undefined ? undefined : { factory, size };
}

/**
 * Two workers per core, at least 2 and at most 8: in Chromium one worker's WebCrypto calls do not keep a core
 * busy (each result hops back to the worker's thread), so on 2 cores 300 RSA-4096 decryptions took 1.9 s on
 * one thread, 1.0–1.4 s on 2 workers and 0.9–1.0 s on 4 (headless Chromium 156, this project's CI machine).
 */
export function poolSize(): number {
  const cores = typeof navigator !== 'undefined' && navigator.hardwareConcurrency > 0 ? navigator.hardwareConcurrency : 1;
  return Math.max(2, Math.min(8, 2 * Math.floor(cores)));
}

class Pool {
  private readonly slots: Slot[] = [];
  private readonly queue: Task[] = [];
  private nextId = 1;
  private idle: ReturnType<typeof setTimeout> | undefined;
  /** Set when a worker failed to start or crashed: everything left runs in-process from then on. */
  broken = false;

  constructor(
    private readonly factory: WorkerFactory,
    private readonly size: number,
    private readonly fallback: (request: WorkerRequest) => Promise<WorkerReply>,
  ) {}

  run(request: Request, privateKey?: JsonWebKey): Promise<WorkerReply> {
    if (this.broken) return this.fallback(this.withKey(request, privateKey));
    return new Promise((resolve) => {
      this.queue.push({ request, privateKey, resolve });
      this.pump();
    });
  }

  private withKey(request: Request, privateKey: JsonWebKey | undefined): WorkerRequest {
    const id = this.nextId++;
    return request.type === 'secrets' ? { ...request, id, privateKey } : { ...request, id };
  }

  private pump(): void {
    clearTimeout(this.idle);
    while (this.queue.length > 0) {
      // Fill every worker's first place before any second one, and start workers before doubling up.
      let slot = this.slots.find((candidate) => candidate.tasks.size === 0);
      if (!slot && this.slots.length < this.size) slot = this.spawn();
      slot ??= this.slots.find((candidate) => candidate.tasks.size < DEPTH);
      if (!slot) return;
      this.dispatch(slot, this.queue.shift()!);
    }
    if (this.slots.every((slot) => slot.tasks.size === 0)) this.idle = setTimeout(() => this.terminate(), IDLE_MS);
  }

  private spawn(): Slot | undefined {
    let worker: WorkerLike;
    try {
      worker = this.factory();
    } catch {
      this.fail();
      return undefined;
    }
    const slot: Slot = { worker, keys: new Set(), tasks: new Map() };
    worker.onmessage = (event) => {
      const task = slot.tasks.get(event.data.id);
      slot.tasks.delete(event.data.id);
      if (task) {
        // A handler error (not a crash) is retried in-process, where it becomes an ordinary failure or result.
        if (event.data.type === 'error') void this.fallback(this.withKey(task.request, task.privateKey)).then(task.resolve);
        else task.resolve(event.data);
      }
      this.pump();
    };
    // A worker that cannot load (CSP, network) or crashes: finish its work and the queue in-process.
    worker.onerror = () => this.fail();
    this.slots.push(slot);
    return slot;
  }

  private dispatch(slot: Slot, task: Task): void {
    const { request } = task;
    let message: WorkerRequest;
    if (request.type === 'secrets' && !slot.keys.has(request.keyId)) {
      slot.keys.add(request.keyId);
      message = this.withKey(request, task.privateKey);
    } else {
      message = this.withKey(request, undefined);
    }
    slot.tasks.set(message.id, task);
    slot.worker.postMessage(message);
  }

  private fail(): void {
    if (this.broken) return;
    this.broken = true;
    const pending = [...this.slots.flatMap((slot) => [...slot.tasks.values()]), ...this.queue.splice(0)];
    this.terminate();
    for (const task of pending) void this.fallback(this.withKey(task.request, task.privateKey)).then(task.resolve);
  }

  terminate(): void {
    clearTimeout(this.idle);
    for (const slot of this.slots.splice(0)) {
      slot.worker.onmessage = null;
      slot.worker.onerror = null;
      slot.worker.terminate();
    }
  }
}

let pool: Pool | undefined;

/** Stops every worker (LOGOUT, README.md D8: the workers hold the private key). */
export function terminatePool(): void {
  pool?.terminate();
  pool = undefined;
}

/**
 * The CryptoKey a worker imported for a user secret it opened, by the JWK object it returned: later event
 * batches carry the key instead of the JWK. Weak, so the keys live exactly as long as the view holds the JWKs
 * (a view read back from the cache has new JWK objects, which then travel as JWKs).
 */
const importedKeys = new WeakMap<JsonWebKey, CryptoKey>();

/** Numbers private keys so each worker is sent each key once. */
const keyIds = new Map<string, number>();

/** Decrypts user secrets and events for one query, on the pool or in-process. */
export interface Decryptor {
  /** Runs in parallel; `progress` is told the number of items finished after each batch. */
  openSecrets(privateKey: JsonWebKey, items: Array<[string, string]>, progress: (done: number) => void): Promise<Array<JsonWebKey | null>>;
  openEvents(
    accountId: string,
    secrets: Map<string, JsonWebKey>,
    items: Array<[string, string, string]>,
    progress: (done: number) => void,
  ): Promise<Array<NormalizedEvent | null>>;
  /** Whether the work runs on workers (reported for tests and diagnostics). */
  readonly onWorkers: boolean;
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export async function getDecryptor(): Promise<Decryptor> {
  const provider: CryptoProvider = await getCryptoProvider();
  const inProcess = createWorkerHandler({ rsa: provider, aes: provider });
  const factory = factoryOverride ? factoryOverride.factory : defaultFactory();
  // Workers run native WebCrypto only; the userland provider stays on the main thread (§4.6).
  const useWorkers = factory !== null && globalThis.crypto?.subtle !== undefined;
  if (useWorkers && (!pool || pool.broken)) {
    pool?.terminate();
    pool = new Pool(factory, factoryOverride?.size ?? poolSize(), inProcess);
  }
  const current = useWorkers ? pool! : undefined;
  let nextLocalId = 1;
  const run = (request: Request, privateKey?: JsonWebKey): Promise<WorkerReply> =>
    current
      ? current.run(request, privateKey)
      : inProcess(request.type === 'secrets' ? { ...request, id: nextLocalId++, privateKey } : { ...request, id: nextLocalId++ });

  return {
    onWorkers: current !== undefined,
    async openSecrets(privateKey, items, progress) {
      const json = JSON.stringify(privateKey);
      let keyId = keyIds.get(json);
      if (keyId === undefined) keyIds.set(json, (keyId = keyIds.size + 1));
      const replies = await Promise.all(
        chunks(items, SECRET_BATCH).map(async (batch) => {
          const reply = await run({ type: 'secrets', keyId: keyId!, items: batch }, privateKey);
          progress(batch.length);
          if (reply.type !== 'secrets') return batch.map(() => null);
          reply.keys?.forEach((key, n) => {
            const jwk = reply.secrets[n];
            if (key && jwk) importedKeys.set(jwk, key);
          });
          return reply.secrets;
        }),
      );
      return replies.flat();
    },
    async openEvents(accountId, secrets, items, progress) {
      const replies = await Promise.all(
        chunks(items, EVENT_BATCH).map(async (batch) => {
          const needed: Record<string, JsonWebKey | CryptoKey> = {};
          for (const [, secretId] of batch) {
            const secret = secrets.get(secretId);
            if (secret) needed[secretId] = importedKeys.get(secret) ?? secret;
          }
          const reply = await run({ type: 'events', accountId, secrets: needed, items: batch });
          progress(batch.length);
          return reply.type === 'events' ? reply.events : batch.map(() => null);
        }),
      );
      return replies.flat();
    },
  };
}

/** LOGOUT forgets the key numbering too. */
export function forgetPoolKeys(): void {
  keyIds.clear();
  terminatePool();
}
