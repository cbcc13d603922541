// Prints our rows and the anchor's side by side, with speed ratios (ours ÷ theirs).
//   node compare.mjs ours.json anchor.json
import fs from 'node:fs';

const [oursFile, anchorFile] = process.argv.slice(2);
const ours = JSON.parse(fs.readFileSync(oursFile, 'utf8'));
const anchor = JSON.parse(fs.readFileSync(anchorFile, 'utf8'));

const rows = ours.configs.map((c) => ({
  system: `valuation-wasm f32, batch ${c.batch}${c.batch > 1 ? ' (length-grouped)' : ''}`,
  sentPerSec: c.sentPerSec, coldStartMs: c.coldStartMs, cosMean: c.accuracy.mean, cosMin: c.accuracy.min,
}));
const anchors = [];
for (const c of anchor.configs) {
  if (c.error) { console.log(`anchor ${c.cfg?.label}: error ${c.error}`); continue; }
  const run = c.runs.find((r) => r.batch === 1) || c.runs[0];
  const acc = c.accuracy?.[run.batch] || {};
  const row = { system: `transformers.js ${c.versions?.transformers || ''} ${c.cfg.dtype}, 1 thread, batch ${run.batch}`,
    sentPerSec: run.sentPerSec, coldStartMs: c.loaded?.coldStartMs, cosMean: acc.mean, cosMin: acc.min, dtype: c.cfg.dtype };
  anchors.push(row);
  rows.push(row);
}

const f = (x, d) => (typeof x === 'number' ? x.toFixed(d) : '-');
console.log(`${ours.n} sentences, headless ${ours.browser}, ${ours.date}`);
console.log('system'.padEnd(58), 'sent/s'.padStart(8), 'cold ms'.padStart(9), 'cos mean'.padStart(10), 'cos min'.padStart(10));
for (const r of rows) {
  console.log(r.system.padEnd(58), f(r.sentPerSec, 1).padStart(8), f(r.coldStartMs, 0).padStart(9),
    f(r.cosMean, 6).padStart(10), f(r.cosMin, 6).padStart(10));
}
for (const c of ours.configs) {
  const p = c.coldStartPhases || {};
  console.log(`cold start of batch ${c.batch}: wasm init ${f(p.wasmInitMs, 0)} ms, model fetch ${f(p.modelFetchMs, 0)} ms, model load ${f(p.modelLoadMs, 0)} ms`);
}
console.log('\nratios (ours ÷ transformers.js; speed > 1 is faster, cold start < 1 is faster):');
for (const o of rows.filter((r) => r.system.startsWith('valuation'))) {
  for (const a of anchors) {
    console.log(`  ${o.system} vs ${a.dtype}: speed ×${f(o.sentPerSec / a.sentPerSec, 2)}, cold start ×${f(o.coldStartMs / a.coldStartMs, 2)}`);
  }
}
