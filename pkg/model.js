// @ts-check
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

/** @import { ModelSource, ModelProgress } from './api.js' */
/** @import { Precision } from './types/report.js' */
/** @typedef {'config' | 'tokenizer' | 'weights' | 'int8Weights'} FileRole */
/** @typedef {[file: string, url: string, sha256: string | undefined, bytes: number | undefined]} FileSource */
/**
 * A model source with its defaults filled in: where each of the three files comes from.
 * @typedef {{ id: string, precision: Precision, baseUrl: string | null,
 *   sources: Record<'config' | 'tokenizer' | 'weights', FileSource>, cacheName: string | null }} ResolvedModel
 */
/** @typedef {(progress: ModelProgress) => void} OnModelProgress */

/** @type {Readonly<Required<Omit<ModelSource, 'cache'>>>} */
export const DEFAULT_MODEL = Object.freeze({
  id: MODEL_SPEC.id,
  precision: /** @type {Precision} */ ('int8'),
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

/**
 * The precision asked for, or `invalid_option` (the names come from the Rust `Precision`).
 * @param {unknown} [precision]
 * @returns {Precision}
 */
export function checkPrecision(precision = DEFAULT_MODEL.precision) {
  // The cast only lets includes() take it: the check is what makes it a Precision.
  if (!MODEL_SPEC.precisions.includes(/** @type {string} */ (precision))) {
    const names = MODEL_SPEC.precisions.map((p) => JSON.stringify(p)).join(' or ');
    throw new ValuationError('invalid_option', `model.precision must be ${names}, not ${JSON.stringify(precision)}`);
  }
  return /** @type {Precision} */ (precision);
}

/**
 * A caller's per-file entries without those left undefined, which mean "the default" as they do
 * for every other option, not "none": `sha256: { weights: undefined }` must not unpin the weights.
 * @template {object} T
 * @param {T | undefined} entries
 * @returns {Partial<T>}
 */
function given(entries) {
  return /** @type {Partial<T>} */ (Object.fromEntries(Object.entries(entries ?? {}).filter(([, v]) => v !== undefined)));
}

/**
 * Fills in defaults. The default weights hashes apply only to the default model.
 * @param {ModelSource} [spec]
 * @returns {ResolvedModel}
 */
export function resolveModel(spec = {}) {
  const sameModel = spec.id === undefined || spec.id === DEFAULT_MODEL.id;
  const precision = checkPrecision(spec.precision);
  // Every role has a name: the defaults name all four.
  const files = /** @type {Record<FileRole, string>} */ ({ ...DEFAULT_MODEL.files, ...given(spec.files) });
  const weightsRole = precision === 'int8' ? 'int8Weights' : 'weights';
  const bundled = spec.baseUrl === undefined && precision === 'int8' && sameModel;
  const baseUrl = String(spec.baseUrl ?? DEFAULT_MODEL.baseUrl);
  const base = baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`;
  const urlOf = (/** @type {string} */ file) => new URL(file, base).href;
  /** @type {Partial<Record<FileRole, string>>} */
  const urls = bundled
    ? bundledUrls()
    : { config: urlOf(files.config), tokenizer: urlOf(files.tokenizer), [weightsRole]: urlOf(files[weightsRole]) };
  /** @type {Partial<Record<FileRole, string>>} */
  const repinned = given(spec.sha256);
  const sha256 = { ...(sameModel ? DEFAULT_MODEL.sha256 : {}), ...repinned };
  // A pinned size goes with its pinned hash: a file whose hash the caller re-pins has no size.
  const bytes = (/** @type {FileRole} */ role) =>
    (sameModel && repinned[role] === undefined ? MODEL_SPEC.bytes[role] : undefined);
  return {
    id: spec.id ?? DEFAULT_MODEL.id,
    precision,
    baseUrl: bundled ? null : base,
    // role → [file name for progress, URL, expected SHA-256 or undefined, expected size or undefined]
    sources: {
      // Each role's URL is set above (the bundled ones for the default int8 model).
      config: [files.config, /** @type {string} */ (urls.config), sha256.config, bytes('config')],
      tokenizer: [files.tokenizer, /** @type {string} */ (urls.tokenizer), sha256.tokenizer, bytes('tokenizer')],
      weights: [files[weightsRole], /** @type {string} */ (urls[weightsRole]), sha256[weightsRole], bytes(weightsRole)],
    },
    cacheName: spec.cache === false ? null : (spec.cacheName ?? DEFAULT_MODEL.cacheName),
  };
}

/**
 * SHA-256 as 64 lowercase hex digits, by the platform's `crypto.subtle`.
 * @param {Uint8Array} bytes
 * @returns {Promise<string>}
 */
export async function sha256Hex(bytes) {
  // The cast: these bytes are never on a SharedArrayBuffer (digest refuses those).
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', /** @type {Uint8Array<ArrayBuffer>} */ (bytes)));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * The error for a file that is not the pinned one: for the weights, a hash mismatch.
 * @param {keyof ResolvedModel['sources']} role
 * @param {FileSource} source
 * @param {string} why
 */
function notThisFile(role, [file, url], why) {
  if (role === 'weights') return new ValuationError('weights_hash_mismatch', `${file}: ${why}`);
  return new ValuationError('model_fetch_failed', `${url}: ${why} — not this model's ${file}`);
}

/**
 * @param {keyof ResolvedModel['sources']} role
 * @param {FileSource} source
 * @param {OnModelProgress} onProgress
 * @returns {Promise<{ bytes: Uint8Array, contentType: string }>}
 */
async function download(role, source, onProgress) {
  const [file, url, , size] = source;
  let response;
  try {
    response = await fetch(url);
  } catch (e) {
    throw new ValuationError('model_fetch_failed', `${url}: ${/** @type {Error} */ (e).message}`); // fetch rejects with a TypeError
  }
  if (!response.ok) throw new ValuationError('model_fetch_failed', `${url}: HTTP ${response.status}`);
  const contentType = response.headers.get('content-type') ?? '';
  // Checked before the body is read: a wrong URL's page need not arrive whole to be refused.
  if (HTML_TYPE.test(contentType)) throw htmlError(file, url);
  // The pinned size is exact; content-length is the size on the wire, which a compressing host
  // drops (then the total is unknown, null, not "loaded").
  const total = size ?? (Number(response.headers.get('content-length')) || null);
  /** @type {Uint8Array[]} */
  const chunks = [];
  let loaded = 0;
  let last = 0;
  // A null body (204, 205): no bytes, not a crash in the worker (which said `internal`).
  if (!response.body) throw new ValuationError('model_fetch_failed', `${url}: HTTP ${response.status} without a body`);
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    loaded += value.length;
    // A host that sends more than the pinned file (a wrong file, or one without end) is cut off.
    if (size !== undefined && loaded > size) {
      reader.cancel().catch(() => {});
      throw notThisFile(role, source, `more than the pinned ${size} bytes arrived`);
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

/** A page's content type: refused from the headers alone, before the body is read. */
const HTML_TYPE = /^\s*text\/html/i;

/**
 * An HTML page where a model file should be: what a wrong URL on most hosts answers with.
 * @param {Uint8Array} bytes
 * @param {string} contentType
 */
function looksLikeHtml(bytes, contentType) {
  if (HTML_TYPE.test(contentType)) return true;
  const head = new TextDecoder().decode(bytes.subarray(0, 64)).trimStart().toLowerCase();
  return head.startsWith('<!doctype') || head.startsWith('<html');
}

/** @param {Uint8Array} bytes */
function parsesAsJsonObject(bytes) {
  try {
    const value = JSON.parse(new TextDecoder().decode(bytes));
    return value !== null && typeof value === 'object' && !Array.isArray(value);
  } catch {
    return false;
  }
}

/** A safetensors file starts with its JSON header's length (u64, little-endian), then `{`. */
/** @param {Uint8Array} bytes */
function looksLikeSafetensors(bytes) {
  if (bytes.length < 10) return false;
  const length = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
  return length > 0n && length <= BigInt(bytes.length - 8) && bytes[8] === 0x7b;
}

/**
 * @param {string} file
 * @param {string} url
 */
function htmlError(file, url) {
  return new ValuationError('model_fetch_failed', `got text/html for ${url} — check model.baseUrl (is ${file} deployed there?)`);
}

/** Throws the error that says what is wrong with a model file, if anything is. */
/**
 * @param {keyof ResolvedModel['sources']} role
 * @param {FileSource} source
 * @param {Uint8Array} bytes
 * @param {string} [contentType]
 */
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
/**
 * @param {keyof ResolvedModel['sources']} role
 * @param {FileSource} source
 * @param {Cache | null} cache
 * @returns {Promise<Uint8Array | undefined>}
 */
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
    await /** @type {Cache} */ (cache).delete(url).catch(() => {}); // a hit came from it
    return undefined;
  }
}

/**
 * @param {ResolvedModel} model
 * @param {keyof ResolvedModel['sources']} role
 * @param {Cache | null} cache
 * @param {OnModelProgress} onProgress
 */
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

/**
 * Returns {config, tokenizer, weights} as Uint8Arrays. Caches downloads only once all three pass.
 * @param {ModelSource | undefined} spec
 * @param {OnModelProgress} [onProgress]
 * @returns {Promise<{ model: ResolvedModel, config: Uint8Array, tokenizer: Uint8Array, weights: Uint8Array }>}
 */
export async function loadModel(spec, onProgress = () => {}) {
  const model = resolveModel(spec);
  const cache = model.cacheName && typeof caches !== 'undefined' ? await caches.open(model.cacheName).catch(() => null) : null;
  const [config, tokenizer, weights] = await Promise.all(
    /** @type {const} */ (['config', 'tokenizer', 'weights']).map((role) => loadFile(model, role, cache, onProgress)));
  if (cache) {
    await Promise.all([config, tokenizer, weights].filter((f) => f.fresh).map((f) =>
      // The cast: downloaded bytes are on an ArrayBuffer, never a SharedArrayBuffer.
      cache.put(f.url, new Response(/** @type {Uint8Array<ArrayBuffer>} */ (f.bytes), { headers: { 'content-type': 'application/octet-stream' } })).catch(() => {})));
  }
  return { model, config: config.bytes, tokenizer: tokenizer.bytes, weights: weights.bytes };
}

/**
 * Deletes the model cache (Cache Storage; default: the package's own), e.g. after moving the model.
 * Never needed to recover from a wrong `baseUrl`: nothing enters the cache unchecked.
 * @param {string} [cacheName]
 * @returns {Promise<boolean>}
 */
export async function clearModelCache(cacheName = DEFAULT_MODEL.cacheName) {
  if (typeof caches === 'undefined') return false;
  return caches.delete(cacheName);
}

/**
 * What the model cache holds, one entry per file.
 * @param {string} [cacheName]
 * @returns {Promise<{ url: string; bytes: number }[]>}
 */
export async function listModelCache(cacheName = DEFAULT_MODEL.cacheName) {
  if (typeof caches === 'undefined' || !(await caches.has(cacheName))) return [];
  const cache = await caches.open(cacheName);
  const requests = await cache.keys();
  return Promise.all(requests.map(async (request) => {
    const response = await cache.match(request);
    // The key was listed just now; a concurrent delete would fail here as it did before.
    return { url: request.url, bytes: (await /** @type {Response} */ (response).arrayBuffer()).byteLength };
  }));
}
