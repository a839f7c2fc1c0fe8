// Dashboard benchmark (issue 4 item 6), run by bench/dashboard.sh: the operator dashboard on a database seeded like
// real vaults (bench/DashSeed), in Debian's Chromium with fresh profiles, beside the raw WebCrypto work the same
// data needs (one RSA-OAEP-4096 decryption per visitor, one AES-GCM decryption per event) measured in the same
// browser. Environment: USERS, EVENTS, SEED, DASH_DEADLINE_MS (set by dashboard.sh), CACHE_MAX_AGE_HOURS,
// SETTLE_MS, VERIFY_MAX_USERS, STRICT, PROFILE_WARM, PROFILE_COLD, TIMELINE, QUICK, WARM_PROFILE. Everything listens on 127.0.0.1 only (the harness maps *.test there).
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  OffenServer, launchProfileAllowingThirdPartyCookies, makeCertificate, repo, request, tempDir,
} from '../tests/e2e/harness.mjs';

const int = (name, fallback) => {
  const value = process.env[name];
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got ${value}`);
  return n;
};
const USERS = int('USERS', 100_000);
const EVENTS = int('EVENTS', 1_000_000);
const SEED = int('SEED', 1);
const DEADLINE = Number(process.env.DASH_DEADLINE_MS) || Date.now() + 60 * 60_000;
// The seeded events end at seeding time, so a cached database ages: after a day the 7-day window holds less data
// and, after three, the 186-day retention (server.md §4) starts expiring the oldest events. Reseed then.
const CACHE_MAX_AGE_HOURS = int('CACHE_MAX_AGE_HOURS', 24);
// Pause between a cold load and the warm reload, once the vault has written its cache (cacheWritten): the server
// delays a second GET /api/accounts within 1 s (clients-and-crypto.md §5.5 rate limit).
const SETTLE_MS = int('SETTLE_MS', 3000);
const VERIFY_MAX_USERS = int('VERIFY_MAX_USERS', 5000);
const IN_FLIGHT = 256;
const READY = '[data-testid="auditorium/dashboard"][data-state="ready"]';
const SEEDER = path.join(repo, 'bench/DashSeed/bin/Release/net10.0/DashSeed');

const fmt = (n) => Math.round(n).toLocaleString('en-US');
const log = (line) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${line}`);
const remaining = () => Math.max(1, DEADLINE - Date.now());
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// --- cleanup on every exit path: the global deadline, signals, errors ---
const cleanups = [];
let exiting = false;
async function shutdown(code) {
  if (exiting) return;
  exiting = true;
  for (const fn of cleanups.reverse()) {
    try {
      await Promise.race([fn(), sleep(10_000)]);
    } catch { /* keep cleaning */ }
  }
  process.exit(code);
}
setTimeout(() => {
  console.error(`dashboard: the global deadline passed (${new Date(DEADLINE).toISOString()}); stopping everything`);
  void shutdown(124);
}, remaining()).unref();
process.on('SIGINT', () => void shutdown(130));
process.on('SIGTERM', () => void shutdown(143));

function run(file, args, options = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { stdio: ['ignore', 'inherit', 'inherit'], ...options });
    const kill = () => { if (child.exitCode === null) child.kill('SIGKILL'); };
    cleanups.push(async () => kill());
    child.once('error', reject);
    child.once('exit', (code, signal) => (code === 0 ? resolve() : reject(new Error(`${path.basename(file)} exited with ${code ?? signal}`))));
  });
}

/** Starts offen and makes sure it is stopped on every exit path (SIGKILL if SIGTERM is not enough). */
async function startOffen(options) {
  const server = await OffenServer.start(options);
  cleanups.push(async () => {
    await Promise.race([server.stop(), sleep(5000)]);
    if (server.child.exitCode === null) server.child.kill('SIGKILL');
  });
  return server;
}

/**
 * The seeded database for this scale: `offen setup` through the harness (its account id, operator and env),
 * then DashSeed. Cached under bench/.cache/<scale>/ and reused while younger than CACHE_MAX_AGE_HOURS.
 */
