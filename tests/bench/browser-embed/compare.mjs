// Prints our rows and the anchor's side by side, with speed ratios (ours ÷ theirs).
//   node compare.mjs ours.json anchor.json [ours-2.json anchor-2.json ...]
// The first pair is the full run; each further pair is a later round of the target rows and
// the anchor (run.sh). A speed target is read from each round's own ratio, then their median.
import fs from 'node:fs';

const files = process.argv.slice(2);
if (files.length < 2 || files.length % 2) throw new Error('usage: compare.mjs ours.json anchor.json [ours-N.json anchor-N.json ...]');
const read = (file) => JSON.parse(fs.readFileSync(file, 'utf8'));

/** One round: our rows and the anchor's, as table rows. */
function round(ours, anchor) {
  const rows = ours.configs.map((c) => ({
    system: `valuation-wasm ${c.precision} ${c.variant}, batch ${c.batch}`,
    precision: c.precision, batch: c.batch,
    sentPerSec: c.sentPerSec, coldStartMs: c.coldStartMs, cosMean: c.accuracy.mean, cosMin: c.accuracy.min,
    downloadBytes: c.coldStartPhases?.downloadBytes,
  }));
  const anchors = [];
  for (const c of anchor.configs) {
    if (c.error) { console.log(`anchor ${c.cfg?.label}: error ${c.error}`); continue; }
    const run = c.runs.find((r) => r.batch === 1) || c.runs[0];
    const acc = c.accuracy?.[run.batch] || {};
    anchors.push({ system: `transformers.js ${c.versions?.transformers || ''} ${c.cfg.dtype}, 1 thread, batch ${run.batch}`,
      sentPerSec: run.sentPerSec, coldStartMs: c.loaded?.coldStartMs, cosMean: acc.mean, cosMin: acc.min, dtype: c.cfg.dtype });
  }
  const best = (precision) => rows.filter((r) => r.precision === precision).sort((a, b) => b.sentPerSec - a.sentPerSec)[0];
  return { rows, anchors, best, anchor: (dtype) => anchors.find((a) => a.dtype === dtype) };
}

const ours = read(files[0]);
const rounds = [];
for (let i = 0; i < files.length; i += 2) rounds.push(round(read(files[i]), read(files[i + 1])));
const { anchors } = rounds[0];
const rows = [...rounds[0].rows, ...anchors];
const f = (x, d) => (typeof x === 'number' ? x.toFixed(d) : '-');
console.log(`${ours.n} sentences, headless ${ours.browser}, ${ours.date}`);
console.log('system'.padEnd(58), 'sent/s'.padStart(8), 'cold ms'.padStart(9), 'cos mean'.padStart(10), 'cos min'.padStart(10));
for (const r of rows) {
  console.log(r.system.padEnd(58), f(r.sentPerSec, 1).padStart(8), f(r.coldStartMs, 0).padStart(9),
    f(r.cosMean, 6).padStart(10), f(r.cosMin, 6).padStart(10));
}
for (const c of ours.configs) {
  const p = c.coldStartPhases || {};
  console.log(`cold start of ${c.precision} ${c.variant} batch ${c.batch}: wasm init ${f(p.wasmInitMs, 0)} ms, model fetch ${f(p.modelFetchMs, 0)} ms (${f((p.downloadBytes || 0) / 1e6, 1)} MB), model load ${f(p.modelLoadMs, 0)} ms`);
}
for (const c of ours.configs.filter((c) => c.profile)) {
  const shares = c.profile.ms.map(([op, ms]) => `${op} ${f((100 * ms) / c.profile.total_ms, 1)}%`).join(', ');
  console.log(`profile of ${c.precision} ${c.variant} batch ${c.batch}: ${shares}`);
}
console.log('\nratios (ours ÷ transformers.js; speed > 1 is faster, cold start < 1 is faster):');
for (const o of rows.filter((r) => r.system.startsWith('valuation'))) {
  for (const a of anchors) {
    console.log(`  ${o.system} vs ${a.dtype}: speed ×${f(o.sentPerSec / a.sentPerSec, 2)}, cold start ×${f(o.coldStartMs / a.coldStartMs, 2)}`);
  }
}
// Each speed ratio within its round (ours ÷ the anchor measured right after), then the median.
const median = (xs) => { const s = [...xs].sort((a, b) => a - b), m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const ratios = (precision, dtype) => rounds.flatMap((r) => {
  const [o, a] = [r.best(precision), r.anchor(dtype)];
  return o && a ? [o.sentPerSec / a.sentPerSec] : [];
});
const [i8Ratios, f32Ratios] = [ratios('int8', 'q8'), ratios('f32', 'fp32')];
if (rounds.length > 1) {
  console.log(`\nrounds (speed ratio per round, ${rounds.length} rounds):`);
  console.log(`  int8 vs q8: ${i8Ratios.map((x) => `×${f(x, 2)}`).join(', ')}; median ×${f(median(i8Ratios), 2)}`);
  console.log(`  f32 vs fp32: ${f32Ratios.map((x) => `×${f(x, 2)}`).join(', ')}; median ×${f(median(f32Ratios), 2)}`);
}
// The issue's targets, each next to the figure it is about (same run).
const q8 = rounds[0].anchor('q8');
const line = (what, value, target, met) => console.log(`  ${what.padEnd(58)} ${value.padStart(10)}   target ${target.padEnd(10)} ${met ? 'met' : 'MISSED'}`);
const of = (xs) => (xs.length > 1 ? `, median of ${xs.length} rounds` : '');
console.log('\ntargets:');
const i8 = rounds[0].best('int8');
const f32 = rounds[0].best('f32');
if (i8Ratios.length) line(`int8 speed vs transformers.js q8 (${i8.system}${of(i8Ratios)})`, `×${f(median(i8Ratios), 2)}`, '≥ ×2.0', median(i8Ratios) >= 2);
if (i8) line('int8 min cosine vs sentence-transformers', f(i8.cosMin, 6), '≥ 0.995', i8.cosMin >= 0.995);
if (f32Ratios.length) line(`f32 speed vs transformers.js fp32 (${f32.system}${of(f32Ratios)})`, `×${f(median(f32Ratios), 2)}`, '≥ ×2.0', median(f32Ratios) >= 2);
if (f32) line('f32 min cosine vs sentence-transformers', f(f32.cosMin, 6), '≥ 0.9999', f32.cosMin >= 0.9999);
const i8Cold = rows.filter((r) => r.precision === 'int8').map((r) => r.coldStartMs).sort((a, b) => a - b)[0];
if (i8Cold && q8) line('int8 cold start vs transformers.js q8 (model served locally)', `×${f(i8Cold / q8.coldStartMs, 2)}`, '≤ ×0.5', i8Cold / q8.coldStartMs <= 0.5);
if (i8?.downloadBytes) line('int8 first-visit download (config + tokenizer + weights)', `${f(i8.downloadBytes / 1e6, 1)} MB`, '≤ 25 MB', i8.downloadBytes <= 25e6);
