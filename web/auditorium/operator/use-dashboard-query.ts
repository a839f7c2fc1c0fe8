// Loading and refreshing the operator dashboard's data (dashboard.md §1.3 "Loading and refresh"): QUERY with the
// URL's range/filter parameters (contract 2) and progress (contract 3); a re-query whenever the parameters or the
// account change; an auto-refresh every 15 s while the window has focus (stopped on blur, run at once on focus).
// A failed first load is unrecoverable (the app's error box); a failed later load keeps the old data and says so.
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { LoginResult } from '../../shared/protocol.ts';
import type { DashboardStats } from '../../vault/manage/stats/types.ts';
import type { NormalizedEvent, QueryResult } from '../../vault/manage/types.ts';
import { useApp } from '../context.ts';
import { queryFromPlace } from '../dashboard/index.ts';
import type { QueryProgress } from '../vault-client.ts';

/** §1.3: auto-refresh interval. */
export const REFRESH_MS = 15_000;

export type DashboardResult = QueryResult & DashboardStats;

export interface DashboardQuery {
  /** The newest result; null until the first load succeeded. */
  result: DashboardResult | null;
  /** QUERY_PROGRESS of the running load, if the vault sent any. */
  progress: QueryProgress | null;
  /** A load is running while `result` (older data) is shown. */
  reloading: boolean;
  /** The events of the current parameters' window, for the CSV export (answers to the loads carry none). */
  loadEvents(): Promise<NormalizedEvent[]>;
}

export function useDashboardQuery(accountId: string | null, search: string, login: LoginResult): DashboardQuery {
  const app = useApp();
  const [result, setResult] = useState<DashboardResult | null>(null);
  const [progress, setProgress] = useState<QueryProgress | null>(null);
  const [running, setRunning] = useState(false);
  // Only the newest request may change the state: a slow answer to old parameters must not overwrite new data.
  const latest = useRef(0);
  const inFlight = useRef(false);
  const hasResult = useRef(false);
  const live = useRef(true);
  useEffect(() => () => void (live.current = false), []);

  /** `auto`: the timer or a focus; skipped while a load runs, so refreshes never pile up. */
  const load = (auto: boolean) => {
    if (accountId === null || (auto && inFlight.current)) return;
    const id = ++latest.current;
    const current = () => live.current && id === latest.current;
    inFlight.current = true;
    setRunning(true);
    setProgress(null);
    app.vault
      .query<DashboardResult>(
        // events: false: the metrics only; a window's events are fetched when they are exported (loadEvents).
        { query: { ...queryFromPlace(search), accountId }, authenticatedUser: login, progress: true, events: false },
        { onProgress: (next) => current() && setProgress(next) },
      )
      .then(
        (reply) => {
          if (!current()) return;
          hasResult.current = true;
          setResult(reply.result);
        },
        (error: unknown) => {
          if (!current()) return;
          // §1.3: only a background refresh degrades to a flash; without any data there is nothing to show.
          if (hasResult.current) app.flash.add(app.s.operator.refreshFailed);
          else app.fail(error);
        },
      )
      .finally(() => {
        if (!current()) return;
        inFlight.current = false;
        setRunning(false);
        setProgress(null);
      });
  };
  // The timer and the focus listener outlive renders; they always call the newest `load`.
  const loadRef = useRef(load);
  loadRef.current = load;

  // A layout effect: the QUERY leaves in the task that rendered the dashboard, not after the next paint (a
  // frame or more later on a page load that keeps the main thread busy).
  useLayoutEffect(() => loadRef.current(false), [accountId, search]);

  useEffect(() => {
    if (accountId === null) return;
    let timer: ReturnType<typeof setInterval> | null = null;
    const start = () => {
      if (timer === null) timer = setInterval(() => loadRef.current(true), REFRESH_MS);
    };
    const stop = () => {
      if (timer !== null) clearInterval(timer);
      timer = null;
    };
    const onFocus = () => {
      loadRef.current(true);
      start();
    };
    if (typeof document.hasFocus !== 'function' || document.hasFocus()) start();
    addEventListener('focus', onFocus);
    addEventListener('blur', stop);
    return () => {
      stop();
      removeEventListener('focus', onFocus);
      removeEventListener('blur', stop);
    };
  }, [accountId]);

  const loadEvents = async (): Promise<NormalizedEvent[]> => {
    if (accountId === null) return [];
    const reply = await app.vault.query<DashboardResult>({ query: { ...queryFromPlace(search), accountId }, authenticatedUser: login });
    return reply.result.events;
  };

  return { result, progress, reloading: running && result !== null, loadEvents };
}