async function seededDatabase() {
  const cacheDir = path.join(repo, 'bench/.cache', `dashboard-u${USERS}-e${EVENTS}-s${SEED}`);
  const metaFile = path.join(cacheDir, 'meta.json');
  if (existsSync(metaFile)) {
    const meta = JSON.parse(readFileSync(metaFile, 'utf8'));
    const ageHours = (Date.now() - meta.seededAt) / 3_600_000;
    if (ageHours < CACHE_MAX_AGE_HOURS && existsSync(path.join(cacheDir, 'offen.db'))) {
      log(`reusing ${path.relative(repo, cacheDir)} (seeded ${ageHours.toFixed(1)} h ago in ${meta.seedSeconds.toFixed(1)} s)`);
      return { ...meta, db: path.join(cacheDir, 'offen.db'), cached: true };
    }
    log(`${path.relative(repo, cacheDir)} is ${ageHours.toFixed(1)} h old; seeding again`);
  }
  rmSync(cacheDir, { recursive: true, force: true });
  const work = `${cacheDir}.tmp-${process.pid}`;
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  cleanups.push(async () => rmSync(work, { recursive: true, force: true }));
  const certificate = makeCertificate(work);
  const setup = await startOffen({ dir: work, certificate });
  await setup.stop();
  log(`seeding ${fmt(USERS)} visitors and ${fmt(EVENTS)} events (bench/DashSeed)…`);
  const t0 = Date.now();
  await run(SEEDER, ['--db', path.join(work, 'offen.db'), '--account', setup.accountId, '--users', String(USERS),
    '--events', String(EVENTS), '--seed', String(SEED)]);
  const meta = {
    seededAt: Date.now(), seedSeconds: (Date.now() - t0) / 1000, users: USERS, events: EVENTS, seed: SEED,
    accountId: setup.accountId, email: setup.email, password: setup.password,
  };
  mkdirSync(cacheDir, { recursive: true });
  renameSync(path.join(work, 'offen.db'), path.join(cacheDir, 'offen.db'));
  writeFileSync(metaFile, JSON.stringify(meta, null, 2));
  rmSync(work, { recursive: true, force: true });
  return { ...meta, db: path.join(cacheDir, 'offen.db'), cached: false };
}

/**
 * Installed in every page before its scripts: the time (performance.now(), i.e. since navigation start) at which
 * the dashboard's ready marker (contract 4) appears, and at the next animation frame, when it is painted.
 */
function readyProbe(selector) {
  if (window.top !== window) return;
  const check = () => {
    // Diagnostics: when decryption starts reporting progress (the fetch and local storing happen before).
    if (window.__dashProgressAt === undefined && document.querySelector('[data-testid="auditorium/progress"]')?.textContent) {
      window.__dashProgressAt = performance.now();
    }
    if (window.__dashReady || !document.querySelector(selector)) return;
    const ready = performance.now();
    window.__dashReady = { ready, painted: null };
    observer.disconnect();
    requestAnimationFrame(() => { window.__dashReady.painted = performance.now(); });
  };
  const observer = new MutationObserver(check);
  observer.observe(document, { subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: ['data-state'] });
}

/** Navigates and returns the ms from navigation start to the rendered dashboard. */
/** The offen servers' process ids (serve() adds each), for the CPU accounting of cold loads. */
const serverPids = new Set();

/**
 * CPU time so far (seconds, from /proc; Linux only, else null): the machine's busy and idle time over all
 * cores, and the busy time of Chromium's renderers, of its other processes and of the offen servers.
 */
function cpuSnapshot() {
  try {
    const [, ...fields] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).map(Number);
    const hz = 100;
    const idle = (fields[3] + fields[4]) / hz;
    const busy = fields.reduce((a, b) => a + b, 0) / hz - idle;
    const out = { busy, idle, renderer: 0, chromium: 0, server: 0 };
    for (const pid of readdirSync('/proc')) {
      if (!/^\d+$/.test(pid)) continue;
      let stat;
      let cmdline;
      try {
        stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      } catch {
        continue;
      }
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const ticks = (Number(rest[11]) + Number(rest[12])) / hz;
      if (serverPids.has(Number(pid))) out.server += ticks;
      else if (/chrom/.test(stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')))) {
        if (cmdline.includes('--type=renderer')) out.renderer += ticks;
        else out.chromium += ticks;
      }
    }
    return out;
  } catch {
    return null;
  }
}

/** One line: where the machine's CPU time went between two snapshots (process totals of exited processes are lost). */
function cpuLine(before, after) {
  if (!before || !after) return null;
  const d = (key) => Math.max(0, after[key] - before[key]);
  const total = d('busy') + d('idle');
  const share = (x) => `${x.toFixed(1)} s (${((100 * x) / total).toFixed(0)} %)`;
  return `CPU over the load, all cores: renderers ${share(d('renderer'))}, other Chromium ${share(d('chromium'))}, offen ${share(d('server'))}, rest ${share(Math.max(0, d('busy') - d('renderer') - d('chromium') - d('server')))}, idle ${share(d('idle'))}`;
}

