// Model files for the worker, with byte progress, kept in Cache Storage so later page loads make
// no request. Nothing enters the cache unchecked: all three files are checked first (size and
// SHA-256 for the default model, from the manifest that valuation-core's ModelSpec owns; for a custom one, that each parses as what it should be), and only when all
// pass are the downloaded ones cached. A cached copy that fails its check is evicted and fetched
// again, so even a cache filled by an older version with a wrong URL's HTML page heals itself.
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
  // A pinned size goes with its pinned hash: a file whose hash the caller re-pins has no size.
  const bytes = (role) => (sameModel && spec.sha256?.[role] === undefined ? MODEL_SPEC.bytes[role] : undefined);
  return {
    id: spec.id ?? DEFAULT_MODEL.id,
    precision,
    baseUrl: bundled ? null : base,
    // role → [file name for progress, URL, expected SHA-256 or undefined, expected size or undefined]
    sources: {
      config: [files.config, urls.config, sha256.config, bytes('config')],
      tokenizer: [files.tokenizer, urls.tokenizer, sha256.tokenizer, bytes('tokenizer')],
      weights: [files[weightsRole], urls[weightsRole], sha256[weightsRole], bytes(weightsRole)],
    },
    cacheName: spec.cache === false ? null : (spec.cacheName ?? DEFAULT_MODEL.cacheName),
  };
}

