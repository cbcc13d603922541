'use strict';
// GET/HEAD /rest/v1/<table>?select=...&<col>=eq.<v>&order=...&limit=...: 200 + JSON array,
// filtered by RLS (never an error). Accept: application/vnd.pgrst.object+json -> one object or 406.

const { errors, JSON_TYPE } = require('./errors');
const { preferenceApplied } = require('./prefer');
const { selectStatement } = require('./sql');

const SINGLE_OBJECT = 'application/vnd.pgrst.object+json';

async function handleRead({ table, query, prefs, accept, search, run }) {
  const counted = prefs.count === 'exact' || prefs.count === 'estimated';
  const statement = selectStatement({ table, ...query, count: counted });
  const result = await run({ readOnly: true }, statement);

  const n = result.page_total;
  const total = result.total === null ? null : Number(result.total);
  const range = n > 0 ? `${query.offset}-${query.offset + n - 1}` : '*';
  const headers = {
    'Content-Range': `${range}/${total ?? '*'}`,
    'Content-Location': `/${table.name}${search ? `?${search}` : ''}`,
  };
  const applied = preferenceApplied({ count: prefs.count, handling: prefs.handling }, { resolution: false });
  if (applied) headers['Preference-Applied'] = applied;

  if ((accept ?? '').includes(SINGLE_OBJECT)) {
    if (n !== 1) return errors.singularity(n);
    return { status: 200, headers: { ...headers, 'Content-Type': `${SINGLE_OBJECT}; charset=utf-8` }, body: result.first };
  }
  const partial = total !== null && (query.offset > 0 || query.offset + n < total);
  return { status: partial ? 206 : 200, headers: { ...headers, 'Content-Type': JSON_TYPE }, body: result.body };
}

module.exports = { handleRead };
