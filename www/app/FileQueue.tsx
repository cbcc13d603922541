'use client';

import { useState, type RefObject } from 'react';
import type { Report, Submitter, ValuationProgress, Valuator } from '@dataunion/valuation';
import type { Dataset } from './lib/datasets';
import { loadReference } from './lib/reference';
import styles from './page.module.css';

// Many files at once: each file is its own row, valued through the package's worker pool (the
// valuator queues them), with its own progress, cancel, score and breakdown. One file failing
// (an empty file, an image) shows its error and the others go on. "Submit all" sends every
// scored row's record through the same outbox as the single-file panel.

type Row = {
  key: number;
  name: string;
  datasetId: string;
  controller: AbortController;
  state: 'queued' | 'valuating' | 'done' | 'cancelled' | `error: ${string}`;
  progress: ValuationProgress | null;
  report: Report | null;
  message: string;
  submit: string; // '', 'sending', 'sent', 'queued: <code>', 'refused: <code>'
};

const codeOf = (e: unknown) => (e as { code?: string } | null)?.code ?? 'internal';
const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e));
let nextKey = 0;
// webkitdirectory is not in React's types; Chromium, Firefox and Safari all read it.
const FOLDER_PICKER = { webkitdirectory: '' } as Record<string, string>;

export function FileQueue({
  valuator,
  submitter,
  dataset,
  onSubmitted,
}: {
  valuator: RefObject<Valuator | null>;
  submitter: RefObject<Submitter | null>;
  dataset: Dataset | null;
  onSubmitted: () => void;
}) {
  const [rows, setRows] = useState<Row[]>([]);
  const [busy, setBusy] = useState(false);
  const update = (key: number, change: Partial<Row>) =>
    setRows((all) => all.map((r) => (r.key === key ? { ...r, ...change } : r)));

  async function valueFiles(files: File[]) {
    const v = valuator.current;
    if (!v || files.length === 0) return;
    const target = dataset;
    const added: Row[] = files.map((file) => ({
      key: nextKey++,
      name: file.name,
      datasetId: target?.id ?? '',
      controller: new AbortController(),
      state: 'queued',
      progress: null,
      report: null,
      message: '',
      submit: '',
    }));
    setRows((all) => [...all, ...added]);
    let reference: Uint8Array | null = null;
    try {
      reference = target ? await loadReference(target) : null;
    } catch (e) {
      for (const row of added) update(row.key, { state: `error: ${codeOf(e)}`, message: messageOf(e) });
      return;
    }
    await Promise.all(
      files.map(async (file, i) => {
        const row = added[i];
        try {
          const report = await v.valuate(file, {
            domain: target?.domain,
            dataset: reference ?? undefined,
            signal: row.controller.signal,
            onProgress: (progress) => update(row.key, { state: 'valuating', progress }),
          });
          update(row.key, { state: 'done', report });
        } catch (e) {
          const cancelled = codeOf(e) === 'aborted';
          update(row.key, { state: cancelled ? 'cancelled' : `error: ${codeOf(e)}`, message: messageOf(e) });
        }
      }),
    );
  }

  async function submitAll() {
    const s = submitter.current;
    if (!s) return;
    setBusy(true);
    for (const row of rows.filter((r) => r.report && (r.submit === '' || r.submit.startsWith('queued')))) {
      update(row.key, { submit: 'sending' });
      try {
        const result = await s.submit(row.report as Report, { datasetId: row.datasetId });
        update(row.key, {
          submit: result.status === 'sent' ? 'sent' : `queued: ${result.error ? codeOf(result.error) : 'pending'}`,
        });
      } catch (e) {
        update(row.key, { submit: `refused: ${codeOf(e)}`, message: messageOf(e) });
      }
    }
    setBusy(false);
    onSubmitted();
  }

  const submittable = rows.some((r) => r.report && (r.submit === '' || r.submit.startsWith('queued')));

  return (
    <section className={styles.submit} aria-labelledby="many-files-title">
      <h2 id="many-files-title">Many files</h2>
      <label className={styles.field}>
        Files to value against the chosen dataset (several at once)
        <input
          id="files"
          type="file"
          multiple
          onChange={(e) => {
            void valueFiles(Array.from(e.target.files ?? []));
            e.target.value = ''; // the same files can be picked again
          }}
        />
      </label>
      <label className={styles.field}>
        Or a folder (every file in it; where the browser allows picking folders)
        <input
          id="folder"
          type="file"
          multiple
          {...FOLDER_PICKER}
          onChange={(e) => {
            void valueFiles(Array.from(e.target.files ?? []));
            e.target.value = '';
          }}
        />
      </label>
      {rows.length > 0 && (
        <table className={styles.table} data-testid="file-queue">
          <caption className={styles.visuallyHidden}>Files being valued</caption>
          <thead>
            <tr>
              <th scope="col">File</th>
              <th scope="col">Status</th>
              <th scope="col">Score</th>
              <th scope="col">Submit</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.key} data-file={row.name}>
                <td>{row.name}</td>
                <td aria-live="polite">
                  <span data-testid="file-state">{row.state}</span>
                  {(row.state === 'queued' || row.state === 'valuating') && (
                    <>
                      {' '}
                      <progress aria-label={`${row.name} progress`} value={row.progress?.fraction ?? 0} max={1} />{' '}
                      <button onClick={() => row.controller.abort('cancelled by the user')}>Cancel {row.name}</button>
                    </>
                  )}
                  {row.state.startsWith('error') && (
                    <span role="alert" className={styles.error} data-testid="file-error">
                      {' '}
                      {row.message}
                    </span>
                  )}
                </td>
                <td>
                  {row.report && (
                    <details>
                      <summary>
                        <span data-testid="file-score">{row.report.score}</span>/100
                      </summary>
                      <ul>
                        {Object.entries(row.report.subscores as Record<string, { score: number } | null>).map(([name, sub]) => (
                          <li key={name}>
                            {name}: {sub ? sub.score : 'n/a'}
                          </li>
                        ))}
                        {row.report.reasons.map((reason: string) => (
                          <li key={reason}>{reason}</li>
                        ))}
                      </ul>
                    </details>
                  )}
                </td>
                <td data-testid="file-submit">
                  {row.submit}
                  {row.submit.startsWith('refused') && ` (${row.message})`}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <button data-testid="submit-all" disabled={busy || !submittable} onClick={() => void submitAll()}>
        Submit all
      </button>
    </section>
  );
}