async function measure(page, label, navigate, { cpu = false } = {}) {
  const t0 = Date.now();
  const cpuBefore = cpu ? cpuSnapshot() : null;
  await navigate();
  // A line now and then on long loads, from the progress element (contract 4).
  const ticker = setInterval(() => {
    page.evaluate(() => {
      const root = document.querySelector('[data-testid="auditorium/dashboard"]');
      const progress = document.querySelector('[data-testid="auditorium/progress"]')?.textContent;
      return `${location.pathname}: ${root ? root.getAttribute('data-state') : 'no dashboard'} ${progress ?? ''}`;
    }).then((text) => log(`  ${label}: ${Math.round((Date.now() - t0) / 1000)} s, ${text}`), () => {});
  }, 30_000);
  try {
    // The figure is the page's own clock (readyProbe); polling only decides when the harness notices, and
    // rarely, so the harness takes little CPU from a cold load that keeps every core busy.
    const handle = await page.waitForFunction(() => window.__dashReady?.painted ?? false, null, { polling: 500, timeout: remaining() });
    await handle.dispose();
  } finally {
    clearInterval(ticker);
  }
  const usage = cpu ? cpuLine(cpuBefore, cpuSnapshot()) : null;
  const { ready, painted, progressAt } = await page.evaluate(() => ({ ...window.__dashReady, progressAt: window.__dashProgressAt }));
  const progress = progressAt === undefined ? 'no progress shown' : `first progress at ${fmt(progressAt)} ms`;
  log(`${label}: ${fmt(painted)} ms (${progress}, marker at ${fmt(ready)} ms, ${fmt(Date.now() - t0)} ms wall clock)`);
  // Up to one polling interval after the marker is in the window too (the vault's cache write may start there).
  if (usage) log(`  ${label}: ${usage}`);
  return painted;
}

/**
 * TIMELINE=1: the last load's steps on one clock (ms since the page's navigation start): the page's and the
 * vault frame's navigation, their scripts and API requests, and the "offen:" User Timing marks (shared/marks.ts).
 */
async function timeline(page, label) {
  const rows = [];
  let top = 0;
  for (const frame of page.frames()) {
    const entries = await frame.evaluate(() => ({
      origin: performance.timeOrigin,
      path: location.pathname,
      nav: performance.getEntriesByType('navigation').map((e) => ({ responseEnd: e.responseEnd, domInteractive: e.domInteractive, loaded: e.loadEventEnd })),
      resources: performance.getEntriesByType('resource').map((e) => ({ name: new URL(e.name).pathname, start: e.startTime, end: e.responseEnd })),
      marks: performance.getEntriesByType('mark').filter((e) => e.name.startsWith('offen:')).map((e) => ({ name: e.name, at: e.startTime })),
    })).catch(() => null);
    if (!entries) continue;
    if (frame === page.mainFrame()) top = entries.origin;
    const shift = (t) => entries.origin + t;
    const where = entries.path.startsWith('/vault') ? 'vault' : 'page';
    for (const n of entries.nav) {
      rows.push([shift(n.responseEnd), `${where}: document received`]);
      rows.push([shift(n.domInteractive), `${where}: dom interactive`]);
      if (n.loaded > 0) rows.push([shift(n.loaded), `${where}: load event end`]);
    }
    for (const r of entries.resources) rows.push([shift(r.end), `${where}: ${r.name} (${Math.round(r.end - r.start)} ms)`]);
    for (const m of entries.marks) rows.push([shift(m.at), `${where}: ${m.name}`]);
  }
  rows.sort((a, b) => a[0] - b[0]);
  log(`  timeline of ${label} (ms since navigation start):`);
  for (const [at, what] of rows) log(`    ${String(Math.round(at - top)).padStart(6)}  ${what}`);
}

/**
 * Waits until the vault has written what the load decrypted to its local cache, shared the secrets it opened
 * and uploaded the rollups of the closed days the server lacked (the `offen:query:rolled-up` mark, after
 * `offen:query:cached` and `offen:query:shared`), so a warm load measures reading the cache, not a write still
 * running beside it, and the next operator finds everything shared.
 */
