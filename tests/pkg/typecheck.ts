// Compiled with tsc --noEmit against the installed package: the types users get must describe
// the API as it is. Not run; type errors fail the test.
import { createSubmitter, createValuator, DEFAULT_MODEL, SubmitError, ValuationError } from '@dataunion/valuation';
import type { ErrorCode, FlushResult, Report, SubmitErrorCode, SubmitResult, ValuationProgress, ScoreOptions } from '@dataunion/valuation';
import { createNodeSubmitter, createNodeValuator, verify } from '@dataunion/valuation/node';
import { createClient } from '@supabase/supabase-js';

async function browser(file: File): Promise<number> {
  const valuator = createValuator({ model: { baseUrl: DEFAULT_MODEL.baseUrl }, workers: 'auto' });
  const controller = new AbortController();
  const seen: ValuationProgress[] = [];
  try {
    const report: Report = await valuator.valuate(file, {
      domain: 'public policy',
      signal: controller.signal,
      onProgress: (p) => seen.push(p),
    });
    const quality: number | undefined = report.subscores.quality?.score;
    const reasons: string[] = report.reasons;
    return report.score + (quality ?? 0) + reasons.length + report.file.size;
  } catch (e) {
    if (e instanceof ValuationError && e.code === 'aborted') return -1;
    throw e;
  } finally {
    valuator.dispose();
  }
}

async function node(bytes: Uint8Array, report: Report): Promise<boolean> {
  const v = await createNodeValuator({ modelDir: '/models/minilm' });
  const again: Report = v.valuate(bytes, { domain: 'x' });
  const options: Partial<ScoreOptions> = { sample_size: 128 };
  return v.verify(bytes, again, { sampleSize: options.sample_size }) && (await verify(bytes, report, { modelDir: '/m' }));
}

async function submit(report: Report, session: () => Promise<string | undefined>): Promise<string> {
  const submitter = createSubmitter({
    supabaseUrl: 'https://project.supabase.co',
    anonKey: 'anon',
    accessToken: session,
    datasetId: '00000000-0000-4000-8000-000000000000',
    onFlush: (r: FlushResult) => void r.rejected.map((x) => x.record.content_sha256 + x.error.code),
  });
  try {
    const result: SubmitResult = await submitter.submit(report);
    if (result.status === 'queued') return `queued: ${result.error?.code ?? 'waiting'}; ${await submitter.pending()} pending`;
    return `stored ${result.record.quality_score} for ${result.record.content_sha256}`;
  } catch (e) {
    if (e instanceof SubmitError) return `${e.code} ${e.status ?? ''} ${e.transient} ${e.postgrest?.code ?? ''}`;
    throw e;
  } finally {
    submitter.dispose();
  }
}

// A supabase-js client is accepted as it is (a structural type: no dependency on the package),
// and trySubmit's result narrows like supabase-js's own { data, error }.
async function withSupabase(report: Report): Promise<string> {
  const supabase = createClient('https://project.supabase.co', 'anon');
  const submitter = createSubmitter({ supabase, datasetId: '00000000-0000-4000-8000-000000000000' });
  const { data, error } = await submitter.trySubmit(report);
  if (error) return `${error.code}: ${error.message}`;
  return data.status;
}

async function nodeSubmit(report: Report): Promise<number> {
  const s = createNodeSubmitter({ supabaseUrl: 'http://127.0.0.1:54321', anonKey: 'anon', accessToken: 'jwt', retry: { maxAttempts: 2 } });
  await s.submit(report, { datasetId: '00000000-0000-4000-8000-000000000000' });
  return (await s.flush()).sent;
}

export { browser, node, submit, nodeSubmit, withSupabase };

// The generated code unions are real unions, not `string`: a misspelt code does not compile.
const submitCodes: SubmitErrorCode[] = ['rls_denied', 'already_contributed', 'no_model'];
// @ts-expect-error not a SubmitErrorCode
const notASubmitCode: SubmitErrorCode = 'rls_refused';
const valuationCodes: ErrorCode[] = ['empty_file', 'not_in_browser'];
// @ts-expect-error not an ErrorCode
const notAnErrorCode: ErrorCode = 'emtpy_file';
export const codeExamples = [submitCodes, notASubmitCode, valuationCodes, notAnErrorCode];
