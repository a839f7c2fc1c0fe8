// The visitor's QUERY and PURGE (clients-and-crypto.md §5.2, §5.3, §4.4) with real WebCrypto user secrets,
// a mocked API and an in-memory `user` database.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { Reply } from '../../shared/protocol.ts';
import { api, ApiError } from '../api.ts';
import { getUserSecret, openDatabase } from '../storage.ts';
import { manageHandlers } from './handlers.ts';
import { loadVectors, MemoryDatabase, newUserSecret, pageview, seal, ulid } from './test-support.ts';
import type { QueryResult } from './types.ts';

vi.mock('../api.ts', async (importOriginal) => ({ ...(await importOriginal<typeof import('../api.ts')>()), api: vi.fn() }));
vi.mock('../storage.ts', () => ({ openDatabase: vi.fn(), getUserSecret: vi.fn() }));

const apiMock = vi.mocked(api);
let user: MemoryDatabase;
let secrets: Record<string, JsonWebKey>;

beforeEach(() => {
  apiMock.mockReset();
  user = new MemoryDatabase('user');
  secrets = {};
  vi.mocked(openDatabase).mockImplementation(async (name) => {
    if (name !== 'user') throw new Error(`unexpected database ${name}`);
    return user;
  });
  vi.mocked(getUserSecret).mockImplementation(async (accountId) => secrets[accountId] ?? null);
});

async function send(type: string, payload: unknown): Promise<Reply<string, { query: unknown; result: QueryResult }>> {
  const replies: Reply[] = [];
  await manageHandlers[type]!({ type, payload }, (reply) => replies.push(reply as Reply));
  expect(replies).toHaveLength(1);
  return replies[0] as Reply<string, { query: unknown; result: QueryResult }>;
}

const visitorQuery = { query: { accountId: null, range: 7, resolution: 'days' }, authenticatedUser: null };
const T0 = Date.parse('2024-10-01T10:00:00.000Z');
const id = (n: number) => ulid(T0 + n * 60_000, `e${n}`);