/** SHA-256 as 64 lowercase hex digits, by the platform's `crypto.subtle`. */
export async function sha256Hex(bytes) {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** The error for a file that is not the pinned one: for the weights, a hash mismatch. */
function notThisFile(role, [file, url], why) {
  if (role === 'weights') return new ValuationError('weights_hash_mismatch', `${file}: ${why}`);
  return new ValuationError('model_fetch_failed', `${url}: ${why} — not this model's ${file}`);
}

async function download(role, [file, url, , size], onProgress) {
  let response;
  try {
    response = await fetch(url);
  } catch (e) {
    throw new ValuationError('model_fetch_failed', `${url}: ${e.message}`);
  }
  if (!response.ok) throw new ValuationError('model_fetch_failed', `${url}: HTTP ${response.status}`);
  const contentType = response.headers.get('content-type') ?? '';
  // Checked before the body is read: a wrong URL's page need not arrive whole to be refused.
  if (looksLikeHtml(new Uint8Array(0), contentType)) throw htmlError(file, url);
  // The pinned size is exact; content-length is the size on the wire, which a compressing host
  // drops (then the total is unknown, null, not "loaded").
  const total = size ?? (Number(response.headers.get('content-length')) || null);
  const chunks = [];
  let loaded = 0;
  let last = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    loaded += value.length;
    // A host that sends more than the pinned file (a wrong file, or one without end) is cut off.
    if (size !== undefined && loaded > size) {
      reader.cancel().catch(() => {});
      throw notThisFile(role, [file, url], `more than the pinned ${size} bytes arrived`);
    }
    const now = performance.now();
    if (now - last > 50) {
      onProgress({ file, loaded, total: total === null ? null : Math.max(total, loaded), cached: false });
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
  return { bytes, contentType };
}

/** An HTML page where a model file should be: what a wrong URL on most hosts answers with. */
function looksLikeHtml(bytes, contentType) {
  if (/^\s*text\/html/i.test(contentType)) return true;
  const head = new TextDecoder().decode(bytes.subarray(0, 64)).trimStart().toLowerCase();
  return head.startsWith('<!doctype') || head.startsWith('<html');
}

function parsesAsJsonObject(bytes) {
  try {
    const value = JSON.parse(new TextDecoder().decode(bytes));
    return value !== null && typeof value === 'object' && !Array.isArray(value);
  } catch {
    return false;
  }
}

/** A safetensors file starts with its JSON header's length (u64, little-endian), then `{`. */
function looksLikeSafetensors(bytes) {
  if (bytes.length < 10) return false;
  const length = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
  return length > 0n && length <= BigInt(bytes.length - 8) && bytes[8] === 0x7b;
}

function htmlError(file, url) {
  return new ValuationError('model_fetch_failed', `got text/html for ${url} — check model.baseUrl (is ${file} deployed there?)`);
}

/** Throws the error that says what is wrong with a model file, if anything is. */
async function checkFile(role, source, bytes, contentType = '') {
  const [file, url, hash, size] = source;
  if (looksLikeHtml(bytes, contentType)) throw htmlError(file, url);
  if (size !== undefined && bytes.length !== size) {
    throw notThisFile(role, source, `expected ${size} bytes, got ${bytes.length}`);
  }
  const expected = hash?.toLowerCase();
  if (expected) {
    const actual = await sha256Hex(bytes);
    if (actual === expected) return;
    throw notThisFile(role, source, `expected sha256 ${expected}, got ${actual}`);
  }
  const ok = role === 'weights' ? looksLikeSafetensors(bytes) : parsesAsJsonObject(bytes);
  if (!ok) {
    const what = role === 'weights' ? 'a safetensors file' : 'a JSON object';
    throw new ValuationError('model_fetch_failed', `${url} is not ${what} — check model.baseUrl and model.files`);
  }
}

/** The cached copy if it passes its check (a failing one is evicted), else undefined. */
async function fromCache(role, source, cache) {
  const url = source[1];
  // The cache only saves downloads: any failure of it (storage blocked, quota) counts as a miss.
  const hit = cache && (await cache.match(url).then((r) => r?.arrayBuffer(), () => undefined).catch(() => undefined));
  if (!hit) return undefined;
  const bytes = new Uint8Array(hit);
  try {
    await checkFile(role, source, bytes);
    return bytes;
  } catch {
    await cache.delete(url).catch(() => {});
    return undefined;
  }
}

async function loadFile(model, role, cache, onProgress) {
  const source = model.sources[role];
  const [file, url] = source;
  const cached = await fromCache(role, source, cache);
  if (cached) {
    onProgress({ file, loaded: cached.length, total: cached.length, cached: true });
    return { bytes: cached, fresh: false, url };
  }
  const { bytes, contentType } = await download(role, source, onProgress);
  await checkFile(role, source, bytes, contentType);
  return { bytes, fresh: true, url };
}

/** Returns {config, tokenizer, weights} as Uint8Arrays. Caches downloads only once all three pass. */
export async function loadModel(spec, onProgress = () => {}) {
  const model = resolveModel(spec);
  const cache = model.cacheName && typeof caches !== 'undefined' ? await caches.open(model.cacheName).catch(() => null) : null;
  const [config, tokenizer, weights] = await Promise.all(
    ['config', 'tokenizer', 'weights'].map((role) => loadFile(model, role, cache, onProgress)));
  if (cache) {
    await Promise.all([config, tokenizer, weights].filter((f) => f.fresh).map((f) =>
      cache.put(f.url, new Response(f.bytes, { headers: { 'content-type': 'application/octet-stream' } })).catch(() => {})));
  }
  return { model, config: config.bytes, tokenizer: tokenizer.bytes, weights: weights.bytes };
}

/** Deletes the package's model cache (or `cacheName`'s); true if there was one. */
export async function clearModelCache(cacheName = DEFAULT_MODEL.cacheName) {
  if (typeof caches === 'undefined') return false;
  return caches.delete(cacheName);
}

/** What the model cache holds: one `{ url, bytes }` per file. */
export async function listModelCache(cacheName = DEFAULT_MODEL.cacheName) {
  if (typeof caches === 'undefined' || !(await caches.has(cacheName))) return [];
  const cache = await caches.open(cacheName);
  const requests = await cache.keys();
  return Promise.all(requests.map(async (request) => {
    const response = await cache.match(request);
    return { url: request.url, bytes: (await response.arrayBuffer()).byteLength };
  }));
}
