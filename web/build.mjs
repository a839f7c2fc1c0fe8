// Builds the browser clients into web/dist, the tree that the offen binary embeds under static/
// (server.md §1.5): <L>/script.js, <L>/vault/{index,vendor}-<10hex>.js with <L>/vault/rev-manifest.json,
// and the lazily loaded, locale-independent vault/<name>-<10hex>.js bundles (loaded with SRI; the decryption
// worker vault/worker-<10hex>.js is started by URL); and the
// auditorium SPA, <L>/auditorium/{index,vendor}-<10hex>.js with <L>/auditorium/rev-manifest.json.
// MSBuild runs this when any input is newer than dist/.stamp (src/Offen/Offen.csproj).
import { build } from 'esbuild';
import { minify } from 'terser';
import { createHash } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(fileURLToPath(import.meta.url));
const dist = path.join(root, 'dist');
export const LOCALES = ['en', 'de', 'fr', 'es', 'pt', 'vi'];
/** The tracking script's budget (issue 3): at most 1 KB gzip. */
export const SCRIPT_BUDGET = 1024;
/** The auditorium's scripts (issue 4): at most 150 KB gzip, index.js plus the largest vendor.js. */
export const AUDITORIUM_BUDGET = 150 * 1024;

const hash10 = (bytes) => createHash('sha256').update(bytes).digest('hex').slice(0, 10);
const sri = (bytes) => 'sha384-' + createHash('sha384').update(bytes).digest('base64');

async function bundle(options) {
  const result = await build({
    bundle: true,
    minify: true,
    format: 'iife',
    target: ['es2020'],
    write: false,
    legalComments: 'none',
    logLevel: 'warning',
    absWorkingDir: root,
    ...options,
  });
  return Buffer.from(result.outputFiles[0].contents);
}

async function emit(relative, bytes) {
  const file = path.join(dist, relative);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, bytes);
}

/** Writes a content-hashed file and returns its name. */
async function emitRevisioned(dir, name, bytes) {
  const revisioned = `${name}-${hash10(bytes)}.js`;
  await emit(path.join(dir, revisioned), bytes);
  return revisioned;
}

