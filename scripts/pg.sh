#!/usr/bin/env bash
# A throw-away PostgreSQL 15 for tests, loaded the way `supabase db reset` loads a project:
# the Supabase platform stand-in (tests/supabase/platform.sql, test only), then every file of
# supabase/migrations/ in filename order.
#
#   scripts/pg.sh start DIR PORT [DB]   initdb DIR/data, start on 127.0.0.1:PORT, then reset PORT DB (default app)
#   scripts/pg.sh reset PORT DB         drop and recreate DB, apply platform.sql + migrations
#   scripts/pg.sh stop DIR              stop the server started in DIR (DIR itself is left alone)
#
# Connect as postgres://postgres@127.0.0.1:PORT/DB (superuser) or as authenticator, the role
# PostgREST uses. Binaries come from $PGBIN (default /usr/lib/postgresql/15/bin, Debian's
# postgresql-15 package). PostgreSQL refuses to run as root, so as root initdb and pg_ctl run as
# $PG_OS_USER (default postgres, created by that package); DIR must be reachable by that user.
set -euo pipefail
export LC_ALL=C

ROOT=$(cd "$(dirname "$0")/.." && pwd)
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
PLATFORM_SQL=$ROOT/tests/supabase/platform.sql
MIGRATIONS_DIR=$ROOT/supabase/migrations

die() { echo "pg.sh: $*" >&2; exit 1; }

usage() {
  grep '^#   scripts/pg.sh' "$0" | sed 's/^# *//' >&2
  exit 2
}

need_binaries() {
  local b
  for b in initdb pg_ctl psql; do
    [[ -x $PGBIN/$b ]] || die "PostgreSQL 15 not found: $PGBIN/$b is missing. Install it with
  apt-get install -y postgresql-15   (Debian 12), or point PGBIN at its bin directory."
  done
}

# The OS user that owns and runs the cluster: ourselves, or $PG_OS_USER when we are root.
server_user() {
  if [[ $(id -u) != 0 ]]; then id -un; return; fi
  local user=${PG_OS_USER:-postgres}
  id -u "$user" >/dev/null 2>&1 ||
    die "running as root, and PostgreSQL refuses root: user '$user' does not exist
  (apt-get install postgresql-15 creates 'postgres'; or set PG_OS_USER to another non-root user)"
  echo "$user"
}

# Run a server binary as the cluster's user, from a directory that user can enter.
as_server_user() {
  local dir=$1; shift
  if [[ $(id -u) == 0 ]]; then
    (cd "$dir" && runuser -u "$(server_user)" -- "$@")
  else
    (cd "$dir" && "$@")
  fi
}

psql_admin() {
  local port=$1 db=$2; shift 2
  PGOPTIONS='-c client_min_messages=warning' PGCONNECT_TIMEOUT=10 \
    "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U postgres -d "$db" "$@"
}

valid_port() {
  if ! [[ $1 =~ ^[0-9]+$ ]] || (($1 < 1 || $1 > 65535)); then die "bad port '$1'"; fi
}
valid_db() { [[ $1 =~ ^[a-z_][a-z0-9_]*$ ]] || die "bad database name '$1' (use [a-z0-9_])"; }

cmd_start() {
  (($# == 2 || $# == 3)) || usage
  local dir=$1 port=$2 db=${3:-app} user
  valid_port "$port"
  valid_db "$db"
  need_binaries
  user=$(server_user)
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  [[ ! -e $dir/data ]] || die "$dir/data already exists; use a fresh directory"
  if [[ $(id -u) == 0 ]]; then
    chown "$user" "$dir"
    chmod 700 "$dir"
    runuser -u "$user" -- test -w "$dir" ||
      die "user '$user' cannot write to $dir: every parent directory must be searchable by it (chmod o+x)"
  fi

  if ! as_server_user "$dir" "$PGBIN/initdb" -D "$dir/data" -U postgres --auth=trust --encoding=UTF8 \
      --locale=C.UTF-8 --no-sync --no-instructions >"$dir/initdb.log" 2>&1; then
    cat "$dir/initdb.log" >&2
    die "initdb failed"
  fi
  # Loopback TCP only; the unix socket goes into DIR so nothing touches /var/run/postgresql.
  # Durability is off: the cluster is thrown away after the run.
  if ! as_server_user "$dir" "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 -o \
      "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
      start >/dev/null; then
    tail -n 20 "$dir/server.log" >&2 || true
    die "PostgreSQL did not start on 127.0.0.1:$port (port taken?)"
  fi
  cmd_reset "$port" "$db"
}

cmd_reset() {
  (($# == 2)) || usage
  local port=$1 db=$2 file
  valid_port "$port"
  valid_db "$db"
  need_binaries
  psql_admin "$port" postgres -c "drop database if exists $db with (force)" -c "create database $db"
  psql_admin "$port" "$db" --single-transaction -f "$PLATFORM_SQL"
  shopt -s nullglob
  local files=("$MIGRATIONS_DIR"/*.sql)
  ((${#files[@]} > 0)) || die "no migrations in $MIGRATIONS_DIR"
  # Glob order is the C-locale filename order = the 14-digit timestamp order the CLI uses.
  for file in "${files[@]}"; do
    psql_admin "$port" "$db" --single-transaction -f "$file" || die "migration failed: ${file#"$ROOT"/}"
  done
}

cmd_stop() {
  (($# == 1)) || usage
  local dir=$1
  [[ -f $dir/data/postmaster.pid ]] || return 0
  need_binaries
  local pid state
  pid=$(head -n 1 "$dir/data/postmaster.pid")
  as_server_user "$dir" "$PGBIN/pg_ctl" -D "$dir/data" -m immediate -w -t 30 stop >/dev/null
  # pg_ctl returns once the pid file is gone; wait until the postmaster process is gone too
  # (a zombie left for init to reap is not running)
  for _ in $(seq 50); do
    state=$(ps -o stat= -p "$pid" 2>/dev/null || true)
    [[ -z $state || $state == Z* ]] && return 0
    sleep 0.1
  done
  die "the PostgreSQL server (pid $pid) is still running"
}

(($# >= 1)) || usage
command=$1
shift
case $command in
  start) cmd_start "$@" ;;
  reset) cmd_reset "$@" ;;
  stop) cmd_stop "$@" ;;
  *) usage ;;
esac
