'use strict';
// POST /rest/v1/<table>: insert one JSON object or a JSON array (one statement, one transaction).

const { errors, JSON_TYPE } = require('./errors');
const { preferenceApplied } = require('./prefer');
const { insertStatement } = require('./sql');

const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
const sameKeys = (a, b) => a.length === b.length && a.every((k) => b.includes(k));

/** Returns { columns } or { response }: the target columns, from ?columns= or the body's keys. */
function targetColumns(table, rows, columnsParam) {
  let names;
  if (columnsParam) {
    names = [...new Set(columnsParam)];
  } else {
    names = Object.keys(rows[0] ?? {});
    if (!rows.every((row) => sameKeys(Object.keys(row), names))) {
      return { response: errors.invalidBody('All object keys must match') };
    }
  }
  const missing = names.find((name) => !table.columnByName.has(name));
  if (missing !== undefined) return { response: errors.columnNotFound(table.name, missing) };
  return { columns: names.map((name) => table.columnByName.get(name)) };
}

/** Parse the body; returns { rows } or { response }. Run before the table lookup, like PostgREST. */
function parseInsertBody(bodyText) {
  let payload;
  try {
    payload = JSON.parse(bodyText);
  } catch {
    return { response: errors.invalidBody('Empty or invalid json') };
  }
  const rows = Array.isArray(payload) ? payload : [payload];
  if (!rows.every(isObject)) return { response: errors.invalidBody('Empty or invalid json') };
  return { rows };
}

async function handleInsert({ table, rows, query, prefs, run }) {
  const target = targetColumns(table, rows, query.columns);
  if (target.response) return target.response;

  let conflict = null;
  if (prefs.resolution) {
    const conflictTarget = query.onConflict ?? table.pk;
    if (conflictTarget.length > 0) {
      conflict = { target: conflictTarget, action: prefs.resolution === 'merge-duplicates' ? 'merge' : 'ignore' };
    }
  }
  const returning = prefs.return ?? 'minimal';
  const statement = insertStatement({
    table,
    columns: target.columns,
    rowsJson: JSON.stringify(rows),
    conflict,
    returning,
    select: query.select,
    missingDefault: prefs.missing === 'default' && query.columns !== null,
  });
  const result = await run({ readOnly: false }, statement);

  const counted = prefs.count === 'exact' || prefs.count === 'estimated';
  const headers = { 'Content-Range': `*/${counted ? result.page_total : '*'}` };
  const applied = preferenceApplied(prefs, { resolution: conflict !== null });
  if (applied) headers['Preference-Applied'] = applied;
  if (result.location) {
    const pk = JSON.parse(result.location);
    headers.Location = `/${table.name}?${Object.entries(pk)
      .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(`eq.${v}`)}`).join('&')}`;
  }
  const status = conflict?.action === 'merge' && result.inserted <= 0 ? 200 : 201;
  if (returning === 'representation') {
    return { status, headers: { ...headers, 'Content-Type': JSON_TYPE }, body: result.body };
  }
  return { status, headers, body: '' };
}

module.exports = { handleInsert, parseInsertBody };
