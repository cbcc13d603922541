import type { Report } from '@dataunion/valuation';

const ROW = 24;
const LABEL = 90; // px of the label column
const SCALE = 2; // px per point: 100 points = 200 px

// Only what the chart draws; every sub-score in the report has this shape or is null.
type Bar = { score: number; weight: number } | null;

function color(score: number): string {
  if (score >= 80) return '#2f9e44';
  if (score >= 50) return '#f08c00';
  return '#e03131';
}

/** One horizontal bar per sub-score; sub-scores that did not apply (null) are shown as n/a. */
export function SubscoreChart({ subscores }: { subscores: Report['subscores'] }) {
  const rows = Object.entries(subscores as Record<string, Bar>).map(([name, sub]) => ({
    name,
    score: sub?.score ?? null,
    weight: sub?.weight ?? null,
  }));
  return (
    <svg
      data-testid="subscores"
      role="img"
      aria-label="Sub-scores"
      viewBox={`0 0 ${LABEL + 100 * SCALE + 110} ${rows.length * ROW}`}
      style={{ width: '100%', maxWidth: 520, font: '12px system-ui, sans-serif' }}
    >
      {rows.map(({ name, score, weight }, i) => (
        <g key={name} transform={`translate(0 ${i * ROW})`}>
          <text x={LABEL - 6} y={16} textAnchor="end">
            {name}
          </text>
          <rect x={LABEL} y={4} width={100 * SCALE} height={16} fill="#f1f3f5" />
          {score !== null && <rect x={LABEL} y={4} width={score * SCALE} height={16} fill={color(score)} />}
          <text x={LABEL + 100 * SCALE + 6} y={16} fill={score === null ? '#495057' : undefined}>
            {score === null ? 'n/a' : `${score} · weight ${Math.round((weight ?? 0) * 100)}%`}
          </text>
        </g>
      ))}
    </svg>
  );
}
