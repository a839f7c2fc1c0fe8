// Benchmark of the dashboard metrics (vault/manage/stats, dashboard.md §2) on a synthetic dataset of issue 4's
// size: 1,000,000 events from 100,000 users over six months. Node 20 cannot run TypeScript, so the module is
// bundled with esbuild (as build.mjs does) into a temp file first.
//
//   node bench/stats-bench.mjs [--events 1000000] [--users 100000] [--runs 3] [--zone Europe/Berlin]
//                              [--shuffle] [--impl stats|reference] [--check] [--result]
//
// --shuffle   feed the events in random order instead of eventId order (IndexedDB returns them sorted)
// --impl      bench the test-only reference implementation instead (stats/reference.test-support.ts)
// --check     also run the reference once per preset and require a deepEqual result
// --result    add a row for computeResult (result.ts: the metrics plus the sorted event list)
// --data      cache the generated events in this JSON file (read back if it exists) to skip generating
// --only      run only the cases whose label contains this text (for profiling one case)
// --module    bench another copy of stats.ts (e.g. a saved earlier version), path relative to web/
// --fresh     parse the day blocks again before every computation (a page load's strings are all new)
// --aggregate with --fresh: as an operator's dashboard page load, read only the days neededDays(…, true) needs
//             as blocks (and the newest); the others as summaries, with their aggregates inside the window
//
// Each case reports wall time and the process's CPU time (user + system, all threads, so GC helpers count),
// medians of --runs runs after one warm-up run. On a shared machine the CPU time is the steadier number.
import { build } from 'esbuild';
import { deepStrictEqual } from 'node:assert';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import os from 'node:os';
import v8 from 'node:v8';
import vm from 'node:vm';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function option(name, fallback) {
  const at = process.argv.indexOf(`--${name}`);
  if (at < 0) return fallback;
  const value = process.argv[at + 1];
  return value === undefined || value.startsWith('--') ? true : value;
}

const EVENTS = Number(option('events', 1_000_000));
const USERS = Number(option('users', 100_000));
const RUNS = Number(option('runs', 3));
const ZONE = String(option('zone', 'Europe/Berlin'));
const SHUFFLE = option('shuffle', false) === true;
const IMPL = String(option('impl', 'stats'));
const CHECK = option('check', false) === true;
const RESULT = option('result', false) === true;
const MODULE = String(option('module', 'vault/manage/stats/stats.ts'));
const ONLY = option('only', null);
const DATA = option('data', null);
// A fixed "now" keeps the dataset and the windows the same from run to run.
const NOW = Date.parse(String(option('now', '2024-10-11T10:00:00Z')));
const DAY = 86_400_000;
const SPAN = 186 * DAY;

// ---- deterministic synthetic data -------------------------------------------------------------------------

/** mulberry32: a small seeded PRNG, so every run sees the same events. */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const random = prng(42);
const pick = (list) => list[Math.floor(random() * list.length)];
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

const hex = (digits) => Math.floor(random() * 16 ** digits).toString(16).padStart(digits, '0');
const uuid = () => `${hex(8)}-${hex(4)}-${hex(4)}-${hex(4)}-${hex(6)}${hex(6)}`;

function ulid(time) {
  let head = '';
  for (let t = time, i = 0; i < 10; i++, t = Math.floor(t / 32)) head = CROCKFORD[t % 32] + head;
  let tail = '';
  for (let i = 0; i < 16; i++) tail += CROCKFORD[Math.floor(random() * 32)];
  return head + tail;
}

const SITE = 'https://www.example.com';
const ACCOUNT = 'acc-1';
const PAGES = Array.from({ length: 200 }, (_, i) => (i === 0 ? '/' : i < 20 ? `/section-${i}/` : `/section-${i % 20}/article-${i}`));
const COUNTRIES = ['DE', 'US', 'FR', 'GB', 'NL', 'ES', 'IT', 'PL', 'SE', 'AT', 'CH', 'BR', 'IN', 'JP', 'CA', 'AU', 'MX', 'CL', 'VN', 'PT'];
const SEARCH = ['https://www.google.com/', 'https://www.google.de/', 'https://duckduckgo.com/', 'https://www.ecosia.org/', 'https://www.bing.com/', 'https://www.qwant.com/'];
const SOCIAL = ['https://t.co/abc', 'https://l.facebook.com/', 'https://news.ycombinator.com/item', 'https://old.reddit.com/r/web', 'https://en.wikipedia.org/wiki/Web_analytics', 'https://www.linkedin.com/feed'];
const BLOGS = Array.from({ length: 50 }, (_, i) => `https://blog-${i}.example.org/posts/${i}`);
const CAMPAIGNS = ['Newsletter-October', 'Spring', 'launch', 'Launch', 'retargeting'];
const SOURCES = ['Mail', 'Messenger', 'Twitter', 'newsletter'];

