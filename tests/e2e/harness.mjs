// Real components for the browser tests: the offen binary serving HTTPS with a test certificate on
// 127.0.0.1, host sites on other origins of the same site (www.example.test over HTTPS, and over plain HTTP),
// and Debian's Chromium driven by playwright-core with every *.example.test name mapped to 127.0.0.1.
import { spawn, spawnSync, execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, readFileSync, existsSync, createWriteStream, readdirSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const repo = path.resolve(here, '../..');
const requireFromWeb = createRequire(path.join(repo, 'web/package.json'));
const { chromium } = requireFromWeb('playwright-core');

export const CHROMIUM_FLAGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync',
];

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/** A self-signed certificate for *.example.test (browsers are told to ignore the issuer). */
export function makeCertificate(dir) {
  const cert = path.join(dir, 'tls.crt');
  const key = path.join(dir, 'tls.key');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
    '-keyout', key, '-out', cert, '-days', '2', '-subj', '/CN=example.test',
    '-addext', 'subjectAltName=DNS:example.test,DNS:*.example.test'], { stdio: 'ignore' });
  return { cert, key };
}

/** The offen executable: OFFEN_BIN (the published single file) or the Release build of src/Offen. */
function offenCommand() {
  if (process.env.OFFEN_BIN) return { file: process.env.OFFEN_BIN, args: [] };
  const dll = path.join(repo, 'src/Offen/bin/Release/net10.0/offen.dll');
  if (!existsSync(dll)) throw new Error(`build first: ${dll} is missing (or set OFFEN_BIN)`);
  return { file: 'dotnet', args: [dll] };
}

/**
 * OFFEN_TEST_LOG_DIR (see tests/Shared/TestLogs.cs): when set, every offen process started here writes its
 * stdout and stderr to a file of its own in that directory, for scripts/check-logs.py, and logs at `info`,
 * the level `offen serve` uses by default, so the check covers what production prints.
 */
const logDir = process.env.OFFEN_TEST_LOG_DIR || '';
let logCount = 0;
function logFile(name) {
  if (!logDir) return null;
  mkdirSync(logDir, { recursive: true });
  return path.join(logDir, `e2e.${name}.${process.pid}-${++logCount}.log`);
}

/** A request straight to 127.0.0.1 with the Host of the Offen origin; TLS issuer not checked. */
export function request(origin, method, pathname, { body, cookie } = {}) {
  const url = new URL(pathname, origin);
  return new Promise((resolve, reject) => {
    const data = body === undefined ? null : Buffer.from(JSON.stringify(body));
    const req = https.request({
      host: '127.0.0.1', port: url.port, path: url.pathname + url.search, method,
      servername: url.hostname, rejectUnauthorized: false,
      headers: { host: url.host, ...(cookie ? { cookie } : {}), ...(data ? { 'content-length': data.length } : {}) },
    }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode, headers: res.headers, text, json: () => JSON.parse(text) });
      });
    });
    req.on('error', reject);
    req.end(data ?? undefined);
  });
}

/**
 * OFFEN_E2E_DATABASE=postgres runs every server of the browser tests on a fresh database of the shared
 * PostgreSQL server (OFFEN_TEST_POSTGRES, exported by scripts/services.sh) instead of SQLite; the connection
 * string is passed in its ADO.NET form, which offen accepts as is.
 */
export const e2eDatabase = process.env.OFFEN_E2E_DATABASE || 'sqlite3';
let databaseCount = 0;
/**
 * The variables that point a server at its own database: nothing for SQLite (the file in `dir`), a fresh
 * PostgreSQL database otherwise, with `drop` to remove it once the server has stopped.
 */
