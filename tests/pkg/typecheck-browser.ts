// A browser app's view of the package, as a fresh Vite or Next.js app compiles it: no @types/node,
// no esnext lib, skipLibCheck off. Compiled with tsc --noEmit (tsconfig.browser.json); not run.
import { clearModelCache, createSubmitter, createValuator, listModelCache, ValuationError } from '@dataunion/valuation';
import type { ModelProgress, Report } from '@dataunion/valuation';

export async function valueOne(file: File, onModel: (p: ModelProgress) => void): Promise<Report | string> {
  const valuator = createValuator({ workers: 'auto', onModelProgress: onModel });
  try {
    return await valuator.valuate(file, { domain: 'public policy', sampleSize: 64 });
  } catch (e) {
    return e instanceof ValuationError ? `${e.code}: ${e.message}` : String(e);
  } finally {
    valuator.dispose();
  }
}

export async function cacheSize(): Promise<number> {
  const files = await listModelCache();
  if (files.length > 10) await clearModelCache();
  return files.reduce((n, f) => n + f.bytes, 0);
}

export const submitter = () => createSubmitter({ supabaseUrl: 'https://x.supabase.co', anonKey: 'k', datasetId: 'd' });
