// The pool's message protocol under every interleaving we can provoke: the package's own Pool
// (as installed) drives scripted workers that answer in order, each after a seeded random delay,
// so answers cross the way they do between real workers: a file's 'result' can come back while a
// slice of another file that the same worker was given afterwards is still being embedded. Every
// file must settle with its vectors in order, whatever the worker count; a run that stalls fails
// with the pool's state instead of hanging (a lost slice used to hang CI on a 4-core browser).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { PKG } from './harness.mjs';

const { Pool } = await import(path.join(PKG, 'pool.js'));

/** Mulberry32: a small seeded PRNG, so a failing seed can be replayed. */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/**
 * A worker that handles its messages one at a time, in arrival order, as a Web Worker does, and
 * answers the way worker.js does. A file's content is its number of texts; text i embeds to [i].
 */
function scriptedWorker(random) {
  const inbox = [];
  const awaiting = new Map(); // file id → its texts count, until the vectors come
  let running = false;
  const worker = {
    onmessage: null,
    onerror: null,
    terminated: false,
    postMessage(msg) {
      inbox.push(msg);
      if (!running) run();
    },
    terminate() {
      worker.terminated = true;
    },
  };
  const reply = (data) => { if (!worker.terminated) worker.onmessage?.({ data }); };
  async function run() {
    running = true;
    while (inbox.length && !worker.terminated) {
      await new Promise((r) => setTimeout(r, Math.floor(random() * 3)));
      const msg = inbox.shift();
      if (msg.type === 'init') reply({ type: 'ready', model: { id: 'scripted' } });
      else if (msg.type === 'stats') reply({ type: 'stats', wasmBytes: 0 });
      else if (msg.type === 'valuate') {
        const count = Number(await msg.blob.text());
        awaiting.set(msg.id, count);
        reply({ type: 'texts', id: msg.id, texts: Array.from({ length: count }, (_, i) => String(i)) });
      } else if (msg.type === 'embed') {
        reply({ type: 'embedded', id: msg.id, chunk: msg.chunk, vectors: Float32Array.from(msg.texts, Number) });
      } else if (msg.type === 'vectors') {
        if (awaiting.delete(msg.id)) reply({ type: 'result', id: msg.id, report: JSON.stringify(Array.from(msg.vectors)) });
      } else if (msg.type === 'cancel') {
        if (awaiting.delete(msg.id)) reply({ type: 'error', id: msg.id, error: { code: 'aborted', message: 'aborted' } });
      }
    }
    running = false;
  }
  return worker;
}

function poolState(pool) {
  return JSON.stringify({
    queue: pool.queue.map((j) => j.id),
    embedding: pool.embedding.map((j) => ({ id: j.id, pending: j.pending, partsLeft: j.partsLeft })),
    slots: pool.slots.map((s) => ({ ready: s.ready, analyzing: s.analyzing, job: s.job?.id, chunk: s.chunk && [s.chunk.job.id, s.chunk.index] })),
  });
}

test('every file settles with its vectors in order, whatever the worker count and the order answers arrive in', async () => {
  for (let seed = 1; seed <= 150; seed++) {
    const random = prng(seed);
    const size = 1 + (seed % 4);
    const pool = new Pool({ size, spawn: () => scriptedWorker(random), model: {}, embed: { batch_size: 4 }, wasm: 'auto' });
    await pool.ready();
    const counts = Array.from({ length: 12 }, () => Math.floor(random() * 30));
    // Some files are cancelled part-way: the others must still complete.
    const cancels = counts.map(() => (random() < 0.15 ? new AbortController() : null));
    const runs = counts.map((n, i) => pool.submit(String(n), { signal: cancels[i]?.signal }).then(
      (report) => ({ report }), (error) => ({ error })));
    cancels.forEach((c) => c && setTimeout(() => c.abort(), Math.floor(random() * 20)));
    let timer;
    const stalled = new Promise((resolve) => { timer = setTimeout(resolve, 10_000, 'stalled'); });
    const outcome = await Promise.race([Promise.all(runs), stalled]);
    clearTimeout(timer);
    if (outcome === 'stalled') assert.fail(`seed ${seed}, ${size} workers: files never settled; pool ${poolState(pool)}`);
    outcome.forEach(({ report, error }, i) => {
      if (error) {
        assert.ok(cancels[i], `seed ${seed}: file ${i} failed without being cancelled: ${error.message}`);
        assert.equal(error.code, 'aborted', `seed ${seed}: file ${i}`);
      } else {
        assert.deepEqual(report, Array.from({ length: counts[i] }, (_, k) => k), `seed ${seed}, ${size} workers: file ${i}`);
      }
    });
    pool.dispose();
  }
});
