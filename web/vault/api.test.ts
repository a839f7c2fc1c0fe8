// @vitest-environment happy-dom
// clients-and-crypto.md §5 conventions: origin-relative URLs, credentials, text/plain JSON bodies, error mapping.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { api, ApiError } from './api.ts';

const fetchMock = vi.fn<typeof fetch>();

beforeEach(() => {
  (window as unknown as { happyDOM: { setURL(url: string): void } }).happyDOM.setURL('https://offen.example.org/vault');
  vi.stubGlobal('fetch', fetchMock);
});
afterEach(() => {
  vi.unstubAllGlobals();
  fetchMock.mockReset();
});

describe('api', () => {
  it('calls location.origin + path with credentials and a JSON string body without Content-Type', async () => {
    fetchMock.mockResolvedValue(new Response('{"ack":true}', { status: 201 }));
    await expect(api('POST', '/api/events', { accountId: 'a', payload: 'p' })).resolves.toEqual({ ack: true });
    const [url, init] = fetchMock.mock.calls[0];
    expect(url).toBe('https://offen.example.org/api/events');
    expect(init).toMatchObject({ method: 'POST', credentials: 'include', body: '{"accountId":"a","payload":"p"}' });
    expect(init?.headers).toBeUndefined();
  });

  it('sends no body when none is given and resolves 204 to null', async () => {
    fetchMock.mockResolvedValue(new Response(null, { status: 204 }));
    await expect(api('GET', '/api/setup')).resolves.toBeNull();
    expect(fetchMock.mock.calls[0][1]?.body).toBeUndefined();
  });

  it('throws ApiError with the JSON error and the status', async () => {
    fetchMock.mockResolvedValue(new Response('{"error":"unknown account","status":404}', { status: 404 }));
    const error = await api('POST', '/api/events', {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ message: 'unknown account', status: 404 });
  });

  it('falls back to the raw text when the error body is not JSON', async () => {
    fetchMock.mockResolvedValue(new Response('Bad Gateway', { status: 502 }));
    await expect(api('GET', '/api/exchange?accountId=a')).rejects.toMatchObject({ message: 'Bad Gateway', status: 502 });
  });

  it('rejects a 2xx other than 204 that carries no JSON', async () => {
    fetchMock.mockResolvedValue(new Response('', { status: 200 }));
    await expect(api('GET', '/api/login')).rejects.toThrow();
  });
});
