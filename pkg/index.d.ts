import type { Report } from './types/report.js';

export type { Report } from './types/report.js';
export type * from './types/report.js';

/** Stable error codes; branch on these, show `message`. */
export type ValuationErrorCode =
  | 'empty_file' | 'unsupported_type' | 'file_too_large' | 'invalid_option' | 'invalid_argument'
  | 'invalid_dataset_ref' | 'invalid_config' | 'invalid_tokenizer' | 'invalid_weights'
  | 'weights_hash_mismatch' | 'incompatible_model' | 'tokenize_failed' | 'inference_failed'
  | 'model_fetch_failed' | 'wasm_panic' | 'out_of_memory' | 'worker_failed' | 'aborted' | 'disposed'
  | 'internal';

/** Every error the package raises. A cancelled valuation rejects with `name: "AbortError"`,
 * `code: "aborted"`. */
export declare class ValuationError extends Error {
  constructor(code: ValuationErrorCode, message: string);
  readonly name: 'ValuationError' | 'AbortError';
  readonly code: ValuationErrorCode;
}

/** Where the model comes from. Omitted fields take the defaults of `DEFAULT_MODEL`. */
export interface ModelSource {
  /** Written into every report; a non-default id drops the default weights hash. */
  id?: string;
  /** Folder URL holding the files (Hugging Face hub layout by default, or your CDN). */
  baseUrl?: string;
  files?: { config?: string; tokenizer?: string; weights?: string };
  /** Lowercase hex SHA-256 per file; a mismatch is `weights_hash_mismatch` and nothing is cached. */
  sha256?: { config?: string; tokenizer?: string; weights?: string };
  /** Cache Storage name. */
  cacheName?: string;
  /** `false` disables caching. */
  cache?: boolean;
}

export declare const DEFAULT_MODEL: Readonly<Required<Omit<ModelSource, 'cache'>>>;

/** Bytes of one model file: from the network (`cached: false`) or Cache Storage. */
export interface ModelProgress {
  file: string;
  loaded: number;
  total: number;
  cached: boolean;
}

export interface ValuatorOptions {
  model?: ModelSource;
  /** Parallel workers, each with its own copy of the model (~100 MB). `'auto'`: cores - 1. Default 1. */
  workers?: number | 'auto';
  /** Texts per model call (default 8). */
  batchSize?: number;
  onModelProgress?: (progress: ModelProgress) => void;
  /** Your own worker, e.g. `() => new Worker(new URL('@dataunion/valuation/worker', import.meta.url), { type: 'module' })`. */
  createWorker?: () => Worker;
}

export type ValuationPhase = 'read' | 'analyze' | 'embed' | 'done';

/** In order; `fraction` never decreases and the last event has `phase: 'done'`, `fraction: 1`. */
export interface ValuationProgress {
  phase: ValuationPhase;
  done: number;
  total: number;
  fraction: number;
}

export interface ValuateOptions {
  /** What the dataset is about, one target per line; enables the relevance sub-score. */
  domain?: string;
  /** A dataset reference (`valuation dataset-ref`) as bytes, JSON text or parsed object. */
  dataset?: Uint8Array | ArrayBuffer | string | object;
  /** Units embedded per file (default 128). */
  sampleSize?: number;
  /** Larger files fail with `file_too_large` before being read (default 512 MiB). */
  maxBytes?: number;
  modelId?: string;
  signal?: AbortSignal;
  onProgress?: (progress: ValuationProgress) => void;
  /** Test hook: makes the wasm panic or run out of memory on this file. */
  crashForTest?: 'panic' | 'oom';
}

export interface ModelInfo {
  id: string;
  weightsSha256: string;
  dim: number;
}

export interface Valuator {
  /** Queues a file; resolves with its report, rejects with a `ValuationError`. */
  valuate(input: Blob | ArrayBuffer | ArrayBufferView, options?: ValuateOptions): Promise<Report>;
  /** Resolves once the first worker has loaded the model. */
  ready(): Promise<ModelInfo>;
  /** Wasm memory per worker (linear memory only grows: each worker's peak so far). */
  stats(): Promise<{ workers: number; wasmBytes: number[] }>;
  /** Files queued or running. */
  readonly pending: number;
  /** Stops the workers; pending valuations reject with `disposed`. */
  dispose(): void;
}

export declare function createValuator(options?: ValuatorOptions): Valuator;
