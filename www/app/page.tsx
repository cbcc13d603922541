'use client';

import { useEffect, useRef, useState } from 'react';
import {
  createValuator,
  type ModelProgress,
  type Report,
  type ValuationProgress,
  type Valuator,
} from '@dataunion/valuation';
import { SubmitPanel } from './SubmitPanel';
import { SubscoreChart } from './SubscoreChart';
import styles from './page.module.css';

const DEFAULT_DOMAIN = 'The government of the United States: Congress, the economy and public policy.';

type Status = 'loading model' | 'ready' | 'valuating' | 'done' | `error: ${string}`;

// Inlined at build time. Unset: the package's own int8 model files, which the bundler emits
// as assets of this app (nothing is fetched from another origin). Set: your own model host,
// relative URLs relative to the page.
function modelOptions(): { baseUrl?: string } {
  const baseUrl = process.env.NEXT_PUBLIC_MODEL_BASE_URL;
  return baseUrl ? { baseUrl } : {};
}

function errorCode(e: unknown): string {
  return (e as { code?: string })?.code ?? 'internal';
}

const megabytes = (bytes: number) => (bytes / 1e6).toFixed(1);

export default function Home() {
  const valuator = useRef<Valuator | null>(null);
  const running = useRef<AbortController | null>(null);
  const [status, setStatus] = useState<Status>('loading model');
  const [errorMessage, setErrorMessage] = useState('');
  const [modelFiles, setModelFiles] = useState<Record<string, ModelProgress>>({});
  const [domain, setDomain] = useState(DEFAULT_DOMAIN);
  const [progress, setProgress] = useState<ValuationProgress | null>(null);
  const [report, setReport] = useState<Report | null>(null);

  const fail = (e: unknown) => {
    setStatus(`error: ${errorCode(e)}`);
    setErrorMessage(e instanceof Error ? e.message : String(e));
  };

  // One valuator (a worker per core, each with the model) per page; created in an effect so
  // server rendering never starts it. A file's texts are embedded on every worker.
  useEffect(() => {
    let live = true; // React's strict mode mounts twice in development: ignore the disposed one.
    const v = createValuator({
      workers: 'auto',
      model: modelOptions(),
      onModelProgress: (p) => live && setModelFiles((files) => ({ ...files, [p.file]: p })),
    });
    valuator.current = v;
    v.ready().then(
      () => live && setStatus((s) => (s === 'loading model' ? 'ready' : s)),
      (e) => live && fail(e),
    );
    return () => {
      live = false;
      v.dispose();
    };
  }, []);

  async function valuate(file: File) {
    const v = valuator.current;
    if (!v) return;
    running.current?.abort('another file was chosen');
    const controller = new AbortController();
    running.current = controller;
    setStatus('valuating');
    setReport(null);
    setProgress(null);
    try {
      const result = await v.valuate(file, {
        domain: domain.trim() ? domain : undefined,
        signal: controller.signal,
        onProgress: setProgress,
      });
      if (running.current !== controller) return;
      setReport(result);
      setStatus('done');
    } catch (e) {
      if (running.current === controller) fail(e); // else a newer file replaced this one
    }
  }

  const model = Object.values(modelFiles);
  const modelLoaded = model.reduce((sum, f) => sum + f.loaded, 0);
  // A file whose size the host did not send (total null) makes the bar indeterminate.
  const modelTotal = model.some((f) => f.total === null) ? null : model.reduce((sum, f) => sum + (f.total ?? 0), 0);
  const fromCache = model.length > 0 && model.every((f) => f.cached);

  return (
    <main>
      <h1>Value a data file</h1>
      <p className={styles.hint}>The file is scored in this browser tab and never uploaded.</p>

      <label className={styles.field}>
        What the data should be about (one topic per line)
        <textarea id="domain" rows={2} value={domain} onChange={(e) => setDomain(e.target.value)} />
      </label>
      <label className={styles.field}>
        File
        <input
          id="file"
          type="file"
          onChange={(e) => {
            const file = e.target.files?.[0];
            if (file) void valuate(file);
          }}
        />
      </label>

      <p>
        Status: <strong data-testid="status">{status}</strong>
        {status === 'valuating' && (
          <button className={styles.cancel} onClick={() => running.current?.abort('cancelled by the user')}>
            Cancel
          </button>
        )}
      </p>
      {status.startsWith('error') && <p className={styles.error}>{errorMessage}</p>}

      <div className={styles.progress}>
        <span>Model</span>
        {modelTotal === null ? (
          <progress data-testid="model-progress" aria-label="model download" />
        ) : (
          <progress data-testid="model-progress" aria-label="model download" value={modelLoaded} max={modelTotal || 1} />
        )}
        <span>
          {fromCache ? 'from cache' : `${megabytes(modelLoaded)}${modelTotal === null ? '' : ` / ${megabytes(modelTotal)}`} MB`}
        </span>
        <span>File</span>
        <progress data-testid="file-progress" value={progress?.fraction ?? 0} max={1} />
        <span>{progress ? `${progress.phase} ${Math.round(progress.fraction * 100)}%` : '—'}</span>
      </div>

      {report && (
        <section>
          <p className={styles.score}>
            <span data-testid="score">{report.score}</span>
            <small>/100</small>
          </p>
          <SubscoreChart subscores={report.subscores} />
          <h2>Why</h2>
          {report.reasons.length ? (
            <ul data-testid="reasons">
              {report.reasons.map((reason: string) => (
                <li key={reason}>{reason}</li>
              ))}
            </ul>
          ) : (
            <p>Nothing lowered the score.</p>
          )}
          <details>
            <summary>Full report</summary>
            <pre id="report-json" className={styles.json}>
              {JSON.stringify(report, null, 2)}
            </pre>
          </details>
        </section>
      )}
      {/* Always mounted (one submitter per page); shows itself once a file is scored. */}
      <SubmitPanel report={report} />
    </main>
  );
}
