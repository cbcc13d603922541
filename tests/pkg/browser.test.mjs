// The npm package in real headless Chromium (Debian's, via playwright-core), installed from its
// packed tarball: model download with progress, Cache Storage and hash checks, reports equal to
// the native CLI's, 100 queued files with no long main-thread task, cancellation, and a wasm
// panic or out-of-memory failing one file while the queue goes on. Started by tests/pkg/run.sh.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { OUT, ROOT, env, launchBrowser, openTestPage, startServer } from './harness.mjs';
import { MODEL_SPEC } from '../../pkg/model-spec.js';

// The model folder as a self-hoster has it: config.json, tokenizer.json, the f32 weights and the
// int8 file `valuation quantize` wrote there (scripts/test.sh runs it).
const MODEL = env('VALUATION_MODEL_DIR');
const INT8 = 'model.int8.safetensors';
// Must match the domain test.sh gives the native CLI for target/test-data/reports.
const DOMAIN = 'The government of the United States: Congress, the economy and public policy.';

let server;
let browser;
let base;

function badModelDir() {
  const dir = path.join(OUT, 'model-bad');
  fs.mkdirSync(dir, { recursive: true });
  for (const f of ['config.json', 'tokenizer.json']) fs.copyFileSync(path.join(MODEL, f), path.join(dir, f));
  const weights = fs.readFileSync(path.join(MODEL, INT8));
  weights[weights.length - 1] ^= 0xff; // one flipped bit: same size, wrong hash
  fs.writeFileSync(path.join(dir, INT8), weights);
  return dir;
}

// Where the "wrong URL, deployed later" test puts the model: empty at first, on a host that answers
// unknown paths with an HTML page.
const SPA_DIR = path.join(OUT, 'model-spa');

before(async () => {
  fs.rmSync(SPA_DIR, { recursive: true, force: true });
  fs.mkdirSync(SPA_DIR, { recursive: true });
  ({ server, base } = await startServer('browser', {
    '/model': MODEL, '/model-bad': badModelDir(), '/data': path.join(ROOT, 'tests/data/score'),
    '/spa': `${SPA_DIR}@spa`, '/gz': `${MODEL}@gzip`,
    '/endless': `${MODEL}@endless`,
  }));
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  server?.kill();
});

/** A page on the test origin; `requests` collects every URL it (and its workers) fetch. */
async function openPage(context) {
  const requests = [];
  context.on('request', (r) => requests.push(r.url()));
  const page = await openTestPage(context, base);
  return { page, requests };
}

