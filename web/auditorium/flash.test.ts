import { describe, expect, it } from 'vitest';
import { FLASH_TIMEOUT_MS, FlashStore } from './flash.ts';

function fakeTimers() {
  let now = 0;
  const pending = new Map<number, { at: number; callback: () => void }>();
  let next = 1;
  return {
    setTimeout(callback: () => void, ms: number) {
      const id = next++;
      pending.set(id, { at: now + ms, callback });
      return id;
    },
    clearTimeout(handle: unknown) {
      pending.delete(handle as number);
    },
    advance(ms: number) {
      now += ms;
      for (const [id, timer] of [...pending]) {
        if (timer.at <= now) {
          pending.delete(id);
          timer.callback();
        }
      }
    },
    get pending() {
      return pending.size;
    },
  };
}

describe('FlashStore (dashboard.md §1: click, Esc on the newest, 10 s)', () => {
  it('stacks messages and notifies subscribers', () => {
    const store = new FlashStore(fakeTimers());
    const seen: string[][] = [];
    store.subscribe((messages) => seen.push(messages.map((m) => m.text)));
    store.add('one');
    store.add('two');
    expect(store.current.map((m) => m.text)).toEqual(['one', 'two']);
    expect(seen).toEqual([['one'], ['one', 'two']]);
  });

  it('closes a message on dismiss and the newest on dismissNewest, clearing their timers', () => {
    const timers = fakeTimers();
    const store = new FlashStore(timers);
    const first = store.add('one');
    store.add('two');
    store.add('three');
    expect(store.dismissNewest()).toBe(true);
    expect(store.current.map((m) => m.text)).toEqual(['one', 'two']);
    store.dismiss(first);
    expect(store.current.map((m) => m.text)).toEqual(['two']);
    expect(timers.pending).toBe(1);
    store.dismiss(first);
    expect(store.current).toHaveLength(1);
    store.dismissNewest();
    expect(store.dismissNewest()).toBe(false);
  });

  it('closes each message by itself after 10 s', () => {
    const timers = fakeTimers();
    const store = new FlashStore(timers);
    store.add('early');
    timers.advance(4_000);
    store.add('late');
    timers.advance(FLASH_TIMEOUT_MS - 4_000);
    expect(store.current.map((m) => m.text)).toEqual(['late']);
    timers.advance(4_000);
    expect(store.current).toEqual([]);
  });
});
