// The cost benchmark's browser half: the npm package (pkg/, both wasm builds, its bundled int8
// model) in headless Chromium, valuing whole files end to end through createValuator(): read,
// whole-file pass, embedding on the pool's workers, report. The model is loaded (and cached)
// before the clock starts; each figure is the median of 5 runs after two warm-up runs (V8 compiles
// a worker's wasm with its optimising tier in the background, which on a busy machine takes a run
// or two: not what a contributor valuing files one after another sees).
//   node browser-cost.mjs --driver DIR --url URL --out FILE FILE...
// One JSON line per file × configuration: int8 on 1 and 2 workers, f32 on 1 worker.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const argv = process.argv.slice(2);
const opt = (name) => { const i = argv.indexOf(`--${name}`); return i >= 0 ? argv.splice(i, 2)[1] : undefined; };
const driver = opt('driver');
const url = opt('url');
const out = opt('out');
const files = argv;
const { chromium } = createRequire(path.join(driver, 'package.json'))('playwright-core');
const configs = [
  { precision: 'int8', workers: 1 },
  { precision: 'int8', workers: 2 },
  { precision: 'f32', workers: 1 },
];

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
const lines = [];
try {
  for (const config of configs) {
    const page = await browser.newPage();
    await page.route((u) => !u.hostname.startsWith('127.0.0.1'), (r) => r.abort());
    await page.goto(url);
    await page.waitForFunction(() => document.title === 'ready');
    for (const file of files) {
      const name = path.basename(file);
      const row = await page.evaluate(async ({ config, name }) => {
        const { createValuator } = window.valuation;
        const model = config.precision === 'f32' ? { precision: 'f32', baseUrl: '/model/' } : {};
        const valuator = createValuator({ model, workers: config.workers });
        await valuator.ready({ allWorkers: true });
        const bytes = await (await fetch(`/data/${name}`)).arrayBuffer();
        const once = async () => {
          const start = performance.now();
          const report = await valuator.valuate(new File([bytes], name));
          return { ms: performance.now() - start, report };
        };
        await once(); // warm-up: every worker compiles its code
        await once();
        const runs = [];
        for (let i = 0; i < 5; i++) runs.push(await once());
        const stats = await valuator.stats();
        valuator.dispose();
        const ms = runs.map((r) => r.ms).sort((a, b) => a - b);
        const reports = new Set(runs.map((r) => JSON.stringify(r.report)));
        return { medianMs: ms[2], runsMs: ms, sameReport: reports.size === 1, report: runs[0].report, workers: stats.workers };
      }, { config, name });
      const line = { runtime: `chromium ${config.precision} ${config.workers}w`, ...config, file: name,
        mb: +(fs.statSync(file).size / 2 ** 20).toFixed(1), total_s: +(row.medianMs / 1000).toFixed(3),
        runs_s: row.runsMs.map((m) => +(m / 1000).toFixed(3)), same_report: row.sameReport,
        score: row.report.score, report: row.report };
      console.error(`[browser-cost] ${line.runtime} ${name}: ${line.total_s} s`);
      lines.push(line);
    }
    await page.close();
  }
} finally {
  await browser.close();
}
fs.writeFileSync(out, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
