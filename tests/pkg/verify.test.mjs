// The package under Node: importing it touches no browser API, and verify() re-computes a report
// from the original bytes: true for the browser-made report of those bytes (written by
// browser.test.mjs), false for a tampered report or tampered bytes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../..');
const DOMAIN = 'The government of the United States: Congress, the economy and public policy.';
const modelDir = process.env.VALUATION_MODEL_DIR;
const browserReport = path.join(ROOT, 'target/pkg-tests/browser-report-speech.json');

test('importing the browser entry under Node has no side effects', async () => {
  const pkg = await import('@dataunion/valuation');
  assert.equal(typeof pkg.createValuator, 'function');
  assert.equal(typeof globalThis.Worker, 'undefined', 'nothing was polyfilled or started');
});

test('verify() accepts the browser-made report of the same bytes and rejects tampering', async () => {
  assert.ok(modelDir, 'VALUATION_MODEL_DIR is not set (tests/pkg/run.sh sets it)');
  assert.ok(fs.existsSync(browserReport), `${browserReport} is missing: browser.test.mjs writes it`);
  const { createNodeValuator, verify } = await import('@dataunion/valuation/node');
  const bytes = fs.readFileSync(path.join(ROOT, 'tests/data/score/speech.txt'));
  const report = JSON.parse(fs.readFileSync(browserReport, 'utf8'));

  assert.equal(await verify(bytes, report, { modelDir, domain: DOMAIN }), true);

  const valuator = await createNodeValuator({ modelDir });
  try {
    assert.equal(valuator.verify(bytes, { ...report, score: report.score - 1 }, { domain: DOMAIN }), false, 'a changed score');
    const subscores = structuredClone(report.subscores);
    subscores.quality.measurements.c4.lines = subscores.quality.measurements.c4.lines + 1;
    assert.equal(valuator.verify(bytes, { ...report, subscores }, { domain: DOMAIN }), false, 'a changed measurement');
    const tampered = Buffer.concat([bytes, Buffer.from('\nOne more line.\n')]);
    assert.equal(valuator.verify(tampered, report, { domain: DOMAIN }), false, 'other bytes');
    assert.equal(valuator.verify(bytes, report, { domain: 'Whaling in the nineteenth century.' }), false, 'another domain');
    assert.equal(valuator.verify(bytes, report, { domain: DOMAIN }), true);
  } finally {
    valuator.dispose();
  }
});

test('easy mistakes get typed errors that say what to do', async () => {
  assert.ok(modelDir, 'VALUATION_MODEL_DIR is not set (tests/pkg/run.sh sets it)');
  const { createValuator, createSubmitter } = await import('@dataunion/valuation');
  // Server rendering: no Worker.
  assert.throws(() => createValuator(), (e) => e.code === 'not_in_browser' && /useEffect/.test(e.message));
  const submitter = createSubmitter({ supabaseUrl: 'http://127.0.0.1:9', anonKey: 'k', outbox: false, flushOnStart: false });
  await assert.rejects(submitter.submit({}, { datasetId: 'd' }), (e) => e.code === 'not_in_browser');
  submitter.dispose();

  const { createNodeValuator } = await import('@dataunion/valuation/node');
  await assert.rejects(createNodeValuator({ modelDir: '/nonexistent/model' }),
    (e) => e.code === 'model_not_found' && e.message.includes('/nonexistent/model has no config.json'));

  const valuator = await createNodeValuator({ modelDir });
  const text = fs.readFileSync(path.join(ROOT, 'tests/data/score/speech.txt'), 'utf8');
  const bytes = new TextEncoder().encode(text);
  const options = { domain: DOMAIN, model: false };
  const fromBytes = valuator.valuate(bytes, options);
  assert.deepEqual(valuator.valuate(text, options), fromBytes, 'a string is its UTF-8 bytes');
  assert.deepEqual(valuator.valuate(bytes.buffer.slice(0), options), fromBytes, 'an ArrayBuffer');
  assert.deepEqual(valuator.valuate(Buffer.from(bytes), options), fromBytes, 'a Buffer');
  assert.throws(() => valuator.valuate(42), (e) => e.code === 'invalid_argument');
  assert.throws(() => valuator.valuate(bytes, { sampleSize: -1 }),
    (e) => e.code === 'invalid_option' && e.message === 'sampleSize must be an integer from 1 to 4096, got -1');
  assert.throws(() => valuator.valuate(bytes, { domain: 7 }),
    (e) => e.code === 'invalid_option' && e.message === 'domain must be a string, got 7');
  valuator.dispose();
  valuator.dispose(); // twice is harmless
  assert.throws(() => valuator.valuate(bytes), (e) => e.code === 'disposed');
});

