import type { Precision, Report } from './types/report.js';
export type { Report } from './types/report.js';
export { ValuationError, SubmitError, DEFAULT_MODEL, ERROR_CODES } from './index.js';
export type {
  ErrorCode, ValuationErrorCode, SubmitErrorCode, ContributionRecord, SubmitterOptions, SubmitResult, FlushResult, Submitter,
} from './index.js';
import type { SubmitterOptions, Submitter, WasmBuild } from './index.js';

export interface NodeValuateOptions {
  domain?: string;
  dataset?: Uint8Array | string | object;
  sampleSize?: number;
  maxBytes?: number;
  modelId?: string;
  /** `false`: the model-free report (no diversity or relevance). `verify` uses the model unless told otherwise. */
  model?: boolean;
}

export interface NodeValuator {
  /** A string is valued as the UTF-8 text of a file. After `dispose()`: `disposed`. */
  valuate(input: Uint8Array | ArrayBuffer | ArrayBufferView | string, options?: NodeValuateOptions): Report;
  /** True when `report` is exactly what these bytes and options give. */
  verify(bytes: Uint8Array, report: unknown, options?: NodeValuateOptions): boolean;
  readonly weightsSha256: string;
  readonly precision: Precision;
  /** The wasm build this process runs. */
  readonly wasm: Exclude<WasmBuild, 'auto'>;
  dispose(): void;
}

export declare function createNodeValuator(options?: {
  /** Default `'int8'`. */
  precision?: Precision;
  /** Folder with config.json, tokenizer.json and the weights (model.int8.safetensors, else made from
   * model.safetensors; f32: model.safetensors). int8 default: the package's own files; f32 needs it. */
  modelDir?: string;
  batchSize?: number;
  /** Default `'auto'` (relaxed SIMD where this Node has it). One build per process. */
  wasm?: WasmBuild;
  /** Default: the default model's known hash; `null` accepts any weights. */
  expectedWeightsSha256?: string | null;
}): Promise<NodeValuator>;

/**
 * The asynchronous valuator (recommended under Node): the browser's pool on worker_threads, so
 * valuing never blocks the event loop; every file's texts are spread over the idle threads; the
 * reports are those of the browser and of `createNodeValuator`. Resolves once every thread has
 * loaded the model. Call `dispose()` when done (the threads keep the process alive).
 */
export declare function createValuator(options?: {
  /** Default `'int8'`. */
  precision?: Precision;
  /** Default: the CLI's model cache (`defaultModelDir()`) when it holds the weights, else (int8)
   * the package's own files. */
  modelDir?: string;
  /** Threads, each with its own copy of the model. `'auto'`: one per core, at most 4. Default 1. */
  workers?: number | 'auto';
  batchSize?: number;
  wasm?: WasmBuild;
  expectedWeightsSha256?: string | null;
}): Promise<AsyncNodeValuator>;

export interface AsyncNodeValuator {
  /** A string is valued as the UTF-8 text of a file. */
  valuate(
    input: Uint8Array | ArrayBuffer | ArrayBufferView | string,
    options?: Omit<NodeValuateOptions, 'model'> & {
      signal?: AbortSignal;
      onProgress?: (progress: import('./index.js').ValuationProgress) => void;
    },
  ): Promise<Report>;
  ready(): Promise<import('./index.js').ModelInfo>;
  stats(): Promise<{ workers: number; wasmBytes: number[]; textsEmbedded: number[] }>;
  readonly pending: number;
  dispose(): void;
}

/** The CLI's model cache folder when it holds the precision's files, else undefined. */
export declare function defaultModelDir(precision?: Precision): string | undefined;

export declare function verify(
  bytes: Uint8Array,
  report: unknown,
  /** The precision is the one the report names unless given. */
  options?: NodeValuateOptions & { modelDir?: string; precision?: Precision },
): Promise<boolean>;

/** createSubmitter() for Node: the same client over Node's fetch; the outbox is in memory unless
 * you pass your own (`outbox: false` or an object with the MemoryOutbox methods). */
export declare function createNodeSubmitter(options: Omit<SubmitterOptions, 'createWorker' | 'outbox'> & { outbox?: false }): Submitter;
