// User Timing marks ("offen:<step>") on the dashboard's load path: the auditorium's messages to the vault and
// the vault's query steps. They name steps only (never data), cost next to nothing, and let the dashboard
// benchmark (bench/dashboard.mjs, TIMELINE=1) show where a load spends its time.
export function mark(step: string): void {
  try {
    globalThis.performance?.mark(`offen:${step}`);
  } catch {
    // no User Timing (an old runtime): nothing to record
  }
}