function firstReferrer() {
  const r = random();
  if (r < 0.4) return '';
  if (r < 0.65) return pick(SEARCH);
  if (r < 0.8) return pick(SOCIAL);
  return pick(BLOGS);
}

/** Page weights: a few pages get most views (a rough Zipf), like a real site. */
function pickPage() {
  return PAGES[Math.min(PAGES.length - 1, Math.floor(PAGES.length * random() ** 2.5))];
}

function generate() {
  const users = Array.from({ length: USERS }, () => ({ id: uuid(), geo: random() < 0.1 ? null : pick(COUNTRIES), mobile: random() < 0.4 }));
  const events = [];
  while (events.length < EVENTS) {
    // Sessions of 1–20 events, a third of them single page views (bounces).
    const size = random() < 0.33 ? 1 : 2 + Math.floor(random() * 19);
    const user = users[Math.floor(USERS * random() ** 1.3)];
    const sessionId = uuid();
    let time = NOW - Math.floor(random() * SPAN);
    const tagged = random() < 0.1;
    let previous = null;
    for (let k = 0; k < size && events.length < EVENTS && time <= NOW; k++) {
      const page = pickPage();
      const query = random() < 0.05 ? `?ref=${Math.floor(random() * 20)}` : random() < 0.02 ? '#top' : '';
      const href = SITE + page + query;
      const payload = {
        type: 'PAGEVIEW',
        href,
        referrer: k === 0 ? firstReferrer() : SITE + previous,
        pageload: k === 0 ? (random() < 0.05 ? 0 : 100 + Math.floor(random() * 2900)) : null,
        isMobile: user.mobile,
        // The client clock drifts a little from server receipt time.
        timestamp: new Date(time + Math.floor((random() - 0.5) * 4000)).toISOString(),
        sessionId: random() < 0.005 ? null : sessionId,
        geo: user.geo,
      };
      if (tagged && k === 0) {
        const tags = [];
        if (random() < 0.8) tags.push(`utm_campaign=${pick(CAMPAIGNS)}`);
        if (random() < 0.8) tags.push(`utm_source=${pick(SOURCES)}`);
        tags.push('utm_medium=email');
        payload.rawHref = `${href}${href.includes('?') ? '&' : '?'}${tags.join('&')}`;
      }
      // Like the vault's events (operator.ts: the decrypted payload spread next to the record's ids), every
      // string is a flat string of its own, as JSON.parse makes them.
      events.push(JSON.parse(JSON.stringify({ ...payload, eventId: ulid(time), accountId: ACCOUNT, secretId: user.id })));
      previous = page;
      time += 5_000 + Math.floor(random() * 300_000);
    }
  }
  // IndexedDB returns the stored events in key (eventId) order.
  events.sort((a, b) => (a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0));
  if (SHUFFLE) {
    for (let i = events.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [events[i], events[j]] = [events[j], events[i]];
    }
  }
  return events;
}

// ---- measuring ------------------------------------------------------------------------------------------

