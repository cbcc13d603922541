'use strict';
// SQL text for PostgREST-shaped statements. Identifiers are quoted; values travel as parameters
// ($1 = the JSON body for inserts; filter values for reads), never inlined.

const { FILTER_OPERATORS } = require('./query-params');

const ident = (name) => `"${String(name).replaceAll('"', '""')}"`;
const literal = (text) => `'${String(text).replaceAll("'", "''")}'`;
const qualified = (table) => `${ident(table.schema)}.${ident(table.name)}`;

/** [{column, alias}] -> 'col, "c" AS "alias"'; null select -> every column of the table. */
function selectItems(table, select) {
  const items = select ?? table.columns.map((c) => ({ column: c.name, alias: null }));
  return {
    sql: items.map(({ column, alias }) => (alias ? `${ident(column)} AS ${ident(alias)}` : ident(column))).join(', '),
    outputNames: items.map(({ column, alias }) => ident(alias ?? column)).join(', '),
  };
}

function whereClause(filters, values) {
  if (filters.length === 0) return '';
  const terms = filters.map(({ column, op, negate, value }) => {
    let term;
    if (op === 'is') {
      term = `${ident(column)} IS ${value.toUpperCase()}`;
    } else if (op === 'in') {
      values.push(value);
      term = `${ident(column)} = ANY($${values.length})`;
    } else {
      values.push(value);
      term = `${ident(column)} ${FILTER_OPERATORS[op]} $${values.length}`;
    }
    return negate ? `NOT (${term})` : term;
  });
  return ` WHERE ${terms.join(' AND ')}`;
}

function orderClause(order) {
  if (order.length === 0) return '';
  return ` ORDER BY ${order.map(({ column, direction, nulls }) =>
    [ident(column), direction, nulls].filter(Boolean).join(' ')).join(', ')}`;
}

/** Rows of the JSON array in $1 as a SELECT of the target columns (json_to_recordset, as PostgREST). */
function bodySource(columns, missingDefault) {
  if (columns.length === 0) return 'SELECT FROM json_array_elements($1::json)';
  const names = columns.map((c) => ident(c.name)).join(', ');
  const recordType = columns.map((c) => `${ident(c.name)} ${c.type}`).join(', ');
  if (!missingDefault) return `SELECT ${names} FROM json_to_recordset($1::json) AS _(${recordType})`;
  // Prefer: missing=default -> keys absent from an object take the column default
  const defaults = columns.filter((c) => c.default !== null).map((c) => `${literal(c.name)}, ${c.default}`);
  const row = defaults.length ? `jsonb_build_object(${defaults.join(', ')}) || pgrst_elem` : 'pgrst_elem';
  return `SELECT ${names} FROM jsonb_array_elements($1::jsonb) AS pgrst_elem, `
    + `LATERAL jsonb_to_record(${row}) AS _(${recordType})`;
}

/**
 * INSERT of a JSON array, wrapped in a CTE like PostgREST's. Returns one row:
 * page_total (rows written), body (JSON text or null), location (pk JSON text or null),
 * inserted (rows inserted rather than updated; merge-duplicates only).
 *   returning: 'minimal' | 'representation' | 'headers-only'
 *   conflict:  null | { target: [column], action: 'ignore' | 'merge' }
 */
function insertStatement({ table, columns, rowsJson, conflict, returning, select, missingDefault }) {
  const merge = conflict?.action === 'merge' && columns.length > 0;
  let onConflict = '';
  if (conflict) {
    onConflict = ` ON CONFLICT (${conflict.target.map(ident).join(', ')}) `
      + (merge ? `DO UPDATE SET ${columns.map((c) => `${ident(c.name)} = EXCLUDED.${ident(c.name)}`).join(', ')}` : 'DO NOTHING');
  }
  const returned = [];
  let body = 'NULL::text';
  let location = 'NULL::text';
  if (returning === 'representation') {
    const items = selectItems(table, select);
    returned.push(items.sql);
    body = `(SELECT coalesce(json_agg(_postgrest_t), '[]')::text FROM (SELECT ${items.outputNames} FROM pgrst_source) _postgrest_t)`;
  } else if (returning === 'headers-only' && table.pk.length > 0) {
    const pk = table.pk.map(ident).join(', ');
    returned.push(pk);
    location = `(SELECT row_to_json(_postgrest_t)::text FROM (SELECT ${pk} FROM pgrst_source LIMIT 1) _postgrest_t)`;
  }
  if (merge) returned.push('(xmax = 0) AS pgrst_inserted');
  if (returned.length === 0) returned.push('1');
  const inserted = merge ? '(SELECT count(*) FROM pgrst_source WHERE pgrst_inserted)::int' : 'NULL::int';
  const text = `WITH pgrst_source AS (INSERT INTO ${qualified(table)}(${columns.map((c) => ident(c.name)).join(', ')}) `
    + `${bodySource(columns, missingDefault)}${onConflict} RETURNING ${returned.join(', ')}) `
    + `SELECT (SELECT count(*) FROM pgrst_source)::int AS page_total, ${body} AS body, `
    + `${location} AS location, ${inserted} AS inserted`;
  return { text, values: [rowsJson] };
}

/** SELECT returning one row: body (JSON array text), first (first element or null), page_total, total. */
function selectStatement({ table, select, filters, order, limit, offset, count }) {
  const values = [];
  const where = whereClause(filters, values);
  let range = '';
  if (limit !== null) range += ` LIMIT ${limit}`;
  if (offset > 0) range += ` OFFSET ${offset}`;
  const total = count ? `(SELECT count(*) FROM ${qualified(table)}${where})::bigint` : 'NULL::bigint';
  const text = `SELECT coalesce(json_agg(_postgrest_t), '[]')::text AS body, `
    + `(json_agg(_postgrest_t) -> 0)::text AS first, count(*)::int AS page_total, ${total} AS total `
    + `FROM (SELECT ${selectItems(table, select).sql} FROM ${qualified(table)}${where}${orderClause(order)}${range}) _postgrest_t`;
  return { text, values };
}

module.exports = { insertStatement, selectStatement, ident };
