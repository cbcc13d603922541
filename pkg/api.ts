// The package's type-only shapes: option bags, results, progress events and the Valuator and
// Submitter interfaces, written once. No values: functions, classes and constants are declared by
// their JavaScript (JSDoc), which imports these to be checked against them. tsc emits this file's
// declarations with the JavaScript's into decl/ (tests/pkg/declarations.mjs); index.d.ts re-exports them.
import type { ValuationError, SubmitError } from './errors.js';
import type { ErrorCode } from './types/error-code.js';
import type { SubmitErrorCode } from './types/submit-error-code.js';
// `Precision` ("f32" | "int8", generated from the Rust type): int8 (default; 23.9 MB of files shipped
// in the package) or f32 (sentence-transformers' vectors; 91 MB of weights from the Hugging Face hub
// unless `baseUrl` says otherwise).
import type { Precision, Report, ScoreOptionsCamelCase } from './types/report.js';
import type { SubmitConfig } from './web/valuation_wasm.js';

/** Stable error codes; branch on these, show `message`. `ErrorCode` is generated from the Rust
 * (`ErrorCode` in valuation-core), each with what it means. */
export type ValuationErrorCode = ErrorCode | SubmitErrorCode;
export type { ErrorCode };

/** Which wasm build runs: `'auto'` picks relaxed SIMD where the engine has it. Same reports. */
export type WasmBuild = 'auto' | 'simd128' | 'relaxed-simd';

/** Where the model comes from. Omitted fields take the defaults of `DEFAULT_MODEL`. */
export interface ModelSource {
  /** Written into every report; a non-default id drops the default weights hashes. */
  id?: string;
  /** Default `'int8'`; a report names the precision it was made with. */
  precision?: Precision;
  /** Folder URL holding config.json, tokenizer.json and the precision's weights file. Default:
   * the package's own files for int8, the Hugging Face hub for f32. */
  baseUrl?: string;
  files?: { config?: string; tokenizer?: string; weights?: string; int8Weights?: string };
  /** Lowercase hex SHA-256 per file (the default model's are built in): weights that do not match
   * are `weights_hash_mismatch`, the other files `model_fetch_failed`; nothing is cached then. */
  sha256?: { config?: string; tokenizer?: string; weights?: string; int8Weights?: string };
  /** Cache Storage name. */
  cacheName?: string;
  /** `false` disables caching. */
  cache?: boolean;
}

/** Bytes of one model file: from the network (`cached: false`) or Cache Storage. */
export interface ModelProgress {
  file: string;
  loaded: number;
  /** Bytes in all: the pinned size for the default model's files; otherwise the host's length, or
   * `null` while unknown (a host that compresses on the fly sends no length). */
  total: number | null;
  cached: boolean;
}