const modelRequests = (requests) => [...new Set(requests.filter((u) => /\/model(-bad)?\//.test(u)))];

test('a report equal to the native CLI, progress in order to 100 %, and a second load served by Cache Storage', async () => {
  const context = await browser.newContext();
  const first = await openPage(context);
  const run = (page) => page.evaluate(async (domain) => {
    const { createValuator } = window.valuation;
    const model = [];
    const progress = [];
    const valuator = createValuator({ model: { baseUrl: '/model/' }, onModelProgress: (p) => model.push(p) });
    const bytes = new Uint8Array(await (await fetch('/data/speech.txt')).arrayBuffer());
    const report = await valuator.valuate(new File([bytes], 'speech.txt'), { domain, onProgress: (p) => progress.push(p) });
    valuator.dispose();
    return { report, model, progress };
  }, DOMAIN);
  const cold = await run(first.page);
  assert.equal(modelRequests(first.requests).length, 3, `first load fetches the three model files: ${modelRequests(first.requests)}`);

  const native = JSON.parse(fs.readFileSync(path.join(env('VALUATION_NATIVE_REPORTS'), 'speech.txt.json'), 'utf8'));
  assert.deepEqual(cold.report, native, 'the browser report equals the native CLI report for the same bytes');
  fs.writeFileSync(path.join(OUT, 'browser-report-speech.json'), JSON.stringify(cold.report, null, 2));

  const fractions = cold.progress.map((p) => p.fraction);
  assert.ok(fractions.every((f, i) => i === 0 || f >= fractions[i - 1]), `progress never goes back: ${fractions}`);
  assert.deepEqual(cold.progress.at(-1), { phase: 'done', done: 1, total: 1, fraction: 1 });
  const phases = [...new Set(cold.progress.map((p) => p.phase))];
  assert.deepEqual(phases, ['read', 'analyze', 'embed', 'done']);
  assert.equal(cold.report.model.precision, 'int8', 'int8 is the default');
  for (const file of ['config.json', 'tokenizer.json', INT8]) {
    const last = cold.model.filter((p) => p.file === file).at(-1);
    assert.ok(last && last.loaded === last.total && last.total > 0 && !last.cached, `${file} downloaded to the end`);
  }

  await first.page.close();
  const second = await openPage(context);
  const warm = await run(second.page);
  assert.deepEqual(modelRequests(second.requests), [], 'the second page load makes no request for the model');
  assert.ok(warm.model.every((p) => p.cached), 'model progress says the files came from the cache');
  assert.deepEqual(warm.report, cold.report);
  await context.close();
});

test('a corrupted cached model is detected, evicted and fetched again; a bad download is refused and not cached', async () => {
  const context = await browser.newContext();
  const { page, requests } = await openPage(context);
  const result = await page.evaluate(async () => {
    const { createValuator, DEFAULT_MODEL } = window.valuation;
    const first = createValuator({ model: { baseUrl: '/model/' } });
    await first.ready();
    first.dispose();
    const cache = await caches.open(DEFAULT_MODEL.cacheName);
    const url = new URL('/model/model.int8.safetensors', location.href).href;
    const good = new Uint8Array(await (await cache.match(url)).arrayBuffer());
    const bad = good.slice();
    bad[1000] ^= 1;
    await cache.put(url, new Response(bad));
    performance.mark('corrupted');
    const second = createValuator({ model: { baseUrl: '/model/' } });
    const info = await second.ready();
    second.dispose();
    const healed = new Uint8Array(await (await cache.match(url)).arrayBuffer());
    const healedOk = healed.length === good.length && healed.every((b, i) => b === good[i]);

    const third = createValuator({ model: { baseUrl: '/model-bad/' } });
    const error = await third.ready().then(() => null, (e) => ({ name: e.name, code: e.code, message: e.message }));
    third.dispose();
    const badCached = Boolean(await cache.match(new URL('/model-bad/model.int8.safetensors', location.href).href));
    return { info, healedOk, error, badCached, pinned: DEFAULT_MODEL.sha256.int8Weights };
  });
  assert.equal(result.info.weightsSha256, result.pinned);
  assert.equal(result.info.precision, 'int8');
  assert.ok(result.healedOk, 'the cache holds the good weights again');
  const weightFetches = requests.filter((u) => u.endsWith(`/model/${INT8}`));
  assert.equal(new Set(weightFetches).size, 1);
  assert.ok(weightFetches.length >= 2, `weights fetched once to fill the cache and once to heal it (${weightFetches.length})`);
  assert.equal(result.error?.code, 'weights_hash_mismatch', JSON.stringify(result.error));
  assert.equal(result.error?.name, 'ValuationError');
  assert.equal(result.badCached, false, 'a download with the wrong hash is never cached');
  await context.close();
});

test('100 files queued at once all complete, with no main-thread task over 50 ms', async () => {
  const context = await browser.newContext();
  const { page } = await openPage(context);
  const result = await page.evaluate(async () => {
    const { createValuator } = window.valuation;
    // cores - 1 workers (the package's 'auto'): one core stays free for the page.
    const valuator = createValuator({ model: { baseUrl: '/model/' }, workers: 'auto' });
    await valuator.ready();
    const speech = await (await fetch('/data/speech.txt')).text();
    const csv = await (await fetch('/data/documents.csv')).text();
    // Small files (one or a few units each): the test is about the queue, not about model time.
    const words = speech.split(/\s+/);
    const rows = csv.split('\n');
    const files = Array.from({ length: 100 }, (_, i) => (i % 4 === 3
      ? new File([rows.slice(0, 6 + (i % 3)).join('\n')], `table-${i}.csv`)
      : new File([words.slice(i * 7, i * 7 + 40 + (i % 30)).join(' ')], `text-${i}.txt`)));
    // From a fresh task on: the evaluate call's own setup above is the test's work, not the package's.
    await new Promise((r) => setTimeout(r, 0));
    const longTasks = [];
    const started = performance.now();
    const observer = new PerformanceObserver((list) => longTasks.push(...list.getEntries()
      .map((e) => `${Math.round(e.duration)} ms at +${Math.round(e.startTime - started)} ms`)));
    observer.observe({ type: 'longtask' });
    let maxFrameGap = 0;
    let last = performance.now();
    let running = true;
    const frame = (t) => { maxFrameGap = Math.max(maxFrameGap, t - last); last = t; if (running) requestAnimationFrame(frame); };
    requestAnimationFrame(frame);
    const heapBefore = performance.memory?.usedJSHeapSize ?? 0;
    const reports = await Promise.all(files.map((f) => valuator.valuate(f)));
    const seconds = (performance.now() - started) / 1000;
    running = false;
    await new Promise((r) => setTimeout(r, 100));
    observer.disconnect();
    const stats = await valuator.stats();
    const heapAfter = performance.memory?.usedJSHeapSize ?? 0;
    valuator.dispose();
    return { n: reports.length, scores: reports.map((r) => r.score), longTasks, maxFrameGap, seconds, stats,
      heapGrowthMb: (heapAfter - heapBefore) / 2 ** 20 };
  });
  assert.equal(result.n, 100);
  assert.ok(result.scores.every((s) => Number.isInteger(s) && s >= 0 && s <= 100));
  assert.deepEqual(result.longTasks, [], `main-thread tasks over 50 ms: ${result.longTasks}`);
  const wasmMb = result.stats.wasmBytes.map((b) => Math.round(b / 2 ** 20));
  console.log(`# 100 files in ${result.seconds.toFixed(1)} s on ${result.stats.workers} workers; ` +
    `longest frame gap ${result.maxFrameGap.toFixed(0)} ms; wasm memory per worker ${wasmMb.join(', ')} MB; ` +
    `main-thread JS heap growth ${result.heapGrowthMb.toFixed(1)} MB`);
  await context.close();
});

test('cancelling mid-file rejects with an abort error and the next file still succeeds; dispose settles everything', async () => {
  const context = await browser.newContext();
  const { page } = await openPage(context);
  const result = await page.evaluate(async () => {
    const { createValuator } = window.valuation;
    const valuator = createValuator({ model: { baseUrl: '/model/' } });
    await valuator.ready();
    const speech = await (await fetch('/data/speech.txt')).text();
    const big = new File(Array.from({ length: 40 }, (_, i) => `${speech}\n\n(${i})\n\n`), 'big.txt');
    const controller = new AbortController();
    const phases = [];
    const cancelled = valuator.valuate(big, {
      signal: controller.signal,
      onProgress: (p) => { phases.push(p.phase); if (p.phase === 'embed' && p.done > 0) controller.abort(); },
    }).then(() => null, (e) => ({ name: e.name, code: e.code }));
    const queuedController = new AbortController();
    const queued = valuator.valuate(big, { signal: queuedController.signal }).then(() => null, (e) => ({ name: e.name, code: e.code }));
    queuedController.abort();
    const next = await valuator.valuate(new File([speech], 'speech.txt'));
    const out = { cancelled: await cancelled, queued: await queued, next: next.score, phases: [...new Set(phases)] };
    // Disposing settles what is running and queued, and later calls fail at once.
    const running = valuator.valuate(big).then(() => null, (e) => e.code);
    const waiting = valuator.valuate(big).then(() => null, (e) => e.code);
    await new Promise((r) => setTimeout(r, 200));
    valuator.dispose();
    out.disposed = [await running, await waiting, await valuator.ready().then(() => null, (e) => e.code)];
    return out;
  });
  assert.deepEqual(result.cancelled, { name: 'AbortError', code: 'aborted' }, 'a running valuation is cancelled');
  assert.ok(!result.phases.includes('done'), `cancelled before the end: ${result.phases}`);
  assert.deepEqual(result.queued, { name: 'AbortError', code: 'aborted' }, 'a queued valuation is cancelled');
  assert.ok(result.next > 50, `the next file is valued: ${result.next}`);
  assert.deepEqual(result.disposed, ['disposed', 'disposed', 'disposed'], 'dispose settles running and queued work');
  await context.close();
});

test('a panic or out-of-memory inside wasm fails that file alone; the worker is replaced and the queue goes on', async () => {
  const context = await browser.newContext();
  const { page } = await openPage(context);
  const result = await page.evaluate(async () => {
    const { createValuator } = window.valuation;
    const valuator = createValuator({ model: { baseUrl: '/model/' } });
    const speech = await (await fetch('/data/speech.txt')).text();
    const file = new File([speech], 'speech.txt');
    const outcome = (p) => p.then((r) => ({ score: r.score }), (e) => ({ name: e.name, code: e.code, message: e.message }));
    const all = await Promise.all([
      outcome(valuator.valuate(file)),
      outcome(valuator.valuate(file, { crashForTest: 'panic' })),
      outcome(valuator.valuate(file)),
      outcome(valuator.valuate(file, { crashForTest: 'oom' })),
      outcome(valuator.valuate(file)),
    ]);
    valuator.dispose();
    return all;
  });
  const [before, panic, afterPanic, oom, afterOom] = result;
  assert.ok(before.score > 50, JSON.stringify(before));
  assert.equal(panic.code, 'wasm_panic', JSON.stringify(panic));
  assert.match(panic.message, /deliberate panic/);
  assert.equal(afterPanic.score, before.score, 'the file after the panic is valued, identically');
  assert.ok(['out_of_memory', 'wasm_panic'].includes(oom.code), JSON.stringify(oom));
  assert.equal(afterOom.score, before.score, 'the file after running out of memory is valued');
  await context.close();
});

test('the relaxed-SIMD and simd128 builds give the same report; f32 is selectable and named in the report', async () => {
  const context = await browser.newContext();
  const { page, requests } = await openPage(context);
  const result = await page.evaluate(async (domain) => {
    const { createValuator } = window.valuation;
    const bytes = new Uint8Array(await (await fetch('/data/speech.txt')).arrayBuffer());
    const run = async (options) => {
      const valuator = createValuator({ model: { baseUrl: '/model/', ...options.model }, wasm: options.wasm });
      const info = await valuator.ready();
      const report = await valuator.valuate(new File([bytes], 'speech.txt'), { domain });
      valuator.dispose();
      return { info, report };
    };
    const relaxed = await run({ wasm: 'relaxed-simd' });
    const simd128 = await run({ wasm: 'simd128' });
    const auto = await run({});
    const f32 = await run({ model: { precision: 'f32' } });
    const bad = await Promise.resolve().then(() => createValuator({ model: { precision: 'fp16' } })).then(() => null, (e) => ({ name: e.name, code: e.code }));
    return { relaxed, simd128, auto, f32, bad };
  }, DOMAIN);
  assert.equal(result.relaxed.info.wasm, 'relaxed-simd');
  assert.equal(result.simd128.info.wasm, 'simd128');
  assert.equal(result.auto.info.wasm, 'relaxed-simd', 'Chromium has relaxed SIMD, so auto picks it');
  assert.deepEqual(result.relaxed.report, result.simd128.report, 'both builds give the same report');
  const native = JSON.parse(fs.readFileSync(path.join(env('VALUATION_NATIVE_REPORTS'), 'speech.txt.json'), 'utf8'));
  assert.deepEqual(result.simd128.report, native, 'and it is the native CLI report');
  assert.equal(result.f32.report.model.precision, 'f32');
  assert.equal(result.f32.info.weightsSha256, MODEL_SPEC.sha256.weights);
  assert.ok(Math.abs(result.f32.report.score - native.score) <= 1, `f32 ${result.f32.report.score} vs int8 ${native.score}`);
  assert.ok(requests.some((u) => u.endsWith('/model/model.safetensors')), 'f32 fetches the f32 weights');
  assert.deepEqual(result.bad, { name: 'ValuationError', code: 'invalid_option' });
  await context.close();
});

test('one file on two workers: every worker embeds part of its texts and the report is the one-worker report', async () => {
  const context = await browser.newContext();
  const { page } = await openPage(context);
  const result = await page.evaluate(async (domain) => {
    const { createValuator } = window.valuation;
    const names = ['speech.txt', 'documents.csv', 'documents.jsonl'];
    const files = await Promise.all(names.map(async (n) => new File([await (await fetch(`/data/${n}`)).arrayBuffer()], n)));
    const run = async (workers) => {
      const valuator = createValuator({ model: { baseUrl: '/model/' }, workers });
      await valuator.ready({ allWorkers: true }); // the second worker starts after the first: wait for it
      const reports = [];
      const spread = [];
      // One file at a time: the other worker has no file of its own, only this file's texts.
      for (const file of files) {
        const before = (await valuator.stats()).textsEmbedded;
        reports.push(await valuator.valuate(file, { domain }));
        const after = (await valuator.stats()).textsEmbedded;
        spread.push(after.map((n, i) => n - (before[i] ?? 0)));
      }
      valuator.dispose();
      return { reports, spread };
    };
    return { one: await run(1), two: await run(2) };
  }, DOMAIN);
  const names = ['speech.txt', 'documents.csv', 'documents.jsonl'];
  names.forEach((name, i) => {
    const native = JSON.parse(fs.readFileSync(path.join(env('VALUATION_NATIVE_REPORTS'), `${name}.json`), 'utf8'));
    assert.deepEqual(result.one.reports[i], native, `${name}: one worker gives the native report`);
    assert.deepEqual(result.two.reports[i], native, `${name}: two workers give the same report`);
    const [a, b] = result.two.spread[i];
    assert.ok(a > 0 && b > 0, `${name}: both workers embedded some of its texts (${a} and ${b})`);
    assert.equal(a + b, result.one.spread[i][0], `${name}: together exactly the texts one worker embeds`);
  });
  await context.close();
});

test('a wrong model URL on a host that answers with HTML: a clear error, nothing cached; once deployed there, it loads with no clearing', async () => {
  const context = await browser.newContext();
  const { page } = await openPage(context);
  const attempt = () => page.evaluate(async (domain) => {
    const { createValuator, listModelCache } = window.valuation;
    const valuator = createValuator({ model: { baseUrl: '/spa/' } });
    try {
      await valuator.ready();
      const speech = await (await fetch('/data/speech.txt')).arrayBuffer();
      return { report: await valuator.valuate(new File([speech], 'speech.txt'), { domain }), cached: await listModelCache() };
    } catch (e) {
      return { error: { code: e.code, message: e.message }, cached: await listModelCache() };
    } finally {
      valuator.dispose();
    }
  }, DOMAIN);
  const spaEntries = (cached) => cached.filter((c) => c.url.includes('/spa/'));

  const wrong = await attempt();
  assert.equal(wrong.error?.code, 'model_fetch_failed', JSON.stringify(wrong));
  assert.match(wrong.error.message, /got text\/html for .*\/spa\/(config\.json|tokenizer\.json|model\.int8\.safetensors) — check model\.baseUrl/);
  assert.deepEqual(spaEntries(wrong.cached), [], 'a failed check caches nothing');

  // What an older version left behind: an HTML page cached as config.json.
  await page.evaluate(async () => {
    const cache = await caches.open(window.valuation.DEFAULT_MODEL.cacheName);
    await cache.put('/spa/config.json', new Response('<!doctype html><html></html>', { headers: { 'content-type': 'text/html' } }));
  });
  for (const f of ['config.json', 'tokenizer.json', INT8]) fs.copyFileSync(path.join(MODEL, f), path.join(SPA_DIR, f));

  const deployed = await attempt();
  assert.equal(deployed.error, undefined, JSON.stringify(deployed.error));
  const native = JSON.parse(fs.readFileSync(path.join(env('VALUATION_NATIVE_REPORTS'), 'speech.txt.json'), 'utf8'));
  assert.deepEqual(deployed.report, native);
  const cachedNow = spaEntries(deployed.cached).map((c) => [path.basename(c.url), c.bytes]).sort();
  const sizes = ['config.json', INT8, 'tokenizer.json'].map((f) => [f, fs.statSync(path.join(MODEL, f)).size]);
  assert.deepEqual(cachedNow, sizes, 'the three checked files, and the stale HTML page is gone');

  const cleared = await page.evaluate(async () => [await window.valuation.clearModelCache(), await window.valuation.listModelCache()]);
  assert.deepEqual(cleared, [true, []]);
  await context.close();
});

test('a host that compresses on the fly sends no length: progress totals come from the manifest, or are null for a model it does not pin', async () => {
  const context = await browser.newContext();
  const { page } = await openPage(context);
  const runs = await page.evaluate(async () => {
    const run = async (model) => {
      const events = [];
      const valuator = window.valuation.createValuator({ model, onModelProgress: (p) => events.push(p) });
      await valuator.ready();
      valuator.dispose();
      return events;
    };
    return { pinned: await run({ baseUrl: '/gz/', cache: false }), custom: await run({ baseUrl: '/gz/', id: 'my/minilm', cache: false }) };
  });
  const size = fs.statSync(path.join(MODEL, INT8)).size;
  for (const [name, events] of Object.entries(runs)) {
    const weights = events.filter((e) => e.file === INT8);
    assert.ok(weights.length >= 2, `${name}: progress while the weights arrive: ${JSON.stringify(weights)}`);
    const loading = weights.slice(0, -1);
    assert.ok(loading.every((e) => e.loaded > 0 && e.loaded <= size), `${name}: ${JSON.stringify(loading)}`);
    if (name === 'pinned') assert.ok(loading.every((e) => e.total === size), `the pinned size is the total from the start: ${JSON.stringify(loading)}`);
    else assert.ok(loading.every((e) => e.total === null), `unknown total while loading: ${JSON.stringify(loading)}`);
    const last = weights.at(-1);
    assert.equal(last.total, last.loaded, `${name}: the last event has the size`);
    assert.equal(last.loaded, size);
  }
  await context.close();
});

test('a host that sends more than the pinned file is cut off at the pinned size, and nothing is cached', async () => {
  const context = await browser.newContext();
  const { page } = await openPage(context);
  // `/endless` sends each file, then zeros without end: without the size pin this would never settle.
  const result = await page.evaluate(async () => {
    const valuator = window.valuation.createValuator({ model: { baseUrl: '/endless/' } });
    const error = await valuator.ready().then(() => null, (e) => ({ name: e.name, code: e.code, message: e.message }));
    valuator.dispose();
    return { error, cached: await window.valuation.listModelCache() };
  });
  // All three files overflow; whichever is refused first names the error.
  assert.ok(['weights_hash_mismatch', 'model_fetch_failed'].includes(result.error?.code), JSON.stringify(result.error));
  assert.match(result.error.message, /more than the pinned \d+ bytes arrived/);
  assert.deepEqual(result.cached.filter((c) => c.url.includes('/endless/')), []);
  await context.close();
});
