// Measures the operator QUERY with the encrypted local cache in Node (vault/manage/operator.ts; issue 4 item 6):
//   node bench/vault-cache.mjs            (EVENTS=200000 USERS=2000 by default)
// Bundles vault-cache-entry.ts with esbuild into a temporary file and runs it. Node has no Web Workers, so
// decryption runs in-process; the warm numbers (no decryption of user data at all) are the point.
import { build } from 'esbuild';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const dir = await mkdtemp(path.join(tmpdir(), 'vault-cache-bench-'));
const out = path.join(dir, 'bench.mjs');
try {
  await build({
    entryPoints: [path.join(root, 'bench/vault-cache-entry.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile: out,
    absWorkingDir: root,
    // test-support.ts reads crypto-vectors.json relative to its own file.
    define: { 'import.meta.url': JSON.stringify(pathToFileURL(path.join(root, 'vault/manage/test-support.ts')).href) },
    logLevel: 'warning',
    banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
  });
  await import(pathToFileURL(out).href);
} finally {
  await rm(dir, { recursive: true, force: true });
}
