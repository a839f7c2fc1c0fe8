// The generic reply rule of clients-and-crypto.md §1.4: success -> T_SUCCESS, an HTTP error below 500 ->
// T_FAILURE {message}, anything else (5xx, network, bugs) is rethrown and the core turns it into ERROR,
// which the auditorium treats as unrecoverable (§7.8).
import { ApiError } from '../api.ts';
import type { Handler } from '../handlers.ts';

/** True for the API errors that become a *_FAILURE reply rather than ERROR. */
export function isClientError(err: unknown): err is ApiError {
  return err instanceof ApiError && err.status < 500;
}

/** True for an ApiError with exactly this status (e.g. the tolerated 400 of /api/purge, §3.3). */
export function hasStatus(err: unknown, status: number): boolean {
  return err instanceof ApiError && err.status === status;
}

/** Builds a handler that runs one API call and answers with the generic rule. */
export function apiHandler(type: string, call: (payload: Record<string, unknown>) => Promise<unknown>): Handler {
  return async (request, respond) => {
    try {
      await call(payloadObject(request.payload, type));
    } catch (err) {
      if (!isClientError(err)) throw err;
      respond({ type: `${type}_FAILURE`, payload: { message: err.message } });
      return;
    }
    respond({ type: `${type}_SUCCESS`, payload: null });
  };
}

/** Same-origin payloads are trusted in shape, but a missing one must be a clear ERROR, not a TypeError. */
export function payloadObject(payload: unknown, type: string): Record<string, unknown> {
  if (payload === null || typeof payload !== 'object') throw new Error(`Message of type "${type}" needs a payload object.`);
  return payload as Record<string, unknown>;
}

/** Path segments are URL-encoded: ids come from the auditorium's URL. */
export function segment(value: unknown): string {
  if (typeof value !== 'string' || value === '') throw new Error('Expected a non-empty id.');
  return encodeURIComponent(value);
}
