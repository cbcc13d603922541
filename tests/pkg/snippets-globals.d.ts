// What the README's examples take from the page around them (a file input, a progress bar, a
// report valued earlier, the app's Supabase key), declared so the examples compile as written.
import type { Report, ValuationProgress } from '@dataunion/valuation';

declare global {
  const fileInput: { files: File[] };
  const bar: { value: number };
  const report: Report;
  const submittedReport: Report;
  const SUPABASE_ANON_KEY: string;
  const domain: string;
  const signal: AbortSignal;
  const onProgress: (progress: ValuationProgress) => void;
  const bytes: Uint8Array;
  function readFile(path: string): Promise<Uint8Array>;
}
