-- TEST ONLY. A stand-in for the platform objects every Supabase project already has, so that
-- the files in supabase/migrations/ can be applied to a bare PostgreSQL 15 exactly as
-- `supabase db reset` applies them to a Supabase database. NEVER apply this to a Supabase project.
--
-- Mirrors (same names, same semantics):
--   roles      supabase/postgres migrations/db/init-scripts/00000000000000-initial-schema.sql
--   auth.*()   supabase/auth migrations 20240624145325_recreate_auth_functions (uid, role, email)
--              and 20220531120530_add_auth_jwt_function (jwt)
--   grants     the default privileges Supabase applies to schema public: every new table, function
--              and sequence is granted to anon, authenticated and service_role. The migrations
--              must tighten this themselves, exactly as they must on Supabase.
-- Roles are cluster-wide, so this file is idempotent and can be applied to several databases
-- of one test cluster.

-- 1. Roles
do $$
begin
  if not exists (select from pg_roles where rolname = 'anon') then
    create role anon nologin noinherit;
  end if;
  if not exists (select from pg_roles where rolname = 'authenticated') then
    create role authenticated nologin noinherit;
  end if;
  if not exists (select from pg_roles where rolname = 'service_role') then
    create role service_role nologin noinherit bypassrls;
  end if;
  if not exists (select from pg_roles where rolname = 'authenticator') then
    create role authenticator login noinherit;
  end if;
end $$;

-- PostgREST (here: the test gateway) logs in as authenticator and switches to one of these.
grant anon, authenticated, service_role to authenticator;

-- Supabase's per-role statement timeouts (applied per request by PostgREST, as role settings
-- are not loaded by SET ROLE).
alter role anon set statement_timeout = '3s';
alter role authenticated set statement_timeout = '8s';

-- 2. Schemas and Supabase's default grants
create schema if not exists extensions;
create schema if not exists auth;

grant usage on schema public     to postgres, anon, authenticated, service_role;
grant usage on schema extensions to postgres, anon, authenticated, service_role;
grant usage on schema auth       to anon, authenticated, service_role;

alter default privileges in schema public grant all on tables    to postgres, anon, authenticated, service_role;
alter default privileges in schema public grant all on functions to postgres, anon, authenticated, service_role;
alter default privileges in schema public grant all on sequences to postgres, anon, authenticated, service_role;

-- 3. auth.users: the columns the project's migrations and tests use (Supabase Auth owns the real one).
create table if not exists auth.users (
  id         uuid primary key,
  email      text,
  created_at timestamptz not null default now()
);

-- 4. The helpers RLS policies call. Only request.jwt.claims is set by PostgREST >= 10; the
--    request.jwt.claim.* fallbacks are kept because Supabase's own functions keep them.
create or replace function auth.uid() returns uuid
language sql stable set search_path to '' as $$
  select coalesce(
    nullif(current_setting('request.jwt.claim.sub', true), ''),
    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub')
  )::uuid
$$;

create or replace function auth.role() returns text
language sql stable set search_path to '' as $$
  select coalesce(
    nullif(current_setting('request.jwt.claim.role', true), ''),
    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'role')
  )::text
$$;

create or replace function auth.email() returns text
language sql stable set search_path to '' as $$
  select coalesce(
    nullif(current_setting('request.jwt.claim.email', true), ''),
    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'email')
  )::text
$$;

create or replace function auth.jwt() returns jsonb
language sql stable set search_path to '' as $$
  select coalesce(
    nullif(current_setting('request.jwt.claim', true), ''),
    nullif(current_setting('request.jwt.claims', true), '')
  )::jsonb
$$;

grant execute on function auth.uid(), auth.role(), auth.email(), auth.jwt()
  to anon, authenticated, service_role;
