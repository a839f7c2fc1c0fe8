// Sessions to ids (columns.ts SessionIndex): UUIDs as the vault writes them by their 128 bits, anything else
// by its string, and never two different sessionIds on one id.
import { describe, expect, it } from 'vitest';
import { SessionIndex, uuidWords } from './columns.ts';

const UUID = '0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0ff';

describe('uuidWords', () => {
  it('reads the lower-case 8-4-4-4-12 spelling only', () => {
    const out = new Int32Array(5);
    expect(uuidWords(UUID, out, 1)).toBe(true);
    expect([...out]).toEqual([0, 0x0f1e2d3c, 0x4b5a4978, 0x8695a4b3 | 0, 0xc2d1e0ff | 0]);
    for (const other of [UUID.toUpperCase(), UUID.replace(/-/g, ''), `${UUID}0`, UUID.replace('-', '_'), UUID.replace('f', 'g'), '', 42, null]) {
      expect(uuidWords(other, out, 0), String(other)).toBe(false);
    }
  });
});

describe('SessionIndex', () => {
  it('gives a UUID one id by string and by bits, and other spellings ids of their own', () => {
    const index = new SessionIndex();
    const words = new Int32Array(4);
    uuidWords(UUID, words, 0);
    const id = index.intern(UUID);
    const out = new Int32Array(1);
    index.internBits(words, 1, out, 0);
    expect(out[0]).toBe(id);
    expect(index.intern(UUID)).toBe(id);
    expect(index.name(id)).toBeNull();
    const upper = index.intern(UUID.toUpperCase());
    expect(upper).not.toBe(id);
    expect(index.name(upper)).toBe(UUID.toUpperCase());
    // A number and its string are one session, as the columns' interning always had them.
    expect(index.intern(7)).toBe(index.intern('7'));
    // The all-zero UUID is not the zero bits of a named id.
    expect(index.intern('00000000-0000-0000-0000-000000000000')).not.toBe(upper);
    const back = new Int32Array(4);
    index.bitsOf(id, back, 0);
    expect([...back]).toEqual([...words]);
    expect(index.size).toBe(4);
  });

  it('keeps every id while the table grows', () => {
    const index = new SessionIndex();
    const words = new Int32Array(4 * 20_000);
    // Only the last word differs: the hash must mix all four.
    for (let n = 0; n < 20_000; n++) words.set([1, 2, 3, n], n * 4);
    const ids = new Int32Array(20_000);
    // In two calls, so the table grows between and within them.
    index.internBits(words, 5_000, ids, 0);
    index.internBits(words.subarray(5_000 * 4), 15_000, ids, 5_000);
    expect(new Set(ids).size).toBe(20_000);
    const again = new Int32Array(20_000);
    index.internBits(words, 20_000, again, 0);
    expect([...again]).toEqual([...ids]);
    expect(index.size).toBe(20_000);
  });

  it('gives the same ids after making room in advance, and keeps those it had', () => {
    const words = new Int32Array(4 * 30_000);
    for (let n = 0; n < 30_000; n++) words.set([n, -n, 7, 9], n * 4);
    const plain = new SessionIndex();
    const expected = new Int32Array(30_000);
    plain.intern('a-session');
    plain.internBits(words, 30_000, expected, 0);
    const reserved = new SessionIndex();
    reserved.intern('a-session');
    reserved.internBits(words, 1_000, new Int32Array(1_000), 0);
    reserved.reserve(29_000);
    const ids = new Int32Array(30_000);
    reserved.internBits(words, 30_000, ids, 0);
    expect([...ids]).toEqual([...expected]);
    expect(reserved.size).toBe(30_001);
    expect(reserved.intern('a-session')).toBe(0);
    expect(reserved.name(0)).toBe('a-session');
    const bits = new Int32Array(4);
    reserved.bitsOf(ids[29_999]!, bits, 0);
    expect([...bits]).toEqual([29_999, -29_999, 7, 9]);
  });
});
