// Summarises a V8 CPU profile (.cpuprofile, as bench/dashboard.mjs writes with PROFILE_WARM): self time per
// function and per script, the largest first. Usage: node bench/profile-summary.mjs <file> [rows]
import { readFileSync } from 'node:fs';

const [file, rowsArg] = process.argv.slice(2);
if (!file) {
  console.error('usage: node bench/profile-summary.mjs <file.cpuprofile> [rows]');
  process.exit(2);
}
const rows = Number(rowsArg) || 25;
const profile = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const self = new Map();
// timeDeltas[i] is the time before sample i; charge it to that sample's node.
profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
const perFunction = new Map();
const perScript = new Map();
let total = 0;
for (const [id, micros] of self) {
  const { callFrame } = byId.get(id);
  const script = callFrame.url ? callFrame.url.replace(/^https?:\/\/[^/]+/, '') : `(${callFrame.functionName || 'native'})`;
  const name = `${callFrame.functionName || '(anonymous)'}  ${script}:${callFrame.lineNumber + 1}`;
  perFunction.set(name, (perFunction.get(name) ?? 0) + micros);
  perScript.set(script, (perScript.get(script) ?? 0) + micros);
  total += micros;
}
const table = (title, map) => {
  console.log(`\n${title}`);
  console.log('ms      | share | where');
  console.log('--------|-------|------');
  for (const [name, micros] of [...map].sort((a, b) => b[1] - a[1]).slice(0, rows)) {
    console.log(`${(micros / 1000).toFixed(1).padStart(7)} | ${((100 * micros) / total).toFixed(1).padStart(4)}% | ${name}`);
  }
};
console.log(`${file}: ${(total / 1000).toFixed(0)} ms sampled`);
table('self time per script', perScript);
table('self time per function', perFunction);
