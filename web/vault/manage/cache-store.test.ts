// The local cache store's packs (cache-store.ts): per-day records of some kinds share one IndexedDB record.
import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, it } from 'vitest';
import { decodeBase64Url, utf8Encode } from '../../shared/envelope.ts';
import { openCacheStore, packOf } from './cache-store.ts';
import { rawRecords, writeRaw } from './cache-raw.test-support.ts';
import type { CacheStore } from './cache-store.ts';

const kek: JsonWebKey = { kty: 'oct', k: 'ZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXp7fH1-f4CBgoM' };
let account = '';
let counter = 0;

beforeEach(() => {
  account = `acc-store-${++counter}`;
});

async function raw(): Promise<Map<string, { iv: Uint8Array; data: ArrayBuffer; b?: number }>> {
  return new Map((await rawRecords(account)).map(({ key, value }) => [String(key), value as { iv: Uint8Array; data: ArrayBuffer; b?: number }]));
}

const putRaw = (key: string, value: unknown) => writeRaw(account, (store) => store.put(value, key));

/** A record as a cache without packs stored it: its own key, AES-GCM under the HKDF key, the key as AAD. */
async function sealOnItsOwn(key: string, bytes: Uint8Array<ArrayBuffer>) {
  const material = await crypto.subtle.importKey('raw', decodeBase64Url(kek.k!, 'k'), 'HKDF', false, ['deriveKey']);
  const aes = await crypto.subtle.deriveKey(
    { name: 'HKDF', hash: 'SHA-256', salt: utf8Encode(account), info: utf8Encode('offen local cache v1') },
    material,
    { name: 'AES-GCM', length: 256 },
    false,
    ['encrypt'],
  );
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const data = await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: utf8Encode(`${key}\u0000bytes`) }, aes, bytes);
  return { iv, data, b: 1 };
}

const store = async (): Promise<CacheStore> => (await openCacheStore(account, kek))!;
const bytes = (n: number, length = 5) => Uint8Array.from({ length }, (_, i) => (n * 7 + i) & 255);

