'use client';

import { useEffect, useState, type RefObject } from 'react';
import { createSubmitter, type ContributionRecord, type Report, type Submitter } from '@dataunion/valuation';
import { ANON_KEY, DEMO_ACCESS_TOKEN, MISSING, SUPABASE_URL } from './lib/supabase';
import styles from './page.module.css';

type Outcome = { report: Report } & (
  | { state: 'sending' }
  | { state: 'sent'; record: ContributionRecord }
  | { state: 'queued'; record: ContributionRecord; code: string; message: string }
  | { state: 'refused'; code: string; message: string }
);

const codeOf = (e: unknown) => (e as { code?: string } | null)?.code ?? 'internal';
const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** What the record will hold, from the report: the exact record is shown once it is sent. */
function preview(report: Report, datasetId: string) {
  return {
    dataset_id: datasetId || null,
    content_sha256: report.file.sha256,
    byte_size: report.file.size,
    detected_type: report.file.kind,
    quality_score: report.score,
  };
}

/** Submits the scored file's record (metadata only) to Supabase through the package's outbox,
 * into the dataset the file was valued against. Mounted once per page: the submitter lives as
 * long as the page. */
export function SubmitPanel({
  report,
  datasetId,
  onSubmitted,
  submitter,
}: {
  report: Report | null;
  datasetId: string;
  onSubmitted: () => void;
  /** Filled here with the page's one submitter; the many-files queue submits through it too. */
  submitter: RefObject<Submitter | null>;
}) {
  const [ready, setReady] = useState(false);
  const [pending, setPending] = useState<number | null>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);

  useEffect(() => {
    if (MISSING.length) return;
    let live = true; // strict mode mounts twice in development: ignore the disposed one
    const refresh = () =>
      s.pending().then(
        (n) => live && setPending(n),
        () => live && setPending(null), // no session: nothing to count
      );
    const s = createSubmitter({
      supabaseUrl: SUPABASE_URL,
      anonKey: ANON_KEY,
      accessToken: DEMO_ACCESS_TOKEN,
      onFlush: () => void refresh(), // start-up flush, retries, 'online'
    });
    submitter.current = s;
    setReady(true);
    return () => {
      live = false;
      submitter.current = null;
      s.dispose();
    };
  }, [submitter]);

  if (!report) return null;

  async function submit(r: Report) {
    const s = submitter.current;
    if (!s) return;
    setOutcome({ report: r, state: 'sending' });
    let next: Outcome;
    try {
      const result = await s.submit(r, { datasetId });
      next =
        result.status === 'sent'
          ? { report: r, state: 'sent', record: result.record }
          : {
              report: r,
              state: 'queued',
              record: result.record,
              code: result.error ? codeOf(result.error) : 'pending',
              message: result.error ? messageOf(result.error) : 'not sent yet',
            };
    } catch (e) {
      next = { report: r, state: 'refused', code: codeOf(e), message: messageOf(e) };
    }
    if (submitter.current !== s) return; // unmounted meanwhile
    setOutcome(next);
    if (next.state === 'sent') onSubmitted();
    setPending(await s.pending().catch(() => null));
  }

  const mine = outcome?.report === report ? outcome : null; // a newer file hides the old outcome
  const exact = mine && 'record' in mine ? mine.record : null; // the record as sent or queued
  const status = !mine ? 'not sent' : mine.state === 'sent' || mine.state === 'sending' ? mine.state : `${mine.state}: ${mine.code}`;

  return (
    <section className={styles.submit} data-testid="submit-panel">
      <h2>Submit</h2>
      {MISSING.length > 0 ? (
        <p data-testid="submit-disabled" className={styles.hint}>
          Submitting is off: set {MISSING.join(', ')} when building the app (see www/README.md).
        </p>
      ) : (
        <p className={styles.hint}>
          Only this record goes to the dataset: the file&apos;s hash, size, type and scores, never its content.
        </p>
      )}
      <div className={styles.submitRow}>
        <div>
          <button
            data-testid="submit-button"
            disabled={MISSING.length > 0 || !ready || !datasetId || mine?.state === 'sending'}
            onClick={() => void submit(report)}
          >
            Submit
          </button>
          <p aria-live="polite">
            Status: <strong data-testid="submit-status">{status}</strong>
          </p>
          {mine?.state === 'queued' && (
            <p data-testid="submit-message">Kept in the outbox, sent later ({mine.message}).</p>
          )}
          {mine?.state === 'refused' && (
            <p role="alert" data-testid="submit-message" className={styles.error}>
              {mine.message}
            </p>
          )}
          <p>
            Waiting in the outbox: <span data-testid="submit-pending">{pending ?? '—'}</span>
          </p>
        </div>
        <figure>
          <figcaption>
            {!exact
              ? 'Record to send (plus the sub-scores, flag counts, model and scorer version)'
              : mine?.state === 'sent'
                ? 'Record sent'
                : 'Record waiting in the outbox'}
          </figcaption>
          <pre data-testid={exact ? 'submit-record' : 'submit-preview'} className={styles.json}>
            {JSON.stringify(exact ?? preview(report, datasetId), null, 2)}
          </pre>
        </figure>
      </div>
    </section>
  );
}