export async function buildAll() {
  await rm(dist, { recursive: true, force: true });
  const sizes = {};

  // Lazy, locale-independent vault bundles; the cascade serves /vault/x.js from static/vault/x.js.
  const lazy = {};
  // The decryption worker of the operator dashboard (vault/manage/worker.ts): a same-origin, content-hashed
  // script next to the lazy bundles, because the vault's CSP (script-src 'self') rules out blob: workers. It
  // is built first so the manage bundle learns its name through __OFFEN_LAZY__.worker.
  {
    const bytes = await bundle({ entryPoints: ['vault/manage/worker.ts'] });
    const file = await emitRevisioned('vault', 'worker', bytes);
    lazy.worker = { src: `/vault/${file}`, integrity: sri(bytes) };
    sizes['vault/worker.js'] = { raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
  }
  for (const name of ['userland', 'manage']) {
    // manage reaches the userland fallback through crypto-provider.ts too, so it needs its address.
    const bytes = await bundle({ entryPoints: [`vault/${name}.ts`], define: { __OFFEN_LAZY__: JSON.stringify(lazy) } });
    const file = await emitRevisioned('vault', name, bytes);
    lazy[name] = { src: `/vault/${file}`, integrity: sri(bytes) };
    sizes[`vault/${name}.js`] = { raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
  }

  // script.js: bundled by esbuild, minified by terser, which packs it ~4 % smaller than esbuild does; the
  // 1 KB budget is that tight. es2021 for `||=`; no "use strict" prologue (it is a classic script).
  const scriptBundle = await bundle({
    entryPoints: ['script/index.ts'],
    minify: false,
    target: ['es2021'],
    tsconfigRaw: { compilerOptions: { alwaysStrict: false } },
  });
  const minified = await minify(scriptBundle.toString('utf8'), { ecma: 2021, compress: { passes: 3, unsafe: true }, mangle: true });
  const script = Buffer.from(minified.code);
  const scriptGzip = gzipSync(script, { level: 9 }).length;
  sizes['script.js'] = { raw: script.length, gzip: scriptGzip };
  if (scriptGzip > SCRIPT_BUDGET) throw new Error(`script.js is ${scriptGzip} B gzip, over the ${SCRIPT_BUDGET} B budget`);

  const index = await bundle({
    entryPoints: ['vault/index.ts'],
    define: { __OFFEN_LAZY__: JSON.stringify(lazy) },
  });
  sizes['vault/index.js'] = { raw: index.length, gzip: gzipSync(index, { level: 9 }).length };

  for (const locale of LOCALES) {
    await emit(`${locale}/script.js`, script);
    // vendor.js carries the locale's strings (locales/<L>.ts) so index.js is the same in every locale.
    const vendor = await bundle({
      stdin: {
        contents: `import { strings } from './locales/${locale}.ts';\n(self as any).__OFFEN_STRINGS__ = strings;`,
        resolveDir: root,
        loader: 'ts',
        sourcefile: `vendor-${locale}.ts`,
      },
    });
    sizes[`${locale}/vault/vendor.js`] = { raw: vendor.length, gzip: gzipSync(vendor, { level: 9 }).length };
    const manifest = {
      'index.js': await emitRevisioned(`${locale}/vault`, 'index', index),
      'vendor.js': await emitRevisioned(`${locale}/vault`, 'vendor', vendor),
    };
    await emit(`${locale}/vault/rev-manifest.json`, JSON.stringify(manifest, null, 2) + '\n');
  }
  await buildAuditorium(sizes);
  await writeFile(path.join(root, 'dist-sizes.json'), JSON.stringify(sizes, null, 2) + '\n');
  await emit('.stamp', new Date().toISOString() + '\n');
  return sizes;
}

/**
 * The auditorium (server.md §1.6 index page): index.js is the app with Preact, the same bytes in every locale;
 * vendor.js carries only the locale's strings (locales/<L>.ts: the banner strings for the CSS preview and the
 * `auditorium` section) on self.__OFFEN_AUDITORIUM__, like the vault's vendor.js. JSX is compiled with Preact's
 * automatic runtime (tsconfig.json jsx/jsxImportSource).
 */
async function buildAuditorium(sizes) {
  const index = await bundle({ entryPoints: ['auditorium/index.tsx'] });
  const indexGzip = gzipSync(index, { level: 9 }).length;
  sizes['auditorium/index.js'] = { raw: index.length, gzip: indexGzip };
  let largestVendor = 0;
  for (const locale of LOCALES) {
    const vendor = await bundle({
      stdin: {
        contents:
          `import { strings, auditorium } from './locales/${locale}.ts';\n` +
          `(self as any).__OFFEN_AUDITORIUM__ = { locale: strings.locale, banner: strings.banner, auditorium };`,
        resolveDir: root,
        loader: 'ts',
        sourcefile: `auditorium-vendor-${locale}.ts`,
      },
    });
    const vendorGzip = gzipSync(vendor, { level: 9 }).length;
    largestVendor = Math.max(largestVendor, vendorGzip);
    sizes[`${locale}/auditorium/vendor.js`] = { raw: vendor.length, gzip: vendorGzip };
    const manifest = {
      'index.js': await emitRevisioned(`${locale}/auditorium`, 'index', index),
      'vendor.js': await emitRevisioned(`${locale}/auditorium`, 'vendor', vendor),
    };
    await emit(`${locale}/auditorium/rev-manifest.json`, JSON.stringify(manifest, null, 2) + '\n');
  }
  // The stylesheet the index page links (server.md §1.6): Tachyons 4.12 (MIT) from npm, served as /tachyons.min.css.
  const tachyons = await readFile(path.join(root, 'node_modules/tachyons/css/tachyons.min.css'));
  await emit('tachyons.min.css', tachyons);
  sizes['tachyons.min.css'] = { raw: tachyons.length, gzip: gzipSync(tachyons, { level: 9 }).length };
  const total = indexGzip + largestVendor;
  if (total > AUDITORIUM_BUDGET) throw new Error(`the auditorium is ${total} B gzip, over the ${AUDITORIUM_BUDGET} B budget`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const sizes = await buildAll();
  for (const [name, { raw, gzip }] of Object.entries(sizes)) console.log(`${name.padEnd(24)} ${String(raw).padStart(7)} B  ${String(gzip).padStart(6)} B gzip`);
}
