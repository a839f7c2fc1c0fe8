// Test helpers for the decryption worker pool (not bundled: only *.test.ts import this file). A fake worker
// runs the worker module's handler in-process, asynchronously and through structured clone, like a real one.
import { createWorkerHandler } from './worker-handler.ts';
import type { WorkerCrypto, WorkerReply, WorkerRequest } from './worker-handler.ts';
import type { WorkerFactory, WorkerLike } from './worker-pool.ts';

export interface FakeWorkers {
  factory: WorkerFactory;
  /** Messages received, per worker in creation order. */
  inboxes: WorkerRequest[][];
  terminated: number;
}

export function inProcessWorkers(crypto: WorkerCrypto, options: { crashOnFirstMessage?: boolean } = {}): FakeWorkers {
  const fake: FakeWorkers = { factory: () => create(), inboxes: [], terminated: 0 };
  let crashed = false;
  function create(): WorkerLike {
    const handle = createWorkerHandler(crypto);
    const inbox: WorkerRequest[] = [];
    fake.inboxes.push(inbox);
    let alive = true;
    const worker: WorkerLike = {
      onmessage: null,
      onerror: null,
      postMessage(message) {
        const copy = structuredClone(message);
        inbox.push(copy);
        setTimeout(() => {
          if (!alive) return;
          if (options.crashOnFirstMessage && !crashed) {
            crashed = true;
            worker.onerror?.(new Error('worker crashed'));
            return;
          }
          void handle(copy).then((reply: WorkerReply) => {
            if (alive) worker.onmessage?.({ data: structuredClone(reply) });
          });
        }, 0);
      },
      terminate() {
        alive = false;
        fake.terminated++;
      },
    };
    return worker;
  }
  return fake;
}
