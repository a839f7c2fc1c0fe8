// One sync at a time per local database: the auditorium re-queries every 15 s (§1.4) and a purge or a second
// tab's message may overlap, and two syncs reading the same checkpoint would interleave their writes.
const tails = new Map<string, Promise<unknown>>();

export function withLock<T>(name: string, task: () => Promise<T>): Promise<T> {
  const previous = tails.get(name) ?? Promise.resolve();
  const run = previous.then(task, task);
  const tail = run.catch(() => undefined);
  tails.set(name, tail);
  void tail.then(() => {
    if (tails.get(name) === tail) tails.delete(name);
  });
  return run;
}
