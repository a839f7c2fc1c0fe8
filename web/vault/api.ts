// The vault's one HTTP path (clients-and-crypto.md §5 conventions). OWNER: vault-core helper.
// URLs are built from window.location.origin (no CORS), credentials are included, bodies are
// JSON.stringify'd WITHOUT a Content-Type header (the browser sends text/plain).

export class ApiError extends Error {
  constructor(message: string, readonly status: number) {
    super(message);
  }
}

/**
 * Calls the API. Status >= 400 throws ApiError with the JSON body's `error` (else the raw text) and `.status`;
 * 204 resolves to null; any other 2xx must carry JSON and resolves to it.
 */
export async function api<T>(method: string, path: string, body?: unknown): Promise<T | null> {
  const response = await fetch(location.origin + path, {
    method,
    credentials: 'include',
    // A string body makes fetch send text/plain; the server decodes JSON whatever the type (server.md §1.3).
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (response.status >= 400) {
    const text = await response.text();
    let message = text;
    try {
      const parsed: unknown = JSON.parse(text);
      const error = parsed && (parsed as { error?: unknown }).error;
      if (typeof error === 'string') message = error;
    } catch {
      // not JSON: keep the raw text (§5 fetch-response)
    }
    throw new ApiError(message || `HTTP ${response.status}`, response.status);
  }
  return response.status === 204 ? null : ((await response.json()) as T);
}
