import type { Dataset } from './datasets';
import { restGet, RestError } from './supabase';

// A dataset's novelty reference, fetched from dataset_references under RLS, verified against the
// SHA-256 the listing shows and cached by that hash: a replaced reference has a new hash, so a
// cached copy is never stale, and the same bytes are downloaded once per browser.

/** The page's own failure while getting a reference (the package's invalid_dataset_ref covers its bytes). */
export class DatasetReferenceError extends Error {
  constructor(
    message: string,
    readonly code: 'reference_fetch_failed' | 'reference_hash_mismatch',
  ) {
    super(message);
    this.name = 'DatasetReferenceError';
  }
}

const CACHE_NAME = 'dataunion-dataset-references';
const inMemory = new Map<string, Promise<Uint8Array>>();

async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes as BufferSource);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** PostgREST sends bytea as "\x" + hex. */
function fromHex(text: string): Uint8Array {
  const hex = text.startsWith('\\x') ? text.slice(2) : text;
  if (hex.length % 2 || /[^0-9a-f]/i.test(hex)) throw new DatasetReferenceError('the reference is not bytea hex', 'reference_fetch_failed');
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return bytes;
}

// Cache Storage keys must be URLs: one per hash under this origin, never fetched from the network.
const cacheKey = (sha256: string) => new Request(`${location.origin}/__dataset-reference/${sha256}`);

async function download(datasetId: string, sha256: string): Promise<Uint8Array> {
  const cache = typeof caches === 'undefined' ? null : await caches.open(CACHE_NAME).catch(() => null);
  const hit = await cache?.match(cacheKey(sha256));
  if (hit) {
    const bytes = new Uint8Array(await hit.arrayBuffer());
    if ((await sha256Hex(bytes)) === sha256) return bytes;
    await cache?.delete(cacheKey(sha256)); // a damaged entry: fetch again
  }
  let rows: { sha256: string; content: string }[];
  try {
    const query = new URLSearchParams({ select: 'sha256,content', dataset_id: `eq.${datasetId}` });
    rows = (await restGet<{ sha256: string; content: string }>('dataset_references', query)).rows;
  } catch (e) {
    throw new DatasetReferenceError(`cannot read the dataset reference: ${e instanceof RestError ? `${e.code} ${e.message}` : e}`, 'reference_fetch_failed');
  }
  if (rows.length !== 1) throw new DatasetReferenceError('the dataset has no reference you may read', 'reference_fetch_failed');
  const bytes = fromHex(rows[0].content);
  const actual = await sha256Hex(bytes);
  if (actual !== sha256) {
    // replaced since the listing was read, or altered on the way: never score against it
    throw new DatasetReferenceError(`the reference's SHA-256 is ${actual}, the listing says ${sha256}`, 'reference_hash_mismatch');
  }
  await cache?.put(cacheKey(sha256), new Response(bytes as BodyInit)).catch(() => undefined);
  return bytes;
}

/** The dataset's reference bytes (verified), or null when it has none published. */
export function loadReference(dataset: Dataset): Promise<Uint8Array> | null {
  const sha256 = dataset.reference_sha256;
  if (!sha256) return null;
  let pending = inMemory.get(sha256);
  if (!pending) {
    pending = download(dataset.id, sha256);
    inMemory.set(sha256, pending);
    pending.catch(() => inMemory.delete(sha256)); // a failure is retried on the next file
  }
  return pending;
}
