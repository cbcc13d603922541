// Generated from the Rust types by crates/valuation-core/tests/typescript.rs (ts-rs). Do not edit.

export type C4 = { lines: number, 
/**
 * Lines C4 keeps: terminal punctuation, ≥ 3 words, no boilerplate.
 */
kept_lines: number, sentences: number, lorem_ipsum: boolean, curly_bracket: boolean, };

export type Cap = { code: string, limit: number, reason: string, };

export type CoherenceDetail = { determiners: number, determiner_then_function_word: number, };

export type Diversity = { units: number, 
/**
 * Share of sampled units with a neighbour saying the same thing: for prose within the
 * novelty's SimHash radius (paraphrases count), for tables and records cosine ≥ 0.95.
 */
near_duplicates: number, mean_pairwise_cosine: number, };

export type Encoding = "utf8" | "utf8-bom" | "utf16le" | "utf16be";

export type FileInfo = { sha256: string, size: number, kind: FileKind, encoding: Encoding, invalid_bytes: number, chars: number, units: number, duplicate_units: number, sampled_units: number, };

export type FileKind = "text" | "markdown" | "csv" | "tsv" | "json" | "jsonl";

export type FineWeb = { lines: number, punctuated_lines: number, short_lines: number, dup_line_chars: number, newlines_per_word: number, };

export type Flag = { code: string, count: number, };

export type GopherQuality = { 
/**
 * Tokens that are not punctuation only: Gopher's "words".
 */
words: number, mean_word_length: number, hash_per_word: number, ellipsis_per_word: number, bullet_lines: number, ellipsis_lines: number, alpha_words: number, stop_words_present: number, };

export type GopherRepetition = { chars: number, dup_paragraphs: number, dup_paragraph_chars: number, dup_lines: number, dup_line_chars: number, 
/**
 * Share of the text covered by the most frequent 2-, 3- and 4-gram.
 */
top_ngram_chars: [number, number, number], 
/**
 * Share of the text covered by repeated 5- … 10-grams.
 */
dup_ngram_chars: [number, number, number, number, number, number], };

export type ModelRef = { id: string, 
/**
 * SHA-256 of the weights file the encoder loaded (the f32 or the int8 file).
 */
weights_sha256: string, 
/**
 * The encoder's precision: with the hash, what `verify()` and the CLI need to reproduce it.
 */
precision: Precision, };

export type Novelty = { exact_file_match: boolean, 
/**
 * Share of this file's (sampled-rule) units whose hash the dataset already has.
 */
known_units: number, compared_units: number, 
/**
 * Share of sampled units that say what an accepted unit says: within the calibrated SimHash
 * distance of an accepted unit's sketch (≈ cosine 0.75; paraphrases, light edits).
 */
semantic_duplicates: number | null, };

export type PeerVerdicts = { gopher_quality: Verdict, gopher_repetition: Verdict, c4_quality: Verdict, fineweb_quality: Verdict, };

export type PiiCounts = { emails: number, phones: number, card_numbers: number, ibans: number, private_keys: number, api_keys: number, };

export type Precision = "f32" | "int8";

export type Quality = { 
/**
 * Characters measured: the whole text, or a content-defined sample of windows for long files.
 */
measured_chars: number, gopher: GopherQuality, c4: C4, fineweb: FineWeb, verdicts: PeerVerdicts, };

export type Relevance = { 
/**
 * "domain" (the caller's description) or "dataset" (the reference's centroid).
 */
against: string, median_cosine: number, low_quartile_cosine: number, };

export type Repetition = { duplicate_units: number, gopher: GopherRepetition | null, };

export type Report = { scorer_version: string, 
/**
 * 0–100 after weights, caps and penalties.
 */
score: number, file: FileInfo, model: ModelRef | null, subscores: Subscores, caps: Array<Cap>, flags: Array<Flag>, 
/**
 * Counts only: matched values never leave the scanner.
 */
pii: PiiCounts, 
/**
 * The biggest losses, in plain words, biggest first.
 */
reasons: Array<string>, };

export type ScoreOptions = { 
/**
 * Units embedded per file (the content-defined sample; default 128): bounds model cost at
 * any size.
 */
sample_size: number, 
/**
 * Larger files fail with `file_too_large` before being read (default 512 MiB).
 */
max_bytes: number, 
/**
 * What the dataset is about, in a few words or sentences (one target per line); enables the
 * relevance sub-score.
 */
domain: string | null, 
/**
 * The model id written into the report (default: the default model's).
 */
model_id: string, };

export type Structure = { rows: number, columns: number, parse_rate: number, 
/**
 * Mean over columns of the share of cells that have the column's majority type.
 */
type_consistency: number, missing_cells: number, constant_columns: number, duplicate_rows: number, 
/**
 * `None` when no label column was found.
 */
label_column: string | null, 
/**
 * Rarest class share × number of classes (1 = balanced; cleanlab flags < 0.1).
 */
label_balance: number | null, };

export type Sub<D> = { score: number, 
/**
 * Share of the final score, after renormalising over the sub-scores that apply.
 */
weight: number, measurements: D, 
/**
 * The limits the measurements were judged against, by name.
 */
thresholds: Array<Threshold>, };

export type Subscores = { quality: Sub<Quality> | null, repetition: Sub<Repetition> | null, coherence: Sub<CoherenceDetail> | null, structure: Sub<Structure> | null, diversity: Sub<Diversity> | null, novelty: Sub<Novelty> | null, relevance: Sub<Relevance> | null, };

export type Threshold = { name: string, limit: number, value: number, 
/**
 * This rule's 0–100 contribution.
 */
score: number, };

export type Verdict = { keep: boolean, reason: string | null, };

/** `ScoreOptions` as the package's JS options spell them: camel case, each optional (omitted: the core's default). */
export type ScoreOptionsCamelCase = { 
/**
 * Units embedded per file (the content-defined sample; default 128): bounds model cost at
 * any size.
 */
sampleSize?: number, 
/**
 * Larger files fail with `file_too_large` before being read (default 512 MiB).
 */
maxBytes?: number, 
/**
 * What the dataset is about, in a few words or sentences (one target per line); enables the
 * relevance sub-score.
 */
domain?: string, 
/**
 * The model id written into the report (default: the default model's).
 */
modelId?: string, };
