// @vitest-environment happy-dom
// clients-and-crypto.md §1.3: origin rules, delegation to the lazy manage bundle, error replies, robustness.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Handler } from './handlers.ts';
import { createRouter, type CoreHandler } from './router.ts';

const lazy = vi.hoisted(() => ({ loadLazy: vi.fn<(name: string) => Promise<void>>() }));
vi.mock('./lazy.ts', () => lazy);

const OWN = 'https://offen.example.org';
const OTHER = 'https://www.example.com';

/** Delivers one message to a router and collects what it posts on the transferred port. */
function deliver(listener: (event: MessageEvent) => void, data: unknown, origin = OWN, withPort = true) {
  const replies: unknown[] = [];
  const ports = withPort ? [{ postMessage: (reply: unknown) => replies.push(reply) } as unknown as MessagePort] : [];
  listener({ data, origin, ports } as unknown as MessageEvent);
  return replies;
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 10));

describe('router', () => {
  const core = {
    EVENT: vi.fn<CoreHandler>(async (_request, respond) => respond(null)),
    ACQUIRE_CONSENT: vi.fn<CoreHandler>(async (_request, respond) => respond(null)),
  };
  const query = vi.fn<Handler>(async (request, respond) => respond({ type: 'QUERY_SUCCESS', payload: request.payload }));
  let listener: (event: MessageEvent) => void;

  beforeEach(() => {
    (window as unknown as { happyDOM: { setURL(url: string): void } }).happyDOM.setURL(`${OWN}/vault`);
    lazy.loadLazy.mockImplementation(async () => {
      globalThis.__OFFEN_MANAGE__ = { QUERY: query };
    });
    listener = createRouter(core);
  });
  afterEach(() => {
    vi.clearAllMocks();
    globalThis.__OFFEN_MANAGE__ = undefined;
  });

  it('accepts EVENT and ACQUIRE_CONSENT from any origin', async () => {
    const event = deliver(listener, { type: 'EVENT', payload: {} }, OTHER);
    const consent = deliver(listener, { type: 'ACQUIRE_CONSENT', payload: null }, OTHER);
    await settle();
    expect(event).toEqual([null]);
    expect(consent).toEqual([null]);
    expect(core.EVENT).toHaveBeenCalledOnce();
    expect(lazy.loadLazy).not.toHaveBeenCalled();
  });

  it('refuses a cross-origin QUERY with the exact message and never loads the manage bundle', async () => {
    const replies = deliver(listener, { type: 'QUERY', payload: null }, OTHER);
    await settle();
    expect(replies).toHaveLength(1);
    expect(replies[0]).toMatchObject({ type: 'ERROR', payload: { error: `Incoming message had untrusted origin "${OTHER}"` } });
    expect(replies[0]).not.toHaveProperty('payload.status');
    expect(lazy.loadLazy).not.toHaveBeenCalled();
    expect(query).not.toHaveBeenCalled();
  });

  it('refuses the opaque origin "null"', async () => {
    const replies = deliver(listener, { type: 'QUERY', payload: null }, 'null');
    await settle();
    expect(replies).toMatchObject([{ type: 'ERROR', payload: { error: 'Incoming message had untrusted origin "null"' } }]);
  });

  it('delegates same-origin types to the lazily loaded manage bundle', async () => {
    const replies = deliver(listener, { type: 'QUERY', payload: { query: 1 } });
    await settle();
    expect(lazy.loadLazy).toHaveBeenCalledWith('manage');
    expect(replies).toEqual([{ type: 'QUERY_SUCCESS', payload: { query: 1 } }]);
  });

  it('answers an unknown same-origin type with the "not handled" error', async () => {
    const replies = deliver(listener, { type: 'NOPE', payload: null });
    const inherited = deliver(listener, { type: 'constructor', payload: null });
    await settle();
    expect(replies).toMatchObject([{ type: 'ERROR', payload: { error: 'Message of type "NOPE" was not handled.' } }]);
    expect(inherited).toMatchObject([{ type: 'ERROR', payload: { error: 'Message of type "constructor" was not handled.' } }]);
  });

  it('turns a failing manage load into an ERROR reply', async () => {
    lazy.loadLazy.mockRejectedValueOnce(new Error('Could not load the manage bundle'));
    const replies = deliver(listener, { type: 'QUERY', payload: null });
    await settle();
    expect(replies).toMatchObject([{ type: 'ERROR', payload: { error: 'Could not load the manage bundle' } }]);
  });

  it('turns a rejected handler into {type: ERROR, payload: {error, stack}}', async () => {
    core.EVENT.mockRejectedValueOnce(new Error('boom'));
    const replies = deliver(listener, { type: 'EVENT', payload: null }, OTHER);
    await settle();
    const [reply] = replies as Array<{ type: string; payload: { error: string; stack: string } }>;
    expect(reply.type).toBe('ERROR');
    expect(reply.payload.error).toBe('boom');
    expect(reply.payload.stack).toContain('boom');
  });

  it('ignores malformed data without throwing or answering', async () => {
    const malformed = [null, undefined, 'EVENT', 42, [], {}, { type: 5 }, { payload: {} }];
    const replies = malformed.flatMap((data) => {
      expect(() => deliver(listener, data, OTHER)).not.toThrow();
      return deliver(listener, data, OTHER);
    });
    await settle();
    expect(replies).toEqual([]);
    expect(core.EVENT).not.toHaveBeenCalled();
  });

  it('drops replies when no port was transferred', async () => {
    expect(() => deliver(listener, { type: 'EVENT', payload: null }, OTHER, false)).not.toThrow();
    await settle();
    expect(core.EVENT).toHaveBeenCalledOnce();
    await expect(core.EVENT.mock.results[0].value).resolves.toBeUndefined();
  });
});