export interface ValuatorOptions {
  model?: ModelSource;
  /**
   * Parallel workers, each with its own copy of the model (~52 MB int8, ~183 MB f32). Every file's
   * texts are embedded by all idle workers, so one file is valued faster too, and the report is
   * the same whatever the count. `'auto'`: one per core, at most 4. Default 1.
   */
  workers?: number | 'auto';
  /** Texts per model call (default 8). */
  batchSize?: number;
  /** Default `'auto'`. */
  wasm?: WasmBuild;
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

/**
 * The core's options: `ScoreOptions` under camel-case names, each optional, generated from the
 * Rust with each field's doc (types/report.d.ts), so an option added in Rust appears here with no
 * edit (and options.js fails to compile until it maps it).
 */
export type { ScoreOptionsCamelCase };

/** The options of one valuation: the core's (`ScoreOptions` in camel case) and the package's own. */
export interface ValuateOptions extends ScoreOptionsCamelCase {
  /**
   * A dataset reference for novelty: the bytes `valuation dataset-ref` writes (format 2, binary:
   * pass a Uint8Array or ArrayBuffer, e.g. `await (await fetch(url)).arrayBuffer()`), or a
   * format-1 reference as JSON text or parsed object. A wrong, truncated or foreign one rejects
   * with `invalid_dataset_ref`.
   */
  dataset?: Uint8Array | ArrayBuffer | string | object;
  signal?: AbortSignal;
  onProgress?: (progress: ValuationProgress) => void;
  /** Test hook: makes the wasm panic or run out of memory on this file. */
  crashForTest?: 'panic' | 'oom';
}

export interface ModelInfo {
  id: string;
  weightsSha256: string;
  dim: number;
  precision: Precision;
  /** The wasm build the workers run. */
  wasm: Exclude<WasmBuild, 'auto'>;
}

export interface Valuator {
  /** Queues a file; resolves with its report, rejects with a `ValuationError`. */
  /** A string is valued as the UTF-8 text of a file. */
  valuate(input: Blob | ArrayBuffer | ArrayBufferView | string, options?: ValuateOptions): Promise<Report>;
  /**
   * Resolves once the first worker has loaded the model: files can be valued from then on. The
   * other workers start after it (they read the model from the cache it filled), so a file valued
   * before they are up runs on fewer workers. `{ allWorkers: true }` waits for every worker, e.g.
   * before timing a valuation or when the first file should use every core.
   */
  ready(options?: { allWorkers?: boolean }): Promise<ModelInfo>;
  /** Wasm memory per worker (linear memory only grows: each worker's peak so far) and the texts each has embedded. */
  stats(): Promise<{ workers: number; wasmBytes: number[]; textsEmbedded: number[] }>;
  /** Files queued or running. */
  readonly pending: number;
  /** Stops the workers; pending valuations reject with `disposed`. */
  dispose(): void;
}

// ---- Submitting to Supabase ----

/** Generated from valuation-submit's `SubmitErrorCode` (types/submit-error-code.d.ts), each with
 * what it means. */
export type { SubmitErrorCode };

/** Exactly the columns a client inserts: metadata about the file, never its content. */
export interface ContributionRecord {
  dataset_id: string;
  content_sha256: string;
  byte_size: number;
  detected_type: 'text' | 'markdown' | 'csv' | 'tsv' | 'json' | 'jsonl';
  quality_score: number;
  sub_scores: Record<string, number | null>;
  /** Flag code → count (PII flags count matches; the values never leave the scanner). */
  flags: Record<string, number>;
  model_id: string;
  scorer_version: string;
}

/** The part of a supabase-js `SupabaseClient` a submitter uses (no dependency on the package):
 * its project URL and key (read from the client) and `auth.getSession()` before each send. */
export interface SupabaseClientLike {
  auth: {
    getSession(): Promise<{ data: { session: { access_token: string } | null }; error: unknown }>;
    onAuthStateChange(
      callback: (event: string, session: { access_token: string } | null) => void,
    ): { data: { subscription: { unsubscribe(): void } } };
  };
}

export interface SubmitterOptions {
  /** Your supabase-js client: the URL, the key and the signed-in user's session come from it,
   * and a sign-in or token refresh flushes the outbox. Or give `supabaseUrl` and `anonKey`. */
  supabase?: SupabaseClientLike;
  /** The Supabase project URL, e.g. "https://<ref>.supabase.co" (read from `supabase` if given). */
  supabaseUrl?: string;
  /** The project's anon (publishable) key (read from `supabase` if given). */
  anonKey?: string;
  /** The signed-in user's JWT, or a function that returns the current one (called before each
   * send, e.g. `async () => (await supabase.auth.getSession()).data.session?.access_token`). */
  accessToken?: string | (() => string | null | undefined | Promise<string | null | undefined>);
  /** Default dataset for `submit()`. */
  datasetId?: string;
  /** `true` (default where IndexedDB exists): records wait in IndexedDB until acknowledged, across
   * reloads. A string names the database. `false`: in memory, lost with the page. */
  outbox?: boolean | string;
  /** Send what the outbox holds as soon as the submitter is created (default true). */
  flushOnStart?: boolean;
  /** After a failure that may pass (offline, 5xx, 429, an expired session), try again this much later (default 30000; 0 = only on
   * `flush()`, an `online` event or the next start). */
  retryIntervalMs?: number;
  /** Per request (default 30000). */
  timeoutMs?: number;
  /** Backoff inside one send (defaults: 5 attempts, 500 ms doubling to 8 s, Retry-After up to 60 s). */
  retry?: SubmitConfig['retry'];
  /** Every flush's outcome, the start-up one included. */
  onFlush?: (result: FlushResult) => void;
  /** Your own worker (same as `ValuatorOptions.createWorker`). */
  createWorker?: () => Worker;
}

/** `sent`: stored (or already stored). `queued`: kept in the outbox; `error` says why
 * (offline, server error, rate limit, expired session) and it goes out on a later flush. */
export type SubmitResult =
  | { status: 'sent'; record: ContributionRecord }
  | { status: 'queued'; record: ContributionRecord; error: SubmitError | ValuationError | null };

export interface FlushResult {
  /** Records acknowledged by the database. */
  sent: number;
  /** Records still in the outbox after this flush. */
  queued: number;
  /** Records the database refused for good, removed from the outbox. */
  rejected: { record: ContributionRecord; error: SubmitError }[];
  /** Why the flush stopped early, if it did. */
  error: SubmitError | ValuationError | null;
}

export interface Submitter {
  /** Stores the record of a valued file in the outbox, then sends the outbox. Resolves once the
   * record is safe (sent or queued); rejects with a `SubmitError` when it can never be stored
   * (`invalid_record`, `no_model`, `missing_reference`, `rls_denied`, …) or no user is signed in. */
  submit(report: Report | string, options?: { datasetId?: string }): Promise<SubmitResult>;
  /** `submit()` in supabase-js's style: resolves `{ data, error }`, never rejects. */
  trySubmit(
    report: Report | string,
    options?: { datasetId?: string },
  ): Promise<
    | { data: SubmitResult; error: null }
    | { data: null; error: SubmitError | ValuationError }
  >;
  /** Sends whatever the outbox holds for the signed-in user. */
  flush(): Promise<FlushResult>;
  /** Records in the outbox for the signed-in user. */
  pending(): Promise<number>;
  /** The start-up flush. */
  readonly started: Promise<FlushResult>;
  setAccessToken(token: SubmitterOptions['accessToken']): void;
  dispose(): void;
}
