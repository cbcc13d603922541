'use strict';
// The query-string subset of PostgREST this gateway understands:
//   select=a,b,alias:c | *          columns=a,b ("a","b" as postgrest-js sends them)
//   on_conflict=a,b,c               order=a.desc.nullslast,b
//   limit=N  offset=N               <column>=[not.]<op>.<value>, op in FILTER_OPERATORS
// Anything else is a 400 PGRST100, like PostgREST's parse errors.

const RESERVED = new Set(['select', 'columns', 'on_conflict', 'order', 'limit', 'offset', 'apikey', 'and', 'or']);
const FILTER_OPERATORS = {
  eq: '=', neq: '<>', gt: '>', gte: '>=', lt: '<', lte: '<=', like: 'LIKE', ilike: 'ILIKE', is: 'IS', in: 'IN',
};
const IDENTIFIER = /^[^\s"(),.:*]+$/;

class QueryParamError extends Error {
  constructor(message, details) {
    super(message);
    this.details = details;
  }
}

function splitList(value) {
  return value.split(',').map((s) => s.trim()).filter((s) => s !== '')
    .map((s) => (s.length >= 2 && s.startsWith('"') && s.endsWith('"') ? s.slice(1, -1) : s));
}

function parseSelect(value) {
  if (value === null || value.trim() === '' || value.trim() === '*') return null; // all columns
  return value.split(',').map((item) => {
    const trimmed = item.trim();
    const m = /^(?:([^:\s]+):)?([^:\s]+)$/.exec(trimmed);
    if (!m || !IDENTIFIER.test(m[2]) || (m[1] && !IDENTIFIER.test(m[1]))) {
      throw new QueryParamError(`failed to parse select parameter (${value})`,
        `unexpected "${trimmed}"; the test gateway supports column and alias:column only`);
    }
    return { column: m[2], alias: m[1] ?? null };
  });
}

function parseInList(raw) {
  const m = /^\((.*)\)$/s.exec(raw);
  if (!m) throw new QueryParamError(`failed to parse filter (in.${raw})`, 'expecting "(" ... ")"');
  if (m[1].trim() === '') return [];
  const items = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < m[1].length; i++) {
    const ch = m[1][i];
    if (quoted) {
      if (ch === '\\' && i + 1 < m[1].length) current += m[1][++i];
      else if (ch === '"') quoted = false;
      else current += ch;
    } else if (ch === '"') {
      quoted = true;
    } else if (ch === ',') {
      items.push(current.trim());
      current = '';
    } else {
      current += ch;
    }
  }
  items.push(current.trim());
  return items;
}

function parseFilter(column, raw) {
  if (!IDENTIFIER.test(column)) {
    throw new QueryParamError(`failed to parse filter (${column})`, 'the test gateway supports plain column filters only');
  }
  let rest = raw;
  let negate = false;
  if (rest.startsWith('not.')) {
    negate = true;
    rest = rest.slice(4);
  }
  const dot = rest.indexOf('.');
  const op = dot < 0 ? rest : rest.slice(0, dot);
  const value = dot < 0 ? '' : rest.slice(dot + 1);
  if (dot < 0 || !Object.hasOwn(FILTER_OPERATORS, op)) {
    throw new QueryParamError(`failed to parse filter (${raw})`,
      `unexpected "${op}" expecting one of ${Object.keys(FILTER_OPERATORS).join(', ')}`);
  }
  if (op === 'is' && !['null', 'true', 'false', 'unknown'].includes(value.toLowerCase())) {
    throw new QueryParamError(`failed to parse filter (${raw})`, 'expecting null, true, false or unknown');
  }
  if (op === 'in') return { column, op, negate, value: parseInList(value) };
  if (op === 'like' || op === 'ilike') return { column, op, negate, value: value.replaceAll('*', '%') };
  return { column, op, negate, value };
}

function parseOrder(value) {
  if (value === null) return [];
  return value.split(',').map((term) => {
    const [column, ...mods] = term.trim().split('.');
    let direction = null;
    let nulls = null;
    for (const mod of mods) {
      if (mod === 'asc' || mod === 'desc') direction = mod.toUpperCase();
      else if (mod === 'nullsfirst') nulls = 'NULLS FIRST';
      else if (mod === 'nullslast') nulls = 'NULLS LAST';
      else throw new QueryParamError(`failed to parse order (${value})`, `unexpected "${mod}"`);
    }
    if (!IDENTIFIER.test(column)) throw new QueryParamError(`failed to parse order (${value})`, `unexpected "${column}"`);
    return { column, direction, nulls };
  });
}

function parseCount(name, value) {
  if (value === null) return null;
  if (!/^\d+$/.test(value)) throw new QueryParamError(`failed to parse ${name} parameter (${value})`, 'expecting a non-negative integer');
  return Number(value);
}

/** Parse URLSearchParams into the request's select/filter/order/range/insert options. */
function parseQuery(searchParams) {
  for (const key of ['and', 'or']) {
    if (searchParams.has(key)) {
      throw new QueryParamError(`failed to parse logic tree (${searchParams.get(key)})`, 'not supported by the test gateway');
    }
  }
  const filters = [];
  for (const [key, value] of searchParams) {
    if (!RESERVED.has(key)) filters.push(parseFilter(key, value));
  }
  return {
    select: parseSelect(searchParams.get('select')),
    columns: searchParams.has('columns') ? splitList(searchParams.get('columns')) : null,
    onConflict: searchParams.has('on_conflict') ? splitList(searchParams.get('on_conflict')) : null,
    order: parseOrder(searchParams.get('order')),
    limit: parseCount('limit', searchParams.get('limit')),
    offset: parseCount('offset', searchParams.get('offset')) ?? 0,
    filters,
  };
}

module.exports = { parseQuery, QueryParamError, FILTER_OPERATORS };
