// The Node entry's type-only shapes (see api.ts): its valuators and their options. No values.
import type { ScoreOptionsCamelCase, ValuationProgress, Valuator, WasmBuild } from './api.js';
import type { Precision, Report } from './types/report.js';

/** The options of one valuation: the core's (`ScoreOptions` in camel case) and the Node entry's own. */
export interface NodeValuateOptions extends ScoreOptionsCamelCase {
  dataset?: Uint8Array | string | object;
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

/** `createNodeValuator()`'s options. */
export interface NodeValuatorOptions {
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
}

/** `createValuator()`'s options (the Node entry's). */
export interface AsyncNodeValuatorOptions {
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
}

/** The browser's Valuator on worker_threads: the same methods, and bytes instead of a Blob. */
export interface AsyncNodeValuator extends Omit<Valuator, 'valuate'> {
  /** A string is valued as the UTF-8 text of a file. */
  valuate(
    input: Uint8Array | ArrayBuffer | ArrayBufferView | string,
    options?: Omit<NodeValuateOptions, 'model'> & {
      signal?: AbortSignal;
      onProgress?: (progress: ValuationProgress) => void;
    },
  ): Promise<Report>;
}