describe('cache store packs', () => {
  it('keeps agg, sum and tim records 32 days to a record, listed by keys() and read back equal', async () => {
    const changes = new Map<string, unknown>([['meta', { v: 1, sequence: 'Q1' }], ['day:20000', bytes(1)], ['tim:40', { first: [1, 2] }]]);
    for (let day = 20_000; day < 20_070; day++) changes.set(`agg:${day}`, bytes(day, 100 + (day % 7)));
    changes.set('sum:20001', bytes(3));
    await (await store()).write(changes);

    const stored = await raw();
    const physical = [...stored.keys()].sort();
    expect(physical).toEqual(['day:20000', 'meta', 'pack:agg:625', 'pack:agg:626', 'pack:agg:627', 'pack:dir', 'pack:sum:625', 'pack:tim:1']);
    expect(packOf('agg:20000')).toBe('pack:agg:625');
    expect(packOf('agg:19999')).toBe('pack:agg:624');
    expect(packOf('day:20000')).toBeNull();
    expect(packOf('users:0')).toBeNull();
    // Sealed: no plaintext member key inside a pack.
    for (const [key, value] of stored) {
      if (key.startsWith('pack:')) expect(new TextDecoder('latin1').decode(new Uint8Array(value.data))).not.toContain('agg:200');
    }

    const fresh = await store();
    expect((await fresh.keys()).sort()).toEqual([...changes.keys()].sort());
    const { records, broken } = await fresh.read([...changes.keys(), 'agg:1', 'sum:20002']);
    expect(broken).toEqual([]);
    expect(records.size).toBe(changes.size);
    for (const [key, value] of changes) expect(records.get(key)).toEqual(value);
    expect(records.get('agg:20003')).toBeInstanceOf(Uint8Array);
    expect(records.get('tim:40')).toEqual({ first: [1, 2] });
    const all = await (await store()).readAll();
    expect(all.broken).toEqual([]);
    expect([...all.records.keys()].sort()).toEqual([...changes.keys()].sort());
  });

  it('a write from a store that read nothing keeps the pack\'s other members; emptying a pack removes it', async () => {
    await (await store()).write(new Map([['agg:64', bytes(64)], ['agg:65', bytes(65)], ['agg:96', bytes(96)]]));
    await (await store()).write(new Map<string, unknown>([['agg:66', bytes(66)], ['agg:65', undefined]]));
    const { records } = await (await store()).read(['agg:64', 'agg:65', 'agg:66', 'agg:96']);
    expect([...records.keys()].sort()).toEqual(['agg:64', 'agg:66', 'agg:96']);
    expect(records.get('agg:64')).toEqual(bytes(64));

    const one = await store();
    await one.read(['agg:96']);
    await one.write(new Map([['agg:96', undefined]]));
    expect([...(await raw()).keys()]).not.toContain('pack:agg:3');
    expect((await (await store()).keys()).sort()).toEqual(['agg:64', 'agg:66']);
  });

  it('reads a record stored on its own by an older cache, and replaces it with the packed copy on write', async () => {
    await (await store()).write(new Map([['agg:10', bytes(10)]]));
    await putRaw('agg:11', await sealOnItsOwn('agg:11', bytes(11)));
    const first = await store();
    expect((await first.keys()).sort()).toEqual(['agg:10', 'agg:11']);
    expect((await first.read(['agg:10', 'agg:11'])).records.get('agg:11')).toEqual(bytes(11));
    await first.write(new Map([['agg:11', bytes(12)]]));
    expect([...(await raw()).keys()]).not.toContain('agg:11');
    expect((await (await store()).read(['agg:11'])).records.get('agg:11')).toEqual(bytes(12));
  });

  it('a pack that does not open reports its members as broken; the others read', async () => {
    await (await store()).write(new Map([['agg:1', bytes(1)], ['agg:2', bytes(2)], ['agg:40', bytes(40)]]));
    const { b: _flag, ...unflagged } = (await raw()).get('pack:agg:0')!;
    await putRaw('pack:agg:0', unflagged);
    const { records, broken } = await (await store()).read(['agg:1', 'agg:2', 'agg:40']);
    expect(broken.sort()).toEqual(['agg:1', 'agg:2']);
    expect([...records.keys()]).toEqual(['agg:40']);
    // Written again, it starts from nothing and opens.
    const again = await store();
    await again.read(['agg:1']);
    await again.write(new Map([['agg:1', bytes(5)]]));
    const after = await (await store()).read(['agg:1', 'agg:2']);
    expect(after.broken).toEqual([]);
    expect([...after.records]).toEqual([['agg:1', bytes(5)]]);
  });

  it('without a directory that opens, packed records count as absent, and a write starts the directory again', async () => {
    await (await store()).write(new Map<string, unknown>([['agg:1', bytes(1)], ['sum:1', bytes(2)], ['meta', { v: 1 }]]));
    await putRaw('pack:dir', (await raw()).get('pack:agg:0'));
    const lost = await store();
    expect(await lost.keys()).toEqual(['meta']);
    expect((await lost.read(['agg:1', 'sum:1'])).records.size).toBe(0);
    expect((await (await store()).readAll()).broken).toEqual(['pack:dir']);
    await lost.write(new Map([['agg:2', bytes(2)]]));
    const fresh = await store();
    expect((await fresh.keys()).sort()).toEqual(['agg:2', 'meta']);
    expect((await fresh.read(['agg:2'])).records.get('agg:2')).toEqual(bytes(2));
  });

  it('another KEK opens nothing', async () => {
    await (await store()).write(new Map<string, unknown>([['agg:1', bytes(1)], ['meta', { v: 1 }]]));
    const other = (await openCacheStore(account, { kty: 'oct', k: 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8' }))!;
    expect(await other.keys()).toEqual(['meta']);
    expect((await other.readAll()).broken.sort()).toEqual(['meta', 'pack:agg:0', 'pack:dir']);
  });
});
