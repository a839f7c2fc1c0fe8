// cache-store.ts readKeys over real IndexedDB semantics (fake-indexeddb): many records of one kind are read with
// one request over their key range, sparse ones one by one, and either way exactly the wanted keys come back.
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { readKeys } from './cache-store.ts';

async function database(name: string, records: Array<[string, unknown]>): Promise<IDBDatabase> {
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const request = indexedDB.open(name, 1);
    request.onupgradeneeded = () => request.result.createObjectStore('records');
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  await new Promise<void>((resolve, reject) => {
    const tx = db.transaction('records', 'readwrite');
    for (const [key, value] of records) tx.objectStore('records').put(value, key);
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
  });
  return db;
}

/** readKeys in one read transaction, with the store's range reads counted. */
async function read(db: IDBDatabase, keys: string[]): Promise<{ found: Map<string, unknown>; ranges: number; gets: number }> {
  let ranges = 0;
  let gets = 0;
  const found = await new Promise<Map<string, unknown>>((resolve, reject) => {
    const tx = db.transaction('records', 'readonly');
    const store = tx.objectStore('records');
    const counted = new Proxy(store, {
      get(target, property) {
        if (property === 'getAll') ranges++;
        if (property === 'get') gets++;
        const value = Reflect.get(target, property, target) as unknown;
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const map = readKeys(counted, keys);
    tx.oncomplete = () => resolve(map);
    tx.onerror = () => reject(tx.error);
  });
  return { found, ranges, gets };
}

describe('readKeys', () => {
  const records: Array<[string, unknown]> = [];
  for (let n = 20_000; n < 20_040; n++) {
    records.push([`agg:${n}`, { agg: n }], [`sum:${n}`, { sum: n }], [`day:${n}`, { day: n }]);
  }
  records.push(['meta', { v: 1 }], ['users:0', ['a', 'b']]);

  it('reads most of a kind with one range request, and only the wanted keys', async () => {
    const db = await database('read-keys-dense', records);
    // 30 of the 40 aggregates (with gaps), every summary, one block, the meta record and one key not stored.
    const wanted = [
      ...Array.from({ length: 40 }, (_, k) => `agg:${20_000 + k}`).filter((_, k) => k % 4 !== 1),
      ...Array.from({ length: 40 }, (_, k) => `sum:${20_039 - k}`),
      'day:20039',
      'meta',
      'agg:20050',
    ];
    const { found, ranges, gets } = await read(db, wanted);
    expect(ranges).toBe(2);
    expect(gets).toBe(2);
    expect([...found.keys()].sort()).toEqual(wanted.filter((key) => key !== 'agg:20050').sort());
    expect(found.get('agg:20002')).toEqual({ agg: 20_002 });
    expect(found.get('sum:20017')).toEqual({ sum: 20_017 });
    expect(found.get('day:20039')).toEqual({ day: 20_039 });
    expect(found.has('agg:20001')).toBe(false);
    db.close();
  });

  it('reads a sparse kind one by one', async () => {
    const db = await database('read-keys-sparse', records);
    // 8 blocks spread over all 40: a range read would fetch 40.
    const wanted = Array.from({ length: 8 }, (_, k) => `day:${20_000 + k * 5}`);
    const { found, ranges, gets } = await read(db, wanted);
    expect(ranges).toBe(0);
    expect(gets).toBe(8);
    expect([...found.keys()].sort()).toEqual([...wanted].sort());
    expect(found.get('day:20035')).toEqual({ day: 20_035 });
    db.close();
  });
});