/** The floor: one plain loop reading every field of every event. */
function baseline(events) {
  let sink = 0;
  for (let i = 0; i < events.length; i++) {
    const e = events[i];
    sink += e.eventId.length + e.accountId.length + e.secretId.length + e.href.length + (e.rawHref ? e.rawHref.length : 0);
    sink += e.referrer.length + (e.pageload ?? 0) + (e.isMobile ? 1 : 0) + e.timestamp.length + (e.sessionId ? e.sessionId.length : 0) + (e.geo ? 1 : 0);
  }
  return sink;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function time(fn) {
  const cpu = process.cpuUsage();
  const start = performance.now();
  const value = fn();
  const used = process.cpuUsage(cpu);
  return { ms: performance.now() - start, cpu: (used.user + used.system) / 1000, value };
}

/** One warm-up run, then the medians of RUNS runs. */
function measure(fn) {
  let last = fn();
  const runs = [];
  for (let i = 0; i < RUNS; i++) {
    const run = time(fn);
    runs.push(run);
    last = run.value;
  }
  return { wall: median(runs.map((run) => run.ms)), cpu: median(runs.map((run) => run.cpu)), runs: runs.map((run) => run.ms.toFixed(0)).join(' '), value: last };
}

const PRESETS = [
  ['24 hours', { range: '24', resolution: 'hours' }],
  ['7 days', {}],
  ['30 days', { range: '30', resolution: 'days' }],
  ['6 months', { range: '6', resolution: 'months' }],
  ['6 months, filter referrer:Google', { range: '6', resolution: 'months', filter: 'referrer:Google' }],
  ['6 months, filter href', { range: '6', resolution: 'months', filter: `href:${SITE}/section-1/` }],
  ['6 months, filter landing', { range: '6', resolution: 'months', filter: `landing:${SITE}/` }],
];

async function load() {
  const out = path.join(os.tmpdir(), `stats-bench-${process.pid}.mjs`);
  const contents = [
    `export { computeStats, computeBlockStats } from ${JSON.stringify(`./${MODULE}`)};`,
    "export { UserNumbers, encodeBlock, serializeBlock, parseBlock, summarize, serializeSummary, parseSummary, eventTime } from './vault/manage/event-block.ts';",
    "export { neededDays } from './vault/manage/stats/stats.ts';",
    "export { aggregateDay, serializeAggregate, parseAggregate } from './vault/manage/stats/day-aggregate.ts';",
    "export { computeResult } from './vault/manage/result.ts';",
    CHECK || IMPL === 'reference' ? "export { referenceStats } from './vault/manage/stats/reference.test-support.ts';" : 'export const referenceStats = null;',
  ].join('\n');
  await build({ stdin: { contents, resolveDir: root, loader: 'ts' }, bundle: true, format: 'esm', platform: 'node', target: 'node20', outfile: out, logLevel: 'warning' });
  try {
    return await import(pathToFileURL(out).href);
  } finally {
    await rm(out, { force: true });
  }
}

const modules = await load();
const compute = IMPL === 'reference' ? modules.referenceStats : modules.computeStats;
const generated = time(() => {
  if (typeof DATA !== 'string') return generate();
  if (existsSync(DATA)) return JSON.parse(readFileSync(DATA, 'utf8'));
  const events = generate();
  writeFileSync(DATA, JSON.stringify(events));
  return events;
});
const events = generated.value;
// Start from a heap that holds the events and not the generator's garbage (the vault's heap holds its
// decrypted events the same way); later collections are the ones the measured code causes.
v8.setFlagsFromString('--expose-gc');
vm.runInNewContext('gc')();
const context = { timeZone: ZONE, now: NOW, retentionPeriod: '6months' };
console.log(`node ${process.version}, ${os.cpus().length} cores; ${events.length.toLocaleString('en')} events, ${USERS.toLocaleString('en')} users, zone ${ZONE}, ${SHUFFLE ? 'shuffled' : 'eventId order'}, impl ${IMPL}; generated in ${Math.round(generated.ms)} ms`);

// The operator's vault holds its events as one block per UTC day (cache-view.ts), read back from the cache's
// bytes on a page load: the metrics run on those (IMPL stats); the reference runs on the event objects.
const days = new Map();
for (const event of events) {
  // The view's days are UTC days of the eventId's time (cache-view.ts dayKey).
  const day = Math.floor(modules.eventTime(event.eventId) / DAY);
  if (!days.has(day)) days.set(day, []);
  days.get(day).push(event);
}
// One visitor numbering for all blocks, as the view has (cache-view.ts).
const users = new modules.UserNumbers();
const encoded = time(() => [...days.keys()].sort((a, b) => a - b).map((day) => modules.encodeBlock(days.get(day), users)));
const serialized = time(() => encoded.value.map((block) => modules.serializeBlock(block, users)));
const stored = serialized.value;
console.log(`encoding the events as day blocks: ${encoded.ms.toFixed(0)} ms, serialising them: ${serialized.ms.toFixed(0)} ms`);
const parsed = measure(() => stored.map((bytes) => modules.parseBlock(bytes, users)));
const blocks = parsed.value;
console.log(`${blocks.length} day blocks, ${(stored.reduce((n, bytes) => n + bytes.length, 0) / 1e6).toFixed(1)} MB; parsing them: ${parsed.wall.toFixed(1)} ms wall (runs ${parsed.runs})`);
// --fresh: every computation runs on blocks parsed just before it (as a page load does: strings never seen)
const FRESH = option('fresh', false) === true;
const AGGREGATE = option('aggregate', false) === true;
const dayNumbers = [...days.keys()].sort((a, b) => a - b);
const newest = dayNumbers[dayNumbers.length - 1];
const storedSummaries = AGGREGATE ? blocks.map((block) => modules.serializeSummary(modules.summarize(block), users)) : [];
const storedAggregates = AGGREGATE
  ? blocks.map((block) => {
      const aggregate = modules.aggregateDay(block);
      return aggregate && modules.serializeAggregate(aggregate);
    })
  : [];
if (AGGREGATE) {
  const bytes = (list) => (list.reduce((n, value) => n + (value ? value.length : 0), 0) / 1e6).toFixed(1);
  console.log(`summaries ${bytes(storedSummaries)} MB, aggregates ${bytes(storedAggregates)} MB`);
}
/** A page load's input: blocks for the days the query needs (and the newest), summaries for the others. */
function pageLoad(query) {
  const need = modules.neededDays(query, context, true);
  const input = [];
  const summaries = [];
  dayNumbers.forEach((day, k) => {
    const aggregated = need.aggregated.has(day) && storedAggregates[k] !== undefined;
    if (day === newest || (day >= need.from && !need.summarized.has(day) && !aggregated)) input.push(modules.parseBlock(stored[k], users));
    else {
      const summary = modules.parseSummary(storedSummaries[k], users);
      summary.day = day;
      if (aggregated) summary.agg = modules.parseAggregate(storedAggregates[k]);
      summaries.push(summary);
    }
  });
  return modules.computeBlockStats(input, query, context, summaries);
}
const run = FRESH
  ? AGGREGATE
    ? pageLoad
    : (query) => modules.computeBlockStats(stored.map((bytes) => modules.parseBlock(bytes, users)), query, context)
  : (query) => (IMPL === 'reference' ? compute(events, query, context) : modules.computeBlockStats(blocks, query, context));

// PROFILE_ONE=<file>: a V8 profile of one first (cold) computation of the --only case, then exit.
if (process.env.PROFILE_ONE) {
  const { Session } = await import('node:inspector/promises');
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 100 });
  const query = PRESETS.find(([label]) => label === ONLY)[1];
  await session.post('Profiler.start');
  const started = performance.now();
  run(query);
  const elapsed = performance.now() - started;
  const { profile } = await session.post('Profiler.stop');
  writeFileSync(process.env.PROFILE_ONE, JSON.stringify(profile));
  console.log(`${ONLY}: one computation in ${elapsed.toFixed(0)} ms, profile in ${process.env.PROFILE_ONE}`);
  process.exit(0);
}
const base = measure(() => baseline(events));
const rows = [['case', 'wall ms', 'CPU ms', 'wall runs', '× baseline (CPU)', 'window events', 'users']];
const row = (label, result, extra = ['', '']) => [label, result.wall.toFixed(1), result.cpu.toFixed(1), result.runs, (result.cpu / base.cpu).toFixed(1), ...extra];
rows.push(row('baseline: one loop reading every field', base, [String(events.length), '']));
for (const [label, query] of PRESETS) {
  if (typeof ONLY === 'string' && !label.includes(ONLY)) continue;
  const result = measure(() => run(query));
  const stats = result.value;
  const windowEvents = stats.pageviews.reduce((sum, bucket) => sum + bucket.pageviews, 0);
  rows.push(row(label, result, [String(windowEvents), String(stats.uniqueUsers)]));
  if (CHECK) {
    deepStrictEqual(stats, modules.referenceStats(events, query, context), `${label}: computeStats differs from the reference`);
  }
}
if (RESULT) {
  const query = { range: '6', resolution: 'months', now: new Date(NOW) };
  rows.push(row('computeResult, 6 months (result.ts)', measure(() => modules.computeResult(events, query, { retentionPeriod: '6months' }, { timeZone: ZONE }))));
}

const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
for (const [i, row] of rows.entries()) {
  console.log(row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]))).join(' | '));
  if (i === 0) console.log(widths.map((width) => '-'.repeat(width)).join('-|-'));
}
if (CHECK) console.log('check: every case deepEquals the reference implementation');
