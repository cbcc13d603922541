// Model files for the worker: from a base URL (Hugging Face hub layout by default, or your own
// CDN), with byte progress, kept in Cache Storage so later page loads make no request, and
// checked against expected SHA-256s: a mismatching cached copy is evicted and fetched again, a
// mismatching download is refused and never cached.

import { ValuationError } from './errors.js';

export const DEFAULT_MODEL = Object.freeze({
  id: 'sentence-transformers/all-MiniLM-L6-v2',
  baseUrl: 'https://huggingface.co/sentence-transformers/all-MiniLM-L6-v2/resolve/main/',
  files: Object.freeze({ config: 'config.json', tokenizer: 'tokenizer.json', weights: 'model.safetensors' }),
  sha256: Object.freeze({ weights: '53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db' }),
  cacheName: 'dataunion-valuation-models-v1',
});

/** Fills in defaults. The default weights hash applies only to the default model. */
export function resolveModel(spec = {}) {
  const sameModel = spec.id === undefined || spec.id === DEFAULT_MODEL.id;
  const baseUrl = String(spec.baseUrl ?? DEFAULT_MODEL.baseUrl);
  return {
    id: spec.id ?? DEFAULT_MODEL.id,
    baseUrl: baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`,
    files: { ...DEFAULT_MODEL.files, ...spec.files },
    sha256: { ...(sameModel ? DEFAULT_MODEL.sha256 : {}), ...spec.sha256 },
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
  const file = model.files[role];
  const url = new URL(file, model.baseUrl).href;
  const expected = model.sha256[role]?.toLowerCase();
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