async function cacheWritten(page, label) {
  const t0 = Date.now();
  for (;;) {
    const done = await Promise.all(page.frames().map((frame) => frame.evaluate(() => performance.getEntriesByName('offen:query:rolled-up').length > 0).catch(() => false)));
    if (done.some(Boolean)) break;
    if (Date.now() - t0 > Math.min(600_000, remaining())) throw new Error(`${label}: the vault did not finish writing its cache`);
    await sleep(250);
  }
  log(`  ${label}: cache written ${fmt(Date.now() - t0)} ms after the dashboard was ready`);
}

/**
 * A running server, not one that has just started: a few unmeasured account reads compile the server's hot paths
 * (the .NET JIT), which would otherwise be billed to the first cold load. Nothing of the browser is warmed.
 */
async function warmUpServer(origin, meta) {
  const login = await request(origin, 'POST', '/api/login', { body: { username: meta.email, password: meta.password } });
  const cookie = [login.headers['set-cookie'] ?? []].flat().map((c) => c.split(';')[0]).join('; ');
  if (login.status !== 200 || !cookie) throw new Error(`warm-up login failed: ${login.status}`);
  let since = null;
  for (let i = 0; i < 3; i++) {
    const page = await request(origin, 'GET', `/api/accounts/${meta.accountId}?limit=50000${since ? `&since=${encodeURIComponent(since)}` : ''}`, { cookie });
    if (page.status !== 200) throw new Error(`warm-up read failed: ${page.status}`);
    since = page.json().sequence ?? since;
  }
}

/** A V8 CPU profile of the page's isolate (the auditorium and its vault frame share it), sampled every 200 µs. */
async function startProfiler(context, page) {
  const profiler = await context.newCDPSession(page);
  await profiler.send('Profiler.enable');
  await profiler.send('Profiler.setSamplingInterval', { interval: 200 });
  await profiler.send('Profiler.start');
  // The decryption workers are profiled too, through the page's session (non-flattened, since Playwright's
  // sessions take no child session ids): each gets its own profile, started as soon as it is attached.
  const workers = new Map();
  let nextId = 1;
  const pending = new Map();
  const toWorker = (sessionId, method, params = {}) => new Promise((resolve) => {
    const id = nextId++;
    pending.set(`${sessionId}:${id}`, resolve);
    profiler.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id, method, params }) }).catch(() => resolve(null));
  });
  profiler.on('Target.receivedMessageFromTarget', ({ sessionId, message }) => {
    const reply = JSON.parse(message);
    const resolve = reply.id !== undefined ? pending.get(`${sessionId}:${reply.id}`) : undefined;
    if (resolve) {
      pending.delete(`${sessionId}:${reply.id}`);
      resolve(reply.result ?? null);
    }
  });
  profiler.on('Target.attachedToTarget', ({ sessionId, targetInfo }) => {
    if (targetInfo.type !== 'worker') return;
    workers.set(sessionId, targetInfo.url);
    void toWorker(sessionId, 'Profiler.enable')
      .then(() => toWorker(sessionId, 'Profiler.setSamplingInterval', { interval: 500 }))
      .then(() => toWorker(sessionId, 'Profiler.start'));
  });
  await profiler.send('Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: false, flatten: false });
  return { profiler, workers, toWorker };
}

async function stopProfiler({ profiler, workers, toWorker }, dir, name) {
  mkdirSync(dir, { recursive: true });
  const base = name.replace(/\s+/g, '-');
  let k = 0;
  for (const sessionId of workers.keys()) {
    const result = await Promise.race([toWorker(sessionId, 'Profiler.stop'), sleep(10_000).then(() => null)]);
    if (!result?.profile) continue;
    const file = path.join(dir, `${base}-worker${++k}.cpuprofile`);
    writeFileSync(file, JSON.stringify(result.profile));
    log(`  CPU profile of a worker: ${file}`);
  }
  const { profile } = await profiler.send('Profiler.stop');
  const file = path.join(dir, `${base}.cpuprofile`);
  writeFileSync(file, JSON.stringify(profile));
  log(`  CPU profile: ${file}`);
  await profiler.detach();
}

/**
 * Logs in through /login/ with next=/console/, so the login itself does not start loading the dashboard. The
 * vault keeps the login (with the KEKs) in the tab's sessionStorage, so every new tab logs in again.
 */