test('fetch-model writes a checked model folder from the package, a URL or a folder, and nothing on a bad source', async () => {
  assert.ok(modelDir, 'VALUATION_MODEL_DIR is not set (tests/pkg/run.sh sets it)');
  const { spawnSync } = await import('node:child_process');
  const { OUT, startServer } = await import('./harness.mjs');
  const bin = path.join(import.meta.dirname, 'node_modules/.bin/dataunion-valuation');
  const run = (...args) => spawnSync(bin, args, { encoding: 'utf8' });
  const sha = async (file) => (await import('node:crypto')).createHash('sha256').update(fs.readFileSync(file)).digest('hex');
  const { DEFAULT_MODEL: MODEL_SPEC } = await import('@dataunion/valuation');
  const fresh = (name) => {
    const dir = path.join(OUT, 'fetch-model', name);
    fs.rmSync(dir, { recursive: true, force: true });
    return dir;
  };
  const emptyHost = fresh('empty-host');
  fs.mkdirSync(emptyHost, { recursive: true });
  const { server, base } = await startServer('fetch-model', { '/model': modelDir, '/spa': `${emptyHost}@spa` });
  try {
    // From the package's own copy: no network at all.
    const own = fresh('own');
    let r = run('fetch-model', own);
    assert.equal(r.status, 0, r.stderr);
    for (const role of ['config', 'tokenizer', 'int8Weights']) {
      assert.equal(await sha(path.join(own, MODEL_SPEC.files[role])), MODEL_SPEC.sha256[role], role);
    }
    assert.match(r.stdout, /createValuator\(\{ model: \{ baseUrl: '\/model\/' \} \}\)/);

    // From a URL, f32.
    const f32 = fresh('f32');
    r = run('fetch-model', f32, '--precision', 'f32', '--from', `${base}/model/`);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(await sha(path.join(f32, 'model.safetensors')), MODEL_SPEC.sha256.weights);

    // From a host that answers every path with an HTML page: refused by its size (the manifest's),
    // before hashing, and nothing written.
    const bad = fresh('bad');
    r = run('fetch-model', bad, '--from', `${base}/spa/`);
    assert.equal(r.status, 1);
    const configBytes = fs.statSync(path.join(modelDir, 'config.json')).size;
    assert.match(r.stderr, new RegExp(`config\\.json: \\d+ bytes, expected ${configBytes} — not `));
    assert.deepEqual(fs.readdirSync(bad), [], 'no file, not even a partial one');

    r = run('fetch-modle', bad);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /unknown command fetch-modle\nusage:/);
  } finally {
    server.kill();
  }
});

test('the async Node valuator: worker_threads, the sync report, progress, cancel, two threads on one file', async () => {
  assert.ok(modelDir, 'VALUATION_MODEL_DIR is not set (tests/pkg/run.sh sets it)');
  const { createValuator, createNodeValuator } = await import('@dataunion/valuation/node');
  const bytes = fs.readFileSync(path.join(ROOT, 'tests/data/score/speech.txt'));
  const sync = await createNodeValuator({ modelDir });
  const want = sync.valuate(bytes, { domain: DOMAIN });
  sync.dispose();

  // No modelDir: the CLI's cache (or the package's own int8 files), as a newcomer would start.
  const valuator = await createValuator({ workers: 2 });
  try {
    const progress = [];
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    const report = await valuator.valuate(bytes, { domain: DOMAIN, onProgress: (p) => progress.push(p) });
    clearInterval(timer);
    assert.deepEqual(report, want, 'the same report as the synchronous valuator');
    assert.ok(ticks > 3, `the event loop stayed free while valuing (${ticks} timer ticks)`);
    const fractions = progress.map((p) => p.fraction);
    assert.ok(fractions.every((f, i) => i === 0 || f >= fractions[i - 1]), `in order: ${fractions}`);
    assert.deepEqual(progress.at(-1), { phase: 'done', done: 1, total: 1, fraction: 1 });
    const stats = await valuator.stats();
    assert.equal(stats.workers, 2);
    assert.ok(stats.textsEmbedded.every((n) => n > 0), `both threads embedded part of the file: ${stats.textsEmbedded}`);

    const big = Buffer.concat(Array.from({ length: 20 }, (_, i) => Buffer.concat([bytes, Buffer.from(`\n\n(${i})\n\n`)])));
    const controller = new AbortController();
    const cancelled = valuator.valuate(big, {
      signal: controller.signal,
      onProgress: (p) => p.phase === 'embed' && p.done > 0 && controller.abort(),
    });
    await assert.rejects(cancelled, (e) => e.name === 'AbortError' && e.code === 'aborted');
    assert.deepEqual(await valuator.valuate(bytes.toString('utf8'), { domain: DOMAIN }), want, 'and the next file goes on');
    await assert.rejects(valuator.valuate(bytes, { sampleSize: 0 }), (e) => e.code === 'invalid_option');
  } finally {
    valuator.dispose();
  }
  await assert.rejects(valuator.valuate(bytes), (e) => e.code === 'disposed');
});