function databaseEnv(dir) {
  if (e2eDatabase === 'sqlite3') return { env: {} };
  if (e2eDatabase !== 'postgres') throw new Error(`OFFEN_E2E_DATABASE must be sqlite3 or postgres, not ${e2eDatabase}`);
  const ado = process.env.OFFEN_TEST_POSTGRES;
  if (!ado) throw new Error('OFFEN_E2E_DATABASE=postgres needs OFFEN_TEST_POSTGRES (source scripts/services.sh)');
  const parts = Object.fromEntries(ado.split(';').filter(Boolean).map((kv) => {
    const i = kv.indexOf('=');
    return [kv.slice(0, i).trim().toLowerCase(), kv.slice(i + 1).trim()];
  }));
  const name = `e2e_${process.pid}_${Date.now().toString(36)}_${databaseCount++}`;
  const admin = (statement) => execFileSync('psql', ['-h', parts.host, '-p', parts.port || '5432', '-U', parts.username, '-d', parts.database || 'postgres',
    '-v', 'ON_ERROR_STOP=1', '-qc', statement], { env: { ...process.env, PGPASSWORD: parts.password }, stdio: 'ignore', cwd: dir });
  admin(`CREATE DATABASE ${name}`);
  const rest = Object.entries(parts).filter(([k]) => k !== 'database').map(([k, v]) => `${k}=${v}`).join(';');
  return {
    env: { OFFEN_DATABASE_DIALECT: 'postgres', OFFEN_DATABASE_CONNECTIONSTRING: `${rest};database=${name}` },
    // A PostgreSQL server that outlives the run (a developer's) keeps no database per test behind.
    drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}

export class OffenServer {
  /**
   * `setup: false` starts a fresh, empty instance (the auditorium's /setup/ flow); `env` adds or overrides
   * variables (e.g. the SMTP sink's port); `port` fixes the port (the origin, and so the browser's storage for it).
   */
  static async start({ dir, certificate, email = 'operator@example.test', password = 'correct horse battery', setup: runSetup = true, env: extraEnv = {}, port: fixedPort }) {
    const port = fixedPort ?? await freePort();
    const accountId = '7b8a5c8e-0f7e-4d0a-9c61-3f1f2d6c1e01';
    const env = {
      ...process.env,
      OFFEN_SERVER_HOST: '127.0.0.1',
      OFFEN_SERVER_PORT: String(port),
      OFFEN_SERVER_SSLCERTIFICATE: certificate.cert,
      OFFEN_SERVER_SSLKEY: certificate.key,
      OFFEN_DATABASE_DIALECT: 'sqlite3',
      OFFEN_DATABASE_CONNECTIONSTRING: path.join(dir, 'offen.db'),
      OFFEN_SECRET: 'AAECAwQFBgcICQoLDA0ODw==',
      OFFEN_SMTP_HOST: '127.0.0.1',
      OFFEN_APP_LOGLEVEL: logDir ? 'info' : 'warn',
      DOTNET_BUNDLE_EXTRACT_BASE_DIR: path.join(dir, 'extract'),
      ...extraEnv,
    };
    const database = databaseEnv(dir);
    Object.assign(env, database.env, extraEnv);
    const cmd = offenCommand();
    if (runSetup) {
      const setup = spawnSync(cmd.file, [...cmd.args, 'setup', '-email', email, '-name', 'e2e site', '-password', password,
        '-forceid', accountId], { env, cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
      const setupLog = logFile('setup');
      if (setupLog) writeFileSync(setupLog, `${setup.stdout ?? ''}${setup.stderr ?? ''}`);
      if (setup.status !== 0) throw new Error(`offen setup failed (${setup.status ?? setup.signal}): ${setup.stderr ?? setup.error}`);
    }
    const child = spawn(cmd.file, [...cmd.args, 'serve'], { env, cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    const logs = [];
    child.stdout.on('data', (d) => logs.push(d.toString()));
    child.stderr.on('data', (d) => logs.push(d.toString()));
    const serveLog = logFile('serve');
    if (serveLog) {
      const out = createWriteStream(serveLog, { flags: 'a' });
      child.stdout.pipe(out, { end: false });
      child.stderr.pipe(out, { end: false });
      child.once('close', () => out.end());
    }
    const server = new OffenServer(child, `https://offen.example.test:${port}`, accountId, email, password, logs);
    server.database = { dialect: env.OFFEN_DATABASE_DIALECT, connection: env.OFFEN_DATABASE_CONNECTIONSTRING, dir, drop: database.drop };
    const deadline = Date.now() + 30_000;
    for (;;) {
      try {
        if ((await request(server.origin, 'GET', '/healthz')).status === 200) break;
      } catch { /* not up yet */ }
      if (child.exitCode !== null) throw new Error(`offen exited with ${child.exitCode}: ${logs.join('')}`);
      if (Date.now() > deadline) throw new Error(`offen did not become healthy: ${logs.join('')}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    return server;
  }

  constructor(child, origin, accountId, email, password, logs) {
    Object.assign(this, { child, origin, accountId, email, password, logs });
  }

  /** Logs in over the API like the vault does and returns every event of the account, decrypted test-side. */
  async decryptedEvents() {
    const login = await request(this.origin, 'POST', '/api/login', { body: { username: this.email, password: this.password } });
    if (login.status !== 200) throw new Error(`login failed: ${login.status} ${login.text}`);
    const cookie = login.headers['set-cookie'].map((c) => c.split(';')[0]).join('; ');
    const account = login.json().accounts.find((a) => a.accountId === this.accountId);
    const res = await request(this.origin, 'GET', `/api/accounts/${this.accountId}`, { cookie });
    if (res.status !== 200) throw new Error(`account query failed: ${res.status} ${res.text}`);
    return decryptAccount(account.keyEncryptionKey, res.json());
  }

  /**
   * Runs one read-only SELECT on this server's own database (SQLite through the sqlite3 CLI, PostgreSQL through
   * psql) and returns its rows as objects keyed by column name. For assertions on what the server stores.
   */
  sql(select) {
    const { dialect, connection, dir } = this.database;
    let out;
    if (dialect === 'sqlite3') {
      out = execFileSync('sqlite3', ['-readonly', '-bail', '-json', '-cmd', '.timeout 5000', connection, select], { cwd: dir, encoding: 'utf8' });
    } else if (dialect === 'postgres') {
      const parts = Object.fromEntries(connection.split(';').filter(Boolean).map((kv) => {
        const i = kv.indexOf('=');
        return [kv.slice(0, i).trim().toLowerCase(), kv.slice(i + 1).trim()];
      }));
      out = execFileSync('psql', ['-X', '-At', '-v', 'ON_ERROR_STOP=1', '-h', parts.host, '-p', parts.port || '5432', '-U', parts.username,
        '-d', parts.database, '-c', `SELECT coalesce(json_agg(q), '[]'::json) FROM (${select}) q`],
      { env: { ...process.env, PGPASSWORD: parts.password }, cwd: dir, encoding: 'utf8' });
    } else {
      throw new Error(`sql: no client for the ${dialect} dialect`);
    }
    return out.trim() === '' ? [] : JSON.parse(out);
  }

  async stop() {
    if (this.child.exitCode === null) {
      const exited = new Promise((r) => this.child.once('exit', r));
      this.child.kill('SIGTERM');
      await exited;
    }
    const drop = this.database?.drop;
    if (drop) {
      this.database.drop = undefined;
      drop();
    }
  }
}

// --- test-side decryption: an independent oracle written against clients-and-crypto.md §4.3–4.4 ---
const subtle = globalThis.crypto.subtle;
const b64 = (s) => Uint8Array.from(Buffer.from(s, 'base64'));

export function parseEnvelope(value) {
  const m = /{(\d+?),(\d*?)}\s(.+)/.exec(value);
  if (!m) throw new Error(`not a versioned cipher: ${value.slice(0, 12)}…`);
  const [cipher, nonce] = m[3].split(' ');
  return { algo: Number(m[1]), cipher: b64(cipher), nonce: nonce === undefined ? null : b64(nonce) };
}

async function aesDecrypt(jwk, envelope) {
  const key = await subtle.importKey('jwk', jwk, { name: 'AES-GCM' }, false, ['encrypt', 'decrypt']);
  const { cipher, nonce } = parseEnvelope(envelope);
  return new TextDecoder().decode(await subtle.decrypt({ name: 'AES-GCM', iv: nonce }, key, cipher));
}

async function rsaDecrypt(jwk, envelope) {
  const key = await subtle.importKey('jwk', jwk, { name: 'RSA-OAEP', hash: 'SHA-256' }, false, ['decrypt']);
  return new TextDecoder().decode(await subtle.decrypt({ name: 'RSA-OAEP' }, key, parseEnvelope(envelope).cipher));
}

export async function decryptAccount(kek, account) {
  const privateJwk = JSON.parse(await aesDecrypt(kek, account.encryptedPrivateKey));
  const secrets = new Map();
  const out = [];
  for (const event of account.events?.[account.accountId] ?? []) {
    if (!secrets.has(event.secretId)) secrets.set(event.secretId, JSON.parse(await rsaDecrypt(privateJwk, account.secrets[event.secretId])));
    const payload = JSON.parse(await aesDecrypt(secrets.get(event.secretId), event.payload));
    out.push({ eventId: event.eventId, secretId: event.secretId, ivLength: parseEnvelope(event.payload).nonce.length, ...payload });
  }
  return out;
}

/** Static host sites: one HTTPS (www.example.test) and one plain HTTP, both serving `pages` by path. */
export async function startHostSites(certificate, pages) {
  const handler = (req, res) => {
    const url = new URL(req.url, 'http://x');
    const page = pages[url.pathname];
    if (page === undefined) { res.writeHead(404).end('not found'); return; }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(typeof page === 'function' ? page(req) : page);
  };
  const secure = https.createServer({ cert: readFileSync(certificate.cert), key: readFileSync(certificate.key) }, handler);
  const plain = http.createServer(handler);
  // Each binds port 0 itself: a port probed first (freePort) can be taken before the listen (twice the same
  // port, or another process), and a listen error has no callback, so the test would hang.
  const listen = (server) => new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => { server.off('error', reject); resolve(server.address().port); });
  });
  const securePort = await listen(secure);
  const plainPort = await listen(plain);
  return {
    secureOrigin: `https://www.example.test:${securePort}`,
    plainOrigin: `http://www.example.test:${plainPort}`,
    close: () => Promise.all([new Promise((r) => secure.close(r)), new Promise((r) => plain.close(r))]),
  };
}

export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_BIN || '/usr/bin/chromium',
    args: [...CHROMIUM_FLAGS, '--host-resolver-rules=MAP *.test 127.0.0.1'],
  });
}

/**
 * A fresh persistent profile (its own browser process) whose user setting allows third-party cookies, as a
 * regular Chrome profile does by default. Playwright's incognito-like contexts block them, which matters when
 * the vault is a third-party frame: under schemeful same-site, an http page framing the https vault is
 * cross-site.
 */
export async function launchProfileAllowingThirdPartyCookies(dir) {
  mkdirSync(path.join(dir, 'Default'), { recursive: true });
  writeFileSync(path.join(dir, 'Default', 'Preferences'), JSON.stringify({ profile: { cookie_controls_mode: 0, block_third_party_cookies: false } }));
  return chromium.launchPersistentContext(dir, {
    executablePath: process.env.CHROMIUM_BIN || '/usr/bin/chromium',
    args: [...CHROMIUM_FLAGS, '--host-resolver-rules=MAP *.test 127.0.0.1'],
    ignoreHTTPSErrors: true, timezoneId: 'Europe/Berlin', locale: 'en-US',
  });
}

export function tempDir(prefix) {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export { writeFileSync };

/**
 * A real SMTP server: tests/tools/smtp_sink.py (aiosmtpd, run with Debian's python3 like the Mail tests) on a
 * free loopback port. Each accepted message lands in `outdir` as <id>.eml and <id>.json; `messages()` reads the
 * JSON records. The sink exits when its stdin closes, so a crashed run leaves nothing behind.
 */
export async function startSmtpSink(dir) {
  const port = await freePort();
  const outdir = path.join(dir, `smtp-${port}`);
  mkdirSync(outdir, { recursive: true });
  const child = spawn('/usr/bin/python3', [path.join(repo, 'tests/tools/smtp_sink.py'), '--port', String(port), '--outdir', outdir, '--exit-on-stdin-eof'],
    { stdio: ['pipe', 'pipe', 'pipe'] });
  const output = [];
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`smtp sink did not start: ${output.join('')}`)), 15_000);
    child.stdout.on('data', (d) => {
      output.push(d.toString());
      if (output.join('').includes('listening')) { clearTimeout(timer); resolve(); }
    });
    child.stderr.on('data', (d) => output.push(d.toString()));
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`smtp sink exited with ${code}: ${output.join('')}`)); });
  });
  const messages = () => readdirSync(outdir).filter((f) => f.endsWith('.json')).sort().map((f) => JSON.parse(readFileSync(path.join(outdir, f), 'utf8')));
  return {
    port,
    outdir,
    messages,
    /** Waits for a message to `recipient` and returns it. */
    async waitFor(recipient, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = messages().find((m) => (m.rcpt_tos || []).includes(recipient));
        if (found) return found;
        if (Date.now() > deadline) throw new Error(`no mail to ${recipient}; got ${JSON.stringify(messages().map((m) => m.rcpt_tos))}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.stdin.end();
      const timer = setTimeout(() => child.kill('SIGTERM'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** axe-core (web/node_modules) run in the page; resolves to its violations (rule id, impact, nodes' targets). */
export async function axeViolations(page, options = {}) {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) {
    await page.addScriptTag({ path: path.join(repo, 'web/node_modules/axe-core/axe.min.js') });
  }
  const results = await page.evaluate((opts) => window.axe.run(document, opts), options);
  return results.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => n.target.join(' ')) }));
}

/** A fresh browser context (own cookies and storage) in Berlin time and English, whose page errors are collected. */
export async function newTab(browser, options = {}) {
  const context = await browser.newContext({ ignoreHTTPSErrors: true, timezoneId: 'Europe/Berlin', locale: 'en-US', ...options });
  const tab = await context.newPage();
  const pageErrors = [];
  tab.on('pageerror', (e) => pageErrors.push(e.message));
  return { context, tab, pageErrors };
}

/** Tears down what a test file's `before` started, whichever of them exist. */
export async function stopAll({ browser, sites, offen, tmp }) {
  await browser?.close();
  await sites?.close();
  await offen?.stop();
  tmp?.remove();
}

/** What the dashboard shows: key metrics, real time, the chart's page views, the Top pages rows. */
export async function readDashboard(tab) {
  return tab.evaluate(() => {
    const metric = (key) => document.querySelector(`[data-testid="dashboard/metrics"] [data-metric="${key}"] dd`)?.textContent?.trim();
    const chartCells = [...document.querySelectorAll('[data-testid="dashboard/chart"] table tbody tr td:nth-of-type(1)')];
    // The key cell holds the URL (as a filter link, or as the active filter's pill ending in ✕), then the count.
    const pages = [...document.querySelectorAll('[data-table="pages"] tbody tr')].map((row) => [
      row.querySelector('td')?.textContent?.replace('✕', '').trim(),
      row.querySelectorAll('td')[1]?.textContent?.trim(),
    ]);
    return {
      users: metric('uniqueUsers'),
      sessions: metric('uniqueSessions'),
      bounceRate: metric('bounceRate'),
      pageviews: chartCells.reduce((sum, cell) => sum + Number(cell.textContent.replace(/[^0-9]/g, '')), 0),
      live: document.querySelector('[data-testid="dashboard/live-users"]')?.textContent?.trim(),
      pages,
    };
  });
}
