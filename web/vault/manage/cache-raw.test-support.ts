// Raw access to an account's encrypted local cache database (cache-store.ts), for tests that look at or
// tamper with what IndexedDB holds, below the store's API.
import { CACHE_PREFIX } from './cache-store.ts';

function openRaw(accountId: string): Promise<IDBDatabase> {
  return new Promise<IDBDatabase>((resolve, reject) => {
    const request = indexedDB.open(CACHE_PREFIX + accountId);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

/** Every raw value stored in the account's cache database, with its key. */
export async function rawRecords(accountId: string): Promise<Array<{ key: IDBValidKey; value: unknown }>> {
  const db = await openRaw(accountId);
  try {
    return await new Promise((resolve, reject) => {
      const tx = db.transaction('records', 'readonly');
      const keys = tx.objectStore('records').getAllKeys();
      const values = tx.objectStore('records').getAll();
      tx.oncomplete = () => resolve(keys.result.map((key, n) => ({ key, value: values.result[n] })));
      tx.onerror = () => reject(tx.error);
    });
  } finally {
    db.close();
  }
}

/** Runs one write transaction on the account's cache database. */
export async function writeRaw(accountId: string, change: (store: IDBObjectStore) => void): Promise<void> {
  const db = await openRaw(accountId);
  try {
    await new Promise<void>((resolve, reject) => {
      const tx = db.transaction('records', 'readwrite');
      change(tx.objectStore('records'));
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error);
    });
  } finally {
    db.close();
  }
}