async function login(page, origin, meta) {
  await page.goto(`${origin}/login/?next=${encodeURIComponent('/console/')}`);
  await page.getByTestId('login/username-input').fill(meta.email);
  await page.getByTestId('login/password-input').fill(meta.password);
  await page.getByTestId('login/submit').click();
  await page.waitForURL((u) => u.pathname === '/console/', { timeout: Math.min(60_000, remaining()) });
}

/**
 * A fresh profile: log in, then the cold load of `query`, and (unless `warm` is false) a warm reload of that tab
 * and a warm load in a new tab of the same profile.
 */
async function coldAndWarm(origin, meta, name, query, { warm: withWarm = true } = {}) {
  const profile = tempDir('offen-dash-profile-');
  const context = await launchProfileAllowingThirdPartyCookies(profile.dir);
  const close = async () => { await context.close().catch(() => {}); profile.remove(); };
  cleanups.push(close);
  await context.addInitScript(readyProbe, READY);
  const page = context.pages()[0] ?? await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await login(page, origin, meta);
  const url = `${origin}/auditorium/${meta.accountId}/${query}`;
  // PROFILE_COLD=<dir>: the same for the cold load (written as <dir>/cold-<range>.cpuprofile).
  const coldProfiler = process.env.PROFILE_COLD ? await startProfiler(context, page) : null;
  const cold = await measure(page, `cold ${name}`, () => page.goto(url, { waitUntil: 'commit' }), { cpu: true });
  if (coldProfiler) await stopProfiler(coldProfiler, process.env.PROFILE_COLD, `cold-${name}`);
  await cacheWritten(page, `cold ${name}`);
  if (!withWarm) {
    if (errors.length) log(`  page errors during ${name}: ${errors.slice(0, 3).join(' | ')}`);
    return { cold, context, page, close };
  }
  await sleep(SETTLE_MS);
  // PROFILE_WARM=<dir>: a V8 CPU profile of each warm load (the page and the vault frame share one isolate),
  // written as <dir>/warm-<range>.cpuprofile (open it in Chromium's DevTools, or summarise it with
  // bench/profile-summary.mjs).
  const profiler = process.env.PROFILE_WARM ? await startProfiler(context, page) : null;
  const warm = await measure(page, `warm ${name}`, () => page.reload({ waitUntil: 'commit' }));
  if (profiler) await stopProfiler(profiler, process.env.PROFILE_WARM, `warm-${name}`);
  if (process.env.TIMELINE) await timeline(page, `warm ${name}`);
  // The operator coming back later: the dashboard in a new tab of the same profile, after the old tab is closed
  // (its renderer no longer tears down the page that decrypted everything while the new one starts). A new
  // tab has no login in its sessionStorage: it logs in first, untimed.
  await sleep(SETTLE_MS);
  const tab = await context.newPage();
  tab.on('pageerror', (e) => errors.push(e.message));
  await page.close();
  await login(tab, origin, meta);
  await sleep(SETTLE_MS);
  const tabProfiler = process.env.PROFILE_WARM ? await startProfiler(context, tab) : null;
  const warmTab = await measure(tab, `warm ${name}, new tab`, () => tab.goto(url, { waitUntil: 'commit' }));
  if (tabProfiler) await stopProfiler(tabProfiler, process.env.PROFILE_WARM, `warm-tab-${name}`);
  if (process.env.TIMELINE) await timeline(tab, `warm ${name}, new tab`);
  if (errors.length) log(`  page errors during ${name}: ${errors.slice(0, 3).join(' | ')}`);
  return { cold, warm, warmTab, context, page: tab, close };
}

/**
 * TRACE_WARM=<dir> (with WARM_PROFILE): a Chromium trace of each warm load (the renderer's main thread: parsing,
 * style, scripts, IndexedDB callbacks, garbage collection), written as <dir>/wp-<n>-<range>.json for
 * chrome://tracing or Perfetto.
 */
async function startTrace(context, page) {
  const session = await context.newCDPSession(page);
  const events = [];
  session.on('Tracing.dataCollected', ({ value }) => { for (const event of value) events.push(event); });
  await session.send('Tracing.start', {
    transferMode: 'ReportEvents',
    traceConfig: {
      recordMode: 'recordAsMuchAsPossible',
      includedCategories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8', 'v8.execute', 'blink', 'loading', 'navigation', 'IndexedDB', 'toplevel', 'blink.user_timing', 'disabled-by-default-v8.gc'],
    },
  });
  return { session, events };
}

