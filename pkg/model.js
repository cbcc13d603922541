// Model files for the worker, with byte progress, kept in Cache Storage so later page loads make
// no request, and checked against expected SHA-256s: a mismatching cached copy is evicted and
// fetched again, a mismatching download is refused and never cached.
// Where they come from: int8 (the default) — the copies shipped inside this package (bundlers
// emit them as assets of the app, so the contributor's browser asks no third party); f32 — the
// Hugging Face hub. A `baseUrl` takes every file from there instead (your own CDN).

import { ValuationError } from './errors.js';
import { MODEL_SPEC } from './model-spec.js';

export const DEFAULT_MODEL = Object.freeze({
  id: MODEL_SPEC.id,
  precision: 'int8',
  baseUrl: MODEL_SPEC.baseUrl,
  files: Object.freeze({ ...MODEL_SPEC.files }),
  sha256: Object.freeze({ ...MODEL_SPEC.sha256 }),
  cacheName: 'dataunion-valuation-models-v1',
});

// The package's own copies. Each URL is written out in full: that is the form webpack, Turbopack
// and Vite recognise and emit as an asset.
function bundledUrls() {
  return {
    config: new URL('./model/config.json', import.meta.url).href,
    tokenizer: new URL('./model/tokenizer.json', import.meta.url).href,
    int8Weights: new URL('./model/model.int8.safetensors', import.meta.url).href,
  };
}

/** The precision asked for, or `invalid_option` (the names come from the Rust `Precision`). */
export function checkPrecision(precision = DEFAULT_MODEL.precision) {
  if (!MODEL_SPEC.precisions.includes(precision)) {
    const names = MODEL_SPEC.precisions.map((p) => JSON.stringify(p)).join(' or ');
    throw new ValuationError('invalid_option', `model.precision must be ${names}, not ${JSON.stringify(precision)}`);
  }
  return precision;
}

/** Fills in defaults. The default weights hashes apply only to the default model. */
export function resolveModel(spec = {}) {
  const sameModel = spec.id === undefined || spec.id === DEFAULT_MODEL.id;
  const precision = checkPrecision(spec.precision);
  const files = { ...DEFAULT_MODEL.files, ...spec.files };
  const weightsRole = precision === 'int8' ? 'int8Weights' : 'weights';
  const bundled = spec.baseUrl === undefined && precision === 'int8' && sameModel;
  const baseUrl = String(spec.baseUrl ?? DEFAULT_MODEL.baseUrl);
  const base = baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`;
  const urlOf = (file) => new URL(file, base).href;
  const urls = bundled
    ? bundledUrls()
    : { config: urlOf(files.config), tokenizer: urlOf(files.tokenizer), [weightsRole]: urlOf(files[weightsRole]) };
  const sha256 = { ...(sameModel ? DEFAULT_MODEL.sha256 : {}), ...spec.sha256 };
  return {
    id: spec.id ?? DEFAULT_MODEL.id,
    precision,
    baseUrl: bundled ? null : base,
    // role → [file name for progress, URL, expected SHA-256 or undefined]
    sources: {
      config: [files.config, urls.config, sha256.config],
      tokenizer: [files.tokenizer, urls.tokenizer, sha256.tokenizer],
      weights: [files[weightsRole], urls[weightsRole], sha256[weightsRole]],
    },
    cacheName: spec.cache === false ? null : (spec.cacheName ?? DEFAULT_MODEL.cacheName),
  };
}

async function sha256Hex(bytes) {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}

async function download(url, file, onProgress) {
  let response;
  try {
    response = await fetch(url);
  } catch (e) {
    throw new ValuationError('model_fetch_failed', `${url}: ${e.message}`);
  }
  if (!response.ok) throw new ValuationError('model_fetch_failed', `${url}: HTTP ${response.status}`);
  const total = Number(response.headers.get('content-length')) || 0;
  const chunks = [];
  let loaded = 0;
  let last = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    loaded += value.length;
    const now = performance.now();
    if (now - last > 50) {
      onProgress({ file, loaded, total: Math.max(total, loaded), cached: false });
      last = now;
    }
  }
  const bytes = new Uint8Array(loaded);
  let offset = 0;
  for (const c of chunks) {
    bytes.set(c, offset);
    offset += c.length;
  }
  onProgress({ file, loaded, total: loaded, cached: false });
  return bytes;
}

async function loadFile(model, role, cache, onProgress) {
  const [file, url, hash] = model.sources[role];
  const expected = hash?.toLowerCase();
  // The cache only saves downloads: any failure of it (storage blocked, quota) counts as a miss.
  const hit = cache && (await cache.match(url).then((r) => r?.arrayBuffer(), () => undefined).catch(() => undefined));
  if (hit) {
    const bytes = new Uint8Array(hit);
    if (!expected || (await sha256Hex(bytes)) === expected) {
      onProgress({ file, loaded: bytes.length, total: bytes.length, cached: true });
      return bytes;
    }
    await cache.delete(url).catch(() => {});
  }
  const bytes = await download(url, file, onProgress);
  if (expected) {
    const actual = await sha256Hex(bytes);
    if (actual !== expected) {
      throw new ValuationError('weights_hash_mismatch', `${file}: expected sha256 ${expected}, got ${actual}`);
    }
  }
  if (cache) {
    await cache.put(url, new Response(bytes, { headers: { 'content-type': 'application/octet-stream' } })).catch(() => {});
  }
  return bytes;
}

/** Returns {config, tokenizer, weights} as Uint8Arrays. */
export async function loadModel(spec, onProgress = () => {}) {
  const model = resolveModel(spec);
  const cache = model.cacheName && typeof caches !== 'undefined' ? await caches.open(model.cacheName).catch(() => null) : null;
  const [config, tokenizer, weights] = await Promise.all(
    ['config', 'tokenizer', 'weights'].map((role) => loadFile(model, role, cache, onProgress)));
  return { model, config, tokenizer, weights };
}
