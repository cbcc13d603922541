'use client';

import { useEffect, useState } from 'react';
import { CONTRIBUTIONS_PER_PAGE, listMyContributions, type Contribution } from './lib/contributions';
import type { Dataset } from './lib/datasets';
import { MISSING, type Page } from './lib/supabase';
import styles from './page.module.css';

const codeOf = (e: unknown) => (e as { code?: string } | null)?.code ?? 'internal';
const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e));

function subScores(s: Contribution['sub_scores']): string {
  return Object.entries(s)
    .map(([name, value]) => `${name} ${value ?? 'n/a'}`)
    .join(', ');
}

/** The signed-in user's contributions read back from data_contributions (RLS: own rows only),
 * newest first, a page at a time. `refreshKey` changes after every submit. */
export function MyContributions({ refreshKey, datasets }: { refreshKey: number; datasets: Dataset[] }) {
  const [page, setPage] = useState(0);
  const [result, setResult] = useState<Page<Contribution> | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (MISSING.length) return;
    let live = true;
    listMyContributions(page).then(
      (r) => live && (setResult(r), setError(null)),
      (e) => live && setError(`${codeOf(e)}: ${messageOf(e)}`),
    );
    return () => {
      live = false;
    };
  }, [page, refreshKey]);

  const names = new Map(datasets.map((d) => [d.id, d.name]));
  const rows = result?.rows ?? [];
  const total = result?.total ?? null;
  const first = page * CONTRIBUTIONS_PER_PAGE;
  const hasNext = total !== null ? first + rows.length < total : rows.length === CONTRIBUTIONS_PER_PAGE;

  return (
    <section className={styles.submit} aria-labelledby="my-contributions-title">
      <h2 id="my-contributions-title">My contributions</h2>
      {error && (
        <p role="alert" className={styles.error} data-testid="contributions-error">
          {error}
        </p>
      )}
      <p aria-live="polite" data-testid="contributions-summary">
        {!result ? 'Loading…' : total === 0 ? 'Nothing contributed yet.' : `${first + 1}–${first + rows.length} of ${total ?? '?'}, newest first`}
      </p>
      {rows.length > 0 && (
        <table className={styles.table} data-testid="contributions">
          <caption className={styles.visuallyHidden}>Your contributions, newest first</caption>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Dataset</th>
              <th scope="col">File (SHA-256)</th>
              <th scope="col">Score</th>
              <th scope="col">Sub-scores</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((c) => (
              <tr key={c.id} data-sha256={c.content_sha256} data-dataset-id={c.dataset_id}>
                <td>{new Date(c.created_at).toLocaleString()}</td>
                <td>{names.get(c.dataset_id) ?? c.dataset_id}</td>
                <td>
                  <code title={c.content_sha256}>{c.content_sha256.slice(0, 12)}…</code> {c.detected_type},{' '}
                  {c.byte_size} bytes
                </td>
                <td data-testid="contribution-score">{Number(c.quality_score)}</td>
                <td>{subScores(c.sub_scores)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <nav aria-label="My contributions pages" className={styles.pager}>
        <button disabled={page === 0} onClick={() => setPage((p) => Math.max(0, p - 1))}>
          Newer
        </button>
        <button disabled={!hasNext} onClick={() => setPage((p) => p + 1)}>
          Older
        </button>
      </nav>
    </section>
  );
}