async function stopTrace({ session, events }, dir, name) {
  mkdirSync(dir, { recursive: true });
  const done = new Promise((resolve) => session.once('Tracing.tracingComplete', resolve));
  await session.send('Tracing.end');
  await Promise.race([done, sleep(30_000)]);
  const file = path.join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify({ traceEvents: events }));
  log(`  trace: ${file} (${fmt(events.length)} events)`);
  await session.detach().catch(() => {});
}

/**
 * WARM_PROFILE=<dir> (a development aid, no verdicts): warm loads only, in a browser profile kept in <dir>. The first
 * run (or one after the database was seeded again) fills it with one cold 7-day load; later runs (on the same
 * port, WARM_PORT, default 38443) log in again and measure warm navigations at once: 7 days, 6 months, 7 days, 6 months, 7 days, 6 months.
 */
async function warmOnly(origin, meta, dir) {
  const marker = path.join(dir, 'offen-bench-primed.json');
  const primed = existsSync(marker) && JSON.parse(readFileSync(marker, 'utf8')).seededAt === meta.seededAt;
  if (!primed) rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const context = await launchProfileAllowingThirdPartyCookies(dir);
  cleanups.push(async () => { await context.close().catch(() => {}); });
  await context.addInitScript(readyProbe, READY);
  const page = context.pages()[0] ?? await context.newPage();
  page.on('pageerror', (e) => log(`  page error: ${e.message}`));
  await login(page, origin, meta);
  const base = `${origin}/auditorium/${meta.accountId}/`;
  if (!primed) {
    await measure(page, 'priming cold 7 days', () => page.goto(base, { waitUntil: 'commit' }));
    await cacheWritten(page, 'priming cold 7 days');
    await sleep(SETTLE_MS);
    writeFileSync(marker, JSON.stringify({ seededAt: meta.seededAt }));
  }
  const warm = [];
  for (let i = 0; i < 6; i++) {
    if (i > 0 || !primed) await sleep(SETTLE_MS);
    const half = i % 2 === 1;
    const label = half ? 'warm 6 months' : 'warm 7 days';
    const profiler = process.env.PROFILE_WARM ? await startProfiler(context, page) : null;
    const tracer = process.env.TRACE_WARM ? await startTrace(context, page) : null;
    warm.push(await measure(page, label, () => page.goto(half ? `${base}?range=6&resolution=months` : base, { waitUntil: 'commit' })));
    if (profiler) await stopProfiler(profiler, process.env.PROFILE_WARM, `wp-${i + 1}-${label.replace(/ /g, '-')}`);
    if (tracer) await stopTrace(tracer, process.env.TRACE_WARM, `wp-${i + 1}-${label.replace(/ /g, '-')}`);
    if (process.env.TIMELINE) await timeline(page, label);
  }
  console.log(`WARM_PROFILE: warm ${warm.map(fmt).join(', ')} ms (7 days, 6 months, alternating)`);
  await context.close();
  return 0;
}

/**
 * The floor: N RSA-OAEP-4096 (SHA-256) and M AES-GCM decryptions with WebCrypto on one page, IN_FLIGHT at a
 * time, of values shaped like the real ones (a user-secret JWK; pageview payloads of the seeded size).
 */
