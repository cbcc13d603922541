#!/usr/bin/env bash
# Runs a command against a local Supabase stand-in, started from nothing and torn down after:
#   1. a fresh PostgreSQL 15 in a temp dir on a free loopback port (scripts/pg.sh start: the
#      platform stand-in + supabase/migrations in order, as `supabase db reset` would);
#   2. the PostgREST-compatible test gateway (tests/gateway) in front of it.
# The command sees GATEWAY_URL (http://127.0.0.1:<port>, what supabase-js calls the project URL),
# PG_PORT, PG_DB (superuser postgres, trust auth on 127.0.0.1) and JWT_SECRET.
# Everything started is stopped on exit, whatever happens; the command's exit status is returned.
#
# Usage: scripts/with-stack.sh COMMAND [ARG...]
# Needs: /usr/lib/postgresql/15/bin (apt-get install postgresql-15; or set PGBIN), node >= 20.
set -euo pipefail
(($# > 0)) || { echo "usage: scripts/with-stack.sh COMMAND [ARG...]" >&2; exit 2; }
caller=$PWD # the command runs where it was given
cd "$(dirname "$0")/.."

PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
export PGBIN
say() { echo "stack: $*" >&2; }

if [[ ! -x $PGBIN/initdb || ! -x $PGBIN/pg_ctl || ! -x $PGBIN/psql ]]; then
  say "PostgreSQL 15 is missing: $PGBIN/initdb not found."
  say "Install it with: apt-get install -y postgresql-15   (or set PGBIN to its bin directory)"
  exit 2
fi
if ! command -v node >/dev/null || (($(node -p 'process.versions.node.split(".")[0]') < 20)); then
  say "node >= 20 is required"
  exit 2
fi
if [[ ! -f tests/gateway/node_modules/pg/package.json ]]; then
  say "npm ci in tests/gateway (the pg package)"
  (cd tests/gateway && npm ci --no-audit --no-fund --silent)
fi

tmp=$(mktemp -d /tmp/valuation-stack.XXXXXX)
chmod 755 "$tmp" # the PostgreSQL server user must be able to enter it
gateway_pid=""
cmd_pid=""
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if [[ -n $cmd_pid ]] && kill -0 "$cmd_pid" 2>/dev/null; then
    kill "$cmd_pid" 2>/dev/null || true
    wait "$cmd_pid" 2>/dev/null || true
  fi
  if [[ -n $gateway_pid ]] && kill -0 "$gateway_pid" 2>/dev/null; then
    kill "$gateway_pid" 2>/dev/null || true
    wait "$gateway_pid" 2>/dev/null || true
  fi
  if ((rc != 0 && rc != 130 && rc != 143)); then # not for Ctrl-C or TERM
    [[ -s $tmp/gateway.err ]] && { say "gateway stderr (last lines):"; tail -n 20 "$tmp/gateway.err" >&2; }
    [[ -s $tmp/pg/server.log ]] && { say "PostgreSQL log (last lines):"; tail -n 8 "$tmp/pg/server.log" >&2; }
  fi
  scripts/pg.sh stop "$tmp/pg" || say "could not stop PostgreSQL in $tmp/pg"
  rm -rf "$tmp"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

free_port() {
  node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

started=$(date +%s.%N)
port=$(free_port)
if ! scripts/pg.sh start "$tmp/pg" "$port" app 2>"$tmp/pg-start.err"; then
  # the free port may have been taken in between: one more try on another port
  [[ -f $tmp/pg/data/postmaster.pid ]] && { cat "$tmp/pg-start.err" >&2; exit 1; }
  rm -rf "$tmp/pg"
  port=$(free_port)
  scripts/pg.sh start "$tmp/pg" "$port" app
fi
say "PostgreSQL 15 on 127.0.0.1:$port ($(awk -v s="$started" -v e="$(date +%s.%N)" 'BEGIN{printf "%.1f", e-s}') s)"

export JWT_SECRET=${JWT_SECRET:-super-secret-jwt-token-with-at-least-32-characters-long}
export PG_PORT=$port PG_DB=app
unset GATEWAY_FAULTS
node tests/gateway/src/server.js --port 0 --database-url "postgres://authenticator@127.0.0.1:$port/app" \
  >"$tmp/gateway.out" 2>"$tmp/gateway.err" </dev/null &
gateway_pid=$!
for _ in $(seq 100); do
  grep -q '^listening on ' "$tmp/gateway.out" 2>/dev/null && break
  kill -0 "$gateway_pid" 2>/dev/null || { say "the gateway exited"; exit 1; }
  sleep 0.1
done
gateway_port=$(sed -n 's/^listening on \([0-9]*\)$/\1/p' "$tmp/gateway.out")
[[ -n $gateway_port ]] || { say "the gateway did not start within 10 s"; exit 1; }
export GATEWAY_URL=http://127.0.0.1:$gateway_port
say "test gateway on $GATEWAY_URL"

# In the background + wait, so that a signal runs the cleanup at once.
(cd "$caller" && exec "$@") &
cmd_pid=$!
wait "$cmd_pid"
cmd_pid=""
say "done in $(awk -v s="$started" -v e="$(date +%s.%N)" 'BEGIN{printf "%.1f", e-s}') s"
