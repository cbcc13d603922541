// Compiled with tsc --noEmit against the installed package: the types users get must describe
// the API as it is. Not run; type errors fail the test.
import { createValuator, DEFAULT_MODEL, ValuationError } from '@dataunion/valuation';
import type { Report, ValuationProgress, ScoreOptions } from '@dataunion/valuation';
import { createNodeValuator, verify } from '@dataunion/valuation/node';

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

export { browser, node };