async function floor(page, users, events, sample) {
  return page.evaluate(async ({ users, events, inFlight, sample }) => {
    const subtle = crypto.subtle;
    const text = new TextEncoder();
    const pool = async (count, fn) => {
      let next = 0;
      const worker = async () => { while (next < count) await fn(next++); };
      await Promise.all(Array.from({ length: Math.min(inFlight, count) }, worker));
    };
    const rsa = await subtle.generateKey({ name: 'RSA-OAEP', modulusLength: 4096, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' }, false, ['encrypt', 'decrypt']);
    const wrapped = [];
    for (let i = 0; i < 16; i++) {
      const secret = await subtle.generateKey({ name: 'AES-GCM', length: 128 }, true, ['encrypt', 'decrypt']);
      wrapped.push(await subtle.encrypt({ name: 'RSA-OAEP' }, rsa.publicKey, text.encode(JSON.stringify(await subtle.exportKey('jwk', secret)))));
    }
    const key = await subtle.generateKey({ name: 'AES-GCM', length: 128 }, false, ['encrypt', 'decrypt']);
    const sealed = [];
    for (let i = 0; i < 256; i++) {
      const iv = crypto.getRandomValues(new Uint8Array(12));
      const plaintext = sample.replace('"pageload":', `"n":${i},"pageload":`);
      sealed.push({ iv, data: await subtle.encrypt({ name: 'AES-GCM', iv }, key, text.encode(plaintext)) });
    }
    let t = performance.now();
    await pool(users, (i) => subtle.decrypt({ name: 'RSA-OAEP' }, rsa.privateKey, wrapped[i % wrapped.length]));
    const rsaMs = performance.now() - t;
    t = performance.now();
    await pool(events, (i) => subtle.decrypt({ name: 'AES-GCM', iv: sealed[i % 256].iv }, key, sealed[i % 256].data));
    const aesMs = performance.now() - t;
    return { rsaMs, aesMs, cores: navigator.hardwareConcurrency, userAgent: navigator.userAgent };
  }, { users, events, inFlight: IN_FLIGHT, sample });
}

async function main() {
  log(`dashboard benchmark: ${fmt(USERS)} visitors, ${fmt(EVENTS)} events, seed ${SEED}; deadline ${new Date(DEADLINE).toISOString()}`);
  const meta = await seededDatabase();

  // Each server works on a copy: the dashboard's server side never writes events, but the expiry job, logins
  // and the shared secret cache do. A second copy is a server where nothing is shared yet.
  const serve = async (port) => {
    const runDir = tempDir('offen-dash-run-');
    cleanups.push(async () => runDir.remove());
    copyFileSync(meta.db, path.join(runDir.dir, 'offen.db'));
    const certificate = makeCertificate(runDir.dir);
    const started = await startOffen({ dir: runDir.dir, certificate, setup: false, email: meta.email, password: meta.password, port });
    if (started.accountId !== meta.accountId) throw new Error('the harness account id changed; delete bench/.cache');
    serverPids.add(started.child.pid);
    log(`offen serves ${started.origin} (127.0.0.1)`);
    await warmUpServer(started.origin, meta);
    return started;
  };
  // WARM_PROFILE keeps one origin across runs: the browser keeps a cache per origin, port included.
  const server = await serve(process.env.WARM_PROFILE ? int('WARM_PORT', 38443) : undefined);

  if (process.env.WARM_PROFILE) return warmOnly(server.origin, meta, process.env.WARM_PROFILE);
  const week = await coldAndWarm(server.origin, meta, '7 days', '');
  if (process.env.QUICK) {
    // QUICK=1 (a development aid, no verdicts): after the 7-day pair, more warm loads in the same profile, of
    // 7 days (reloads) and of 6 months (navigations); no 6-month cold load, no floor.
    const warm = [week.warm];
    for (let i = 0; i < 2; i++) {
      await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
      warm.push(await measure(week.page, 'warm 7 days again', () => week.page.reload({ waitUntil: 'commit' })));
    }
    const base = new URL(week.page.url());
    for (let i = 0; i < 3; i++) {
      await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
      base.search = i % 2 === 0 ? '?range=6&resolution=months' : '';
      const label = i % 2 === 0 ? 'warm 6 months' : 'warm 7 days';
      const profiler = process.env.PROFILE_WARM ? await startProfiler(week.context, week.page) : null;
      warm.push(await measure(week.page, label, () => week.page.goto(base.href, { waitUntil: 'commit' })));
      if (profiler) await stopProfiler(profiler, process.env.PROFILE_WARM, `quick-${i + 1}-${label.replace(/ /g, '-')}`);
      if (process.env.TIMELINE) await timeline(week.page, label);
    }
    console.log(`QUICK: cold 7 days ${fmt(week.cold)} ms; warm ${warm.map(fmt).join(', ')} ms`);
    await week.close();
    return 0;
  }
  await week.close();
  // Another operator's first load in a fresh profile, once the 7-day load has shared its secrets and rollups
  // (issue 7's second case); the warm 6-month loads follow in its profile.
  const shared = await coldAndWarm(server.origin, meta, '6 months, shared', '?range=6&resolution=months');
  await shared.close();
  // The first load ever of the 6-month view: a server on a fresh copy, where nothing is shared.
  const fresh = await serve(undefined);
  const half = await coldAndWarm(fresh.origin, meta, '6 months', '?range=6&resolution=months', { warm: false });

  // The floor in the same browser, on a page of the offen origin (a secure context), after the dashboard page is
  // closed so its workers do not compete.
  const floorPage = await half.context.newPage();
  await floorPage.goto(`${fresh.origin}/robots.txt`);
  await half.page.close();
  const sample = JSON.stringify({
    type: 'PAGEVIEW', href: 'https://www.example.test/blog/privacy-by-design-17/', referrer: 'https://www.google.com/',
    pageload: 912, isMobile: false, timestamp: new Date().toISOString(), sessionId: '0f8b6c1e-6a0d-4c8e-9a51-3c2d1e0f9a7b', geo: 'DE',
  });
  log(`floor: ${fmt(USERS)} RSA-OAEP-4096 and ${fmt(EVENTS)} AES-GCM decryptions in one page…`);
  const f = await floor(floorPage, USERS, EVENTS, sample);
  await half.close();
  const floorMs = f.rsaMs + f.aesMs;
  const perCore = floorMs / f.cores;

  let verified = 'skipped (more than VERIFY_MAX_USERS visitors)';
  if (USERS <= VERIFY_MAX_USERS) {
    // The harness's independent decryption oracle must open every seeded event.
    const events = await server.decryptedEvents();
    if (events.length !== EVENTS) throw new Error(`decrypted ${events.length} events, seeded ${EVENTS}`);
    verified = `${fmt(events.length)} of ${fmt(EVENTS)} events decrypt with tests/e2e/harness.mjs`;
  }

  // [case, ms, kind]: 'cold' is judged against 1.2 x floor/cores (issue 7; issue 4 asked 1.3 x), 'warm' against
  // 1 s, 'shared' against 10 s.
  const rows = [
    ['cold 7 days, first load ever', week.cold, 'cold'], ['warm 7 days, reload', week.warm, 'warm'], ['warm 7 days, new tab', week.warmTab, 'warm'],
    ['cold 6 months, first load ever', half.cold, 'cold'], ['cold 6 months, fresh profile, after another operator', shared.cold, 'shared'],
    ['warm 6 months, reload', shared.warm, 'warm'], ['warm 6 months, new tab', shared.warmTab, 'warm'],
  ];
  let missed = 0;
  console.log('');
  console.log(`Dashboard benchmark: ${fmt(USERS)} visitors, ${fmt(EVENTS)} events over ~6 months (seed ${SEED})`);
  console.log(`browser: ${f.userAgent.match(/Chrome\/[\d.]+/)?.[0] ?? f.userAgent}, navigator.hardwareConcurrency = ${f.cores}`);
  console.log(`seeding (bench/DashSeed): ${meta.seedSeconds.toFixed(1)} s${meta.cached ? ' (cached)' : ''}; verification: ${verified}`);
  console.log(`floor (one page, one WebCrypto thread, ${IN_FLIGHT} in flight): ${fmt(USERS)} RSA-OAEP-4096 ${fmt(f.rsaMs)} ms`
    + ` + ${fmt(EVENTS)} AES-GCM ${fmt(f.aesMs)} ms = ${fmt(floorMs)} ms; floor/cores = ${fmt(perCore)} ms`);
  console.log('');
  const header = ['case', 'ms', 'floor ms', 'floor/cores', 'ratio', 'target', 'verdict'];
  const table = rows.map(([name, ms, kind]) => {
    const met = kind === 'cold' ? ms <= 1.2 * perCore : kind === 'warm' ? ms < 1000 : ms < 10_000;
    if (!met) missed++;
    const target = kind === 'cold' ? `<= ${fmt(1.2 * perCore)} ms (1.2x)` : kind === 'warm' ? '< 1,000 ms' : '< 10,000 ms';
    const verdict = met ? 'met' : kind === 'cold' && ms <= 1.3 * perCore ? 'MISSED (met 1.3x)' : 'MISSED';
    return [name, fmt(ms), fmt(floorMs), fmt(perCore), (ms / perCore).toFixed(2), target, verdict];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((r) => r[i].length)));
  const line = (cells) => cells.map((c, i) => (i === 0 || i >= 5 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('-|-'));
  for (const r of table) console.log(line(r));
  console.log('');
  console.log('ms: navigation start to the first frame painted after [data-testid="auditorium/dashboard"][data-state=ready];'
    + ' first load ever = fresh profile after logging in, on a server where no operator has shared anything;'
    + ' after another operator = fresh profile after the 7-day load shared the secrets it opened and the rollups of'
    + ' the closed days (issue 7);'
    + ' warm, reload = reloading that tab once its load has written its cache; warm, new tab = the same page in a'
    + ' new tab of that profile, the old tab closed.');
  return process.env.STRICT && missed > 0 ? 1 : 0;
}

main().then((code) => shutdown(code), (error) => {
  console.error(`dashboard: ${error?.stack ?? error}`);
  void shutdown(1);
});