describe('visitor QUERY', () => {
  it('decrypts with each account\'s local secret, drops what fails, stores plaintext and moves the checkpoint', async () => {
    secrets['acc-1'] = await newUserSecret();
    const otherSecret = await newUserSecret();
    apiMock.mockResolvedValueOnce({
      events: {
        'acc-1': [
          { accountId: 'acc-1', eventId: id(1), payload: await seal(secrets['acc-1'], pageview({ href: 'https://www.example.com/a/' })) },
          { accountId: 'acc-1', eventId: id(2), payload: await seal(secrets['acc-1'], pageview({ href: 'https://www.example.com/b/' })) },
          // Encrypted with another key, not JSON, failing the schema, malformed envelope: all dropped silently.
          { accountId: 'acc-1', eventId: id(3), payload: await seal(otherSecret, pageview()) },
          { accountId: 'acc-1', eventId: id(4), payload: await seal(secrets['acc-1'], 'not an object') },
          { accountId: 'acc-1', eventId: id(5), payload: await seal(secrets['acc-1'], pageview({ href: 'relative/' })) },
          { accountId: 'acc-1', eventId: 'X'.repeat(27), payload: await seal(secrets['acc-1'], pageview()) },
          { accountId: 'acc-1', eventId: id(6), payload: 'garbage' },
        ],
        // No local secret for this account: dropped (§4.4).
        'acc-2': [{ accountId: 'acc-2', eventId: id(7), payload: await seal(otherSecret, pageview()) }],
      },
      sequence: 'SEQ1',
      retentionPeriod: '6months',
    });

    const reply = await send('QUERY', visitorQuery);
    expect(apiMock).toHaveBeenCalledWith('GET', '/api/events');
    expect(reply.type).toBe('QUERY_SUCCESS');
    expect(reply.payload.query).toEqual(visitorQuery.query);
    expect(reply.payload.result.account).toEqual({ retentionPeriod: '6months' });
    expect(reply.payload.result.events).toEqual([
      { ...pageview({ href: 'https://www.example.com/a/' }), eventId: id(1), accountId: 'acc-1', secretId: 'local' },
      { ...pageview({ href: 'https://www.example.com/b/' }), eventId: id(2), accountId: 'acc-1', secretId: 'local' },
    ]);
    // §4.7: the `user` database holds the plaintext records.
    expect(await user.table('events').toArray()).toEqual([
      { eventId: id(1), accountId: 'acc-1', payload: pageview({ href: 'https://www.example.com/a/' }), secretId: 'local' },
      { eventId: id(2), accountId: 'acc-1', payload: pageview({ href: 'https://www.example.com/b/' }), secretId: 'local' },
    ]);
    expect(await user.table('checkpoints').get('LAST_KNOWN_CHECKPOINT')).toEqual({ type: 'LAST_KNOWN_CHECKPOINT', sequence: 'SEQ1' });
    expect(getUserSecret).toHaveBeenCalledWith('acc-2');
  });

  it('sends ?since= from the checkpoint, applies deletedEvents and keeps the checkpoint on 204 and 400', async () => {
    secrets['acc-1'] = await newUserSecret();
    const first = async (n: number) => ({ accountId: 'acc-1', eventId: id(n), payload: await seal(secrets['acc-1']!, pageview({ href: `https://x.org/${n}/` })) });
    apiMock.mockResolvedValueOnce({ events: { 'acc-1': [await first(1), await first(2)] }, sequence: 'SEQ1', retentionPeriod: '30days' });
    await send('QUERY', visitorQuery);

    apiMock.mockResolvedValueOnce({ events: { 'acc-1': [await first(3)] }, deletedEvents: [id(1)], sequence: 'SEQ2', retentionPeriod: '30days' });
    const second = await send('QUERY', visitorQuery);
    expect(apiMock).toHaveBeenLastCalledWith('GET', '/api/events?since=SEQ1');
    expect(second.payload.result.events.map((e) => e.eventId)).toEqual([id(2), id(3)]);
    expect(await user.table('checkpoints').get('LAST_KNOWN_CHECKPOINT')).toMatchObject({ sequence: 'SEQ2' });

    // 204: nothing new; the checkpoint and the stored events stay; no retention period is known.
    apiMock.mockResolvedValueOnce(null);
    const third = await send('QUERY', visitorQuery);
    expect(apiMock).toHaveBeenLastCalledWith('GET', '/api/events?since=SEQ2');
    expect(third.payload.result.events.map((e) => e.eventId)).toEqual([id(2), id(3)]);
    expect(third.payload.result.account).toEqual({ retentionPeriod: null });

    // 400 (no user cookie): treated as no events.
    apiMock.mockRejectedValueOnce(new ApiError('user cookie required', 400));
    expect((await send('QUERY', visitorQuery)).payload.result.events).toHaveLength(2);
    expect(await user.table('checkpoints').get('LAST_KNOWN_CHECKPOINT')).toMatchObject({ sequence: 'SEQ2' });
  });

  it('keeps all of the visitor\'s events whatever query.from/to say (issue 4 contract 5: "download my data")', async () => {
    secrets['acc-1'] = await newUserSecret();
    const events = await Promise.all([1, 2, 3].map(async (n) => ({ accountId: 'acc-1', eventId: id(n), payload: await seal(secrets['acc-1']!, pageview()) })));
    apiMock.mockResolvedValueOnce({ events: { 'acc-1': events }, sequence: 'S', retentionPeriod: '6months' });
    const reply = await send('QUERY', { query: { accountId: null, from: new Date(T0 + 2 * 60_000), to: new Date(T0 + 2 * 60_000) }, authenticatedUser: null });
    expect(reply.payload.result.events.map((e) => e.eventId)).toEqual([id(1), id(2), id(3)]);
    expect(reply.payload.result.range).toEqual({ from: new Date(T0 + 120_000).toISOString(), to: new Date(T0 + 120_000).toISOString() });
  });

  it('opens the crypto-vectors payload (a WebCrypto user secret, 12-byte IV)', async () => {
    const { eventPayload } = loadVectors();
    secrets['acc-v'] = eventPayload.userSecretJwk;
    apiMock.mockResolvedValueOnce({ events: { 'acc-v': [{ accountId: 'acc-v', eventId: id(1), payload: eventPayload.cipher12ByteNonce }] }, sequence: 'S', retentionPeriod: '6months' });
    const [event] = (await send('QUERY', { query: null, authenticatedUser: null })).payload.result.events;
    expect(event).toEqual({ ...JSON.parse(eventPayload.plaintextUtf8), eventId: id(1), accountId: 'acc-v', secretId: 'local' });
  });

  it('rethrows 500 and leaves the checkpoint alone', async () => {
    await user.table('checkpoints').put({ type: 'LAST_KNOWN_CHECKPOINT', sequence: 'OLD' });
    apiMock.mockRejectedValueOnce(new ApiError('down', 500));
    await expect(manageHandlers.QUERY!({ type: 'QUERY', payload: visitorQuery }, () => {})).rejects.toThrow('down');
    expect(await user.table('checkpoints').get('LAST_KNOWN_CHECKPOINT')).toMatchObject({ sequence: 'OLD' });
  });

  it('drops stored records that no longer pass the schema', async () => {
    await user.table('events').bulkPut([
      { eventId: id(1), accountId: 'acc-1', payload: pageview(), secretId: 'local' },
      { eventId: id(2), accountId: 'acc-1', payload: { ...pageview(), type: 'CLICK' }, secretId: 'local' },
    ]);
    apiMock.mockResolvedValueOnce(null);
    expect((await send('QUERY', visitorQuery)).payload.result.events.map((e) => e.eventId)).toEqual([id(1)]);
  });
});

