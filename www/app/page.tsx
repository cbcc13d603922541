'use client';

import { useEffect, useRef, useState } from 'react';
import {
  createValuator,
  type ModelProgress,
  type Report,
  type ValuationProgress,
  type Submitter,
  type Valuator,
} from '@dataunion/valuation';
import { FileQueue } from './FileQueue';
import { MyContributions } from './MyContributions';
import { SubmitPanel } from './SubmitPanel';
import { SubscoreChart } from './SubscoreChart';
import { listContributableDatasets, type Dataset } from './lib/datasets';
import { loadReference } from './lib/reference';
import { MISSING } from './lib/supabase';
import styles from './page.module.css';

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
  const submitter = useRef<Submitter | null>(null); // created by SubmitPanel, shared with FileQueue
  const [status, setStatus] = useState<Status>('loading model');
  const [errorMessage, setErrorMessage] = useState('');
  const [modelFiles, setModelFiles] = useState<Record<string, ModelProgress>>({});
  const [datasets, setDatasets] = useState<Dataset[]>([]);
  const [datasetsState, setDatasetsState] = useState('loading');
  const [datasetId, setDatasetId] = useState('');
  const [progress, setProgress] = useState<ValuationProgress | null>(null);
  // The report and the dataset it was valued against (its domain and reference made the score).
  const [valued, setValued] = useState<{ report: Report; datasetId: string } | null>(null);
  const report = valued?.report ?? null;
  const [submits, setSubmits] = useState(0); // refreshes "my contributions"
  const dataset = datasets.find((d) => d.id === datasetId) ?? null;

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

  // The datasets this user may contribute to, read under RLS; the first one is chosen.
  useEffect(() => {
    if (MISSING.length) return void setDatasetsState(`not configured: set ${MISSING.join(', ')}`);
    let live = true;
    listContributableDatasets().then(
      (rows) => {
        if (!live) return;
        setDatasets(rows);
        setDatasetId((id) => id || rows[0]?.id || '');
        setDatasetsState(rows.length ? 'loaded' : 'none: no dataset accepts your contributions');
      },
      (e) => live && setDatasetsState(`error: ${errorCode(e)}: ${e instanceof Error ? e.message : e}`),
    );
    return () => {
      live = false;
    };
  }, []);

  async function valuate(file: File) {
    const v = valuator.current;
    if (!v) return;
    running.current?.abort('another file was chosen');
    const controller = new AbortController();
    running.current = controller;
    setStatus('valuating');
    setValued(null);
    setProgress(null);
    const target = dataset; // the choice when the file was picked, whatever happens meanwhile
    try {
      // The dataset's domain drives relevance and its reference (verified, cached by hash) novelty.
      const reference = target ? await loadReference(target) : null;
      if (running.current !== controller) return;
      const result = await v.valuate(file, {
        domain: target?.domain,
        dataset: reference ?? undefined,
        signal: controller.signal,
        onProgress: setProgress,
      });
      if (running.current !== controller) return;
      setValued({ report: result, datasetId: target?.id ?? '' });
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
        Dataset to contribute to
        <select
          id="dataset"
          data-testid="dataset"
          value={datasetId}
          disabled={datasets.length === 0}
          onChange={(e) => setDatasetId(e.target.value)}
          aria-describedby="dataset-info"
        >
          {datasets.map((d) => (
            <option key={d.id} value={d.id}>
              {d.name} ({d.domain})
            </option>
          ))}
        </select>
      </label>
      <div id="dataset-info" className={styles.datasetInfo} aria-live="polite">
        {dataset ? (
          <p data-testid="dataset-info">
            Relevance is measured against “{dataset.domain}”. Listed quality{' '}
            {dataset.quality_score === null ? 'not rated yet' : `${Number(dataset.quality_score)}/100`},{' '}
            {dataset.contribution_count} contributions from {dataset.contributor_count} contributors. Novelty:{' '}
            {dataset.reference_sha256
              ? `against its published reference (${dataset.reference_byte_size} bytes, SHA-256 ${dataset.reference_sha256.slice(0, 12)}…)`
              : 'n/a, no reference published'}
            .
          </p>
        ) : (
          <p data-testid="datasets-state">Datasets: {datasetsState}</p>
        )}
      </div>
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

      <p aria-live="polite">
        Status: <strong data-testid="status">{status}</strong>
        {status === 'valuating' && (
          <button className={styles.cancel} onClick={() => running.current?.abort('cancelled by the user')}>
            Cancel
          </button>
        )}
      </p>
      {status.startsWith('error') && (
        <p role="alert" className={styles.error} data-testid="error-message">
          {errorMessage}
        </p>
      )}

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
        <progress data-testid="file-progress" aria-label="file valuation" value={progress?.fraction ?? 0} max={1} />
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
      <SubmitPanel
        report={report}
        datasetId={valued?.datasetId ?? ''}
        submitter={submitter}
        onSubmitted={() => setSubmits((n) => n + 1)}
      />
      <FileQueue
        valuator={valuator}
        submitter={submitter}
        dataset={dataset}
        onSubmitted={() => setSubmits((n) => n + 1)}
      />
      <MyContributions refreshKey={submits} datasets={datasets} />
    </main>
  );
}
