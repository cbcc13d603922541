import type { Precision, Report } from './types/report.js';
export type { Report } from './types/report.js';
export { ValuationError, SubmitError, DEFAULT_MODEL } from './index.js';
export type {
  ValuationErrorCode, SubmitErrorCode, ContributionRecord, SubmitterOptions, SubmitResult, FlushResult, Submitter,
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

export declare function verify(
  bytes: Uint8Array,
  report: unknown,
  /** The precision is the one the report names unless given. */
  options?: NodeValuateOptions & { modelDir?: string; precision?: Precision },
): Promise<boolean>;

/** createSubmitter() for Node: the same client over Node's fetch; the outbox is in memory unless
 * you pass your own (`outbox: false` or an object with the MemoryOutbox methods). */
export declare function createNodeSubmitter(options: Omit<SubmitterOptions, 'createWorker' | 'outbox'> & { outbox?: false }): Submitter;