describe('PURGE', () => {
  async function seed() {
    await user.table('events').put({ eventId: id(1), accountId: 'acc-1', payload: pageview(), secretId: 'local' });
    await user.table('checkpoints').put({ type: 'LAST_KNOWN_CHECKPOINT', sequence: 'SEQ9' });
  }

  it('posts /api/purge, clears events and checkpoint, re-queries from scratch and answers like QUERY_SUCCESS', async () => {
    await seed();
    apiMock.mockResolvedValueOnce(null).mockResolvedValueOnce({ events: {}, retentionPeriod: '6months' });
    const reply = await send('PURGE', null);
    expect(apiMock.mock.calls).toEqual([['POST', '/api/purge'], ['GET', '/api/events']]);
    expect(reply).toMatchObject({ type: 'QUERY_SUCCESS', payload: { query: {}, result: { account: { retentionPeriod: '6months' }, events: [], range: { from: null, to: null } } } });
    expect(await user.table('events').toArray()).toEqual([]);
    expect(await user.table('checkpoints').toArray()).toEqual([]);
  });

  it('tolerates 400 from purge (no user cookie)', async () => {
    await seed();
    apiMock.mockRejectedValueOnce(new ApiError('no user', 400)).mockRejectedValueOnce(new ApiError('no user', 400));
    expect((await send('PURGE', null)).payload.result.events).toEqual([]);
    expect(await user.table('events').toArray()).toEqual([]);
  });

  it.each([403, 500])('a %i from purge is not swallowed and keeps local data', async (status) => {
    await seed();
    apiMock.mockRejectedValueOnce(new ApiError('nope', status));
    await expect(manageHandlers.PURGE!({ type: 'PURGE', payload: null }, () => {})).rejects.toThrow('nope');
    expect(await user.table('events').toArray()).toHaveLength(1);
  });
});
