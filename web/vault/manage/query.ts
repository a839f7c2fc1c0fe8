// QUERY and PURGE (clients-and-crypto.md §1.4): the auditorium sends query.accountId null for the visitor's
// own data (§5.2) and an account id plus the login result for the operator dashboard (§5.5). An operator
// QUERY with `progress: true` also gets QUERY_PROGRESS {done, total} messages on the same port while the
// vault decrypts (issue 4 contract 3); without it there is exactly one reply, as other clients expect. With
// `events: false` an operator's result carries no events (an empty list): the dashboard asks for them only when
// they are exported, since the 6-month window of a big account holds a million, which postMessage would clone
// into every answer, auto-refreshes included.
import type { Handler } from '../handlers.ts';
import { operatorQuery } from './operator.ts';
import type { Progress } from './operator.ts';
import type { Query, QueryPayload } from './types.ts';
import { purgeAndQuery, visitorQuery } from './visitor.ts';

interface ReadQuery {
  query: Query;
  authenticatedUser: QueryPayload['authenticatedUser'];
  progress: boolean;
  events: boolean;
}

function readQuery(payload: unknown): ReadQuery {
  const { query, authenticatedUser, progress, events } = (payload !== null && typeof payload === 'object' ? payload : {}) as QueryPayload & {
    progress?: unknown;
    events?: unknown;
  };
  return { query: query !== null && typeof query === 'object' ? query : {}, authenticatedUser, progress: progress === true, events: events !== false };
}

export const QUERY: Handler = async (request, respond) => {
  const { query, authenticatedUser, progress, events } = readQuery(request.payload);
  const { accountId } = query;
  const onProgress = progress ? (payload: Progress) => respond({ type: 'QUERY_PROGRESS', payload }) : undefined;
  const result =
    typeof accountId === 'string' && accountId !== ''
      ? await operatorQuery({ ...query, accountId }, authenticatedUser, { onProgress, events })
      : await visitorQuery(query);
  respond({ type: 'QUERY_SUCCESS', payload: { query, result } });
};

/** §1.4: the payload is null; the re-query is the visitor's default query. */
export const PURGE: Handler = async (request, respond) => {
  const { query } = readQuery(request.payload);
  respond({ type: 'QUERY_SUCCESS', payload: { query, result: await purgeAndQuery(query) } });
};
