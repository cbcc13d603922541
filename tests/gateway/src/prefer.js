'use strict';
// The `Prefer` header as PostgREST parses it (src/PostgREST/ApiRequest/Preferences.hs): all
// Prefer headers are split on commas; the first value of each kind wins; unknown values are
// collected (an error only with handling=strict). Preference-Applied lists the honoured ones in
// PostgREST's order: resolution, missing, return, count, handling.

const KINDS = {
  resolution: ['merge-duplicates', 'ignore-duplicates'],
  return: ['representation', 'minimal', 'headers-only'],
  params: ['single-object'],
  count: ['exact', 'planned', 'estimated'],
  tx: ['commit', 'rollback'],
  missing: ['default', 'null'],
  handling: ['strict', 'lenient'],
};

function parsePrefer(headerValue) {
  const values = [headerValue ?? []].flat().flatMap((h) => String(h).split(','))
    .map((v) => v.trim()).filter((v) => v !== '');
  const prefs = { invalid: [] };
  for (const value of values) {
    const [kind, ...rest] = value.split('=');
    const arg = rest.join('=');
    if (Object.hasOwn(KINDS, kind) && KINDS[kind].includes(arg)) {
      if (!(kind in prefs)) prefs[kind] = arg;
    } else if (kind !== 'timezone' && kind !== 'max-affected') {
      prefs.invalid.push(value);
    }
  }
  // tx=commit|rollback is accepted but not honoured (PostgREST's db-tx-end default).
  delete prefs.tx;
  return prefs;
}

/** Preference-Applied value for the preferences a request honoured (null: no header). */
function preferenceApplied(prefs, { resolution = true } = {}) {
  const applied = [];
  if (resolution && prefs.resolution) applied.push(`resolution=${prefs.resolution}`);
  if (prefs.missing) applied.push(`missing=${prefs.missing}`);
  if (prefs.return) applied.push(`return=${prefs.return}`);
  if (prefs.count) applied.push(`count=${prefs.count}`);
  if (prefs.handling) applied.push(`handling=${prefs.handling}`);
  return applied.length ? applied.join(', ') : null;
}

module.exports = { parsePrefer, preferenceApplied };
