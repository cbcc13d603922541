'use strict';
// PostgREST's schema cache, reduced to what inserts and reads need: the exposed schema's
// relations (tables, partitioned tables, views, ...), their columns (type, default) and primary
// keys, plus per-role settings (statement_timeout, ...) that PostgREST applies per request.
// Reloaded on `NOTIFY pgrst, 'reload schema'` (as PostgREST and Supabase do after DDL).

const pg = require('pg');

const RELATIONS_SQL = `
select c.relname as name,
       c.relkind as kind,
       coalesce((select json_agg(json_build_object(
                   'name', a.attname,
                   'type', pg_catalog.format_type(a.atttypid, a.atttypmod),
                   'default', pg_catalog.pg_get_expr(d.adbin, d.adrelid)) order by a.attnum)
                 from pg_catalog.pg_attribute a
                 left join pg_catalog.pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
                 where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped), '[]') as columns,
       coalesce((select json_agg(a.attname order by k.ord)
                 from pg_catalog.pg_index i
                 cross join lateral unnest(i.indkey::int2[]) with ordinality as k(attnum, ord)
                 join pg_catalog.pg_attribute a on a.attrelid = i.indrelid and a.attnum = k.attnum
                 where i.indrelid = c.oid and i.indisprimary), '[]') as pk
from pg_catalog.pg_class c
join pg_catalog.pg_namespace n on n.oid = c.relnamespace
where n.nspname = $1 and c.relkind in ('r', 'v', 'm', 'f', 'p')`;

const ROLE_SETTINGS_SQL = `
select r.rolname as role, s.setconfig as settings
from pg_catalog.pg_db_role_setting s
join pg_catalog.pg_roles r on r.oid = s.setrole
where s.setdatabase in (0, (select oid from pg_catalog.pg_database where datname = current_database()))
order by s.setdatabase`;

class SchemaCache {
  constructor(pool, schema) {
    this.pool = pool;
    this.schema = schema;
    this.relations = null;
    this.roleSettingsByRole = new Map();
    this.version = 0;
    this.loadedAt = null;
  }

  async load() {
    const [relations, settings] = await Promise.all([
      this.pool.query(RELATIONS_SQL, [this.schema]),
      this.pool.query(ROLE_SETTINGS_SQL),
    ]);
    const byName = new Map();
    for (const row of relations.rows) {
      byName.set(row.name, {
        schema: this.schema,
        name: row.name,
        kind: row.kind,
        columns: row.columns,
        columnByName: new Map(row.columns.map((c) => [c.name, c])),
        pk: row.pk,
      });
    }
    const roleSettings = new Map();
    for (const row of settings.rows) {
      // database-specific settings come last and override cluster-wide ones
      const current = roleSettings.get(row.role) ?? new Map();
      for (const entry of row.settings) {
        const eq = entry.indexOf('=');
        current.set(entry.slice(0, eq), entry.slice(eq + 1));
      }
      roleSettings.set(row.role, current);
    }
    this.relations = byName;
    this.roleSettingsByRole = roleSettings;
    this.version += 1;
    this.loadedAt = new Date().toISOString();
  }

  get loaded() { return this.relations !== null; }

  table(name) { return this.relations?.get(name) ?? null; }

  roleSettings(role) { return [...(this.roleSettingsByRole.get(role) ?? new Map())]; }
}

/** LISTEN on channel pgrst; calls onReload() for '' and 'reload schema' payloads. */
async function listenForReload(databaseUrl, onReload, log) {
  const client = new pg.Client({ connectionString: databaseUrl, application_name: 'pgrst-test-gateway listener' });
  client.on('error', (err) => log(`schema listener: ${err.message}`));
  client.on('notification', (msg) => {
    if (msg.channel === 'pgrst' && (msg.payload === '' || msg.payload === 'reload schema')) onReload();
  });
  await client.connect();
  await client.query('LISTEN pgrst');
  return client;
}

module.exports = { SchemaCache, listenForReload };
