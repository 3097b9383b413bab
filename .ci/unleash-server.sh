#!/usr/bin/env bash
# Runs a real Unleash server (npm package unleash-server 8.x with Node 22 from npm, pinned by the lock file next to its
# package.json) on a real PostgreSQL, both on 127.0.0.1, for the adapters-unleash tests.
#
#   .ci/unleash-server.sh start      installs what is missing, starts PostgreSQL + Unleash, waits for health
#   .ci/unleash-server.sh stop       stops both (by the pids this script recorded)
#   .ci/unleash-server.sh stop-app   stops only Unleash (an outage; PostgreSQL keeps its data)
#   .ci/unleash-server.sh start-app  starts Unleash again on the same database
#   .ci/unleash-server.sh install    only installs PostgreSQL (apt) and unleash-server (npm)
#
# Environment (all optional except the tokens for start):
#   UNLEASH_STATE_DIR   where the database, logs and pid files live (default: adapters-unleash/target/unleash-server)
#   UNLEASH_HTTP_PORT   Unleash's port (default 4242)
#   UNLEASH_PG_PORT     PostgreSQL's port (default 55432)
#   UNLEASH_TEST_ADMIN_TOKEN, UNLEASH_TEST_CLIENT_TOKEN   the init tokens (admin "*:*.secret", backend "*:development.secret")
#   UNLEASH_NPM_CACHE   where unleash-server is npm-installed (default ~/.cache/llm-rollout)
#   UNLEASH_PKG_DIR     another package.json + package-lock.json + start.mjs to run (default: the pinned
#                       one in adapters-unleash/src/test/unleash-server); a "node" dependency in it is
#                       used instead of the system's node (e.g. Node 22 for unleash-server 8.x)
#
# Each start initialises a fresh database, because Unleash inserts its init tokens only into an
# empty api_tokens table.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PKG_DIR="${UNLEASH_PKG_DIR:-$ROOT/adapters-unleash/src/test/unleash-server}"
STATE="${UNLEASH_STATE_DIR:-$ROOT/adapters-unleash/target/unleash-server}"
HTTP_PORT="${UNLEASH_HTTP_PORT:-4242}"
PG_PORT="${UNLEASH_PG_PORT:-55432}"
CACHE_ROOT="${UNLEASH_NPM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/llm-rollout}"
LOCK_SUM="$(sha256sum "$PKG_DIR/package-lock.json" | cut -c1-16)"
APP_DIR="$CACHE_ROOT/unleash-server-$LOCK_SUM"

log() { echo "[unleash-server.sh] $*" >&2; }

as_postgres() {
  # PostgreSQL refuses to run as root; on CI we may be root, on a laptop we are not.
  if [ "$(id -u)" = 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

pg_bin() {
  local dir
  for dir in /usr/lib/postgresql/*/bin; do
    if [ -x "$dir/initdb" ]; then
      echo "$dir"
      return 0
    fi
  done
  return 1
}

install_postgres() {
  if pg_bin >/dev/null; then
    return 0
  fi
  log "PostgreSQL is missing; installing Debian's postgresql package"
  local sudo=""
  if [ "$(id -u)" != 0 ]; then
    if command -v sudo >/dev/null; then sudo="sudo -n"; else
      log "run as root: apt-get update && apt-get install -y postgresql"
      exit 3
    fi
  fi
  $sudo apt-get update -q >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends postgresql >&2
  pg_bin >/dev/null || { log "PostgreSQL still missing after apt-get install"; exit 3; }
}

install_unleash() {
  if [ -f "$APP_DIR/.installed" ]; then
    return 0
  fi
  command -v npm >/dev/null || { log "npm is missing: install Node.js 20+ (apt-get install -y nodejs npm)"; exit 3; }
  log "installing unleash-server from $PKG_DIR/package-lock.json into $APP_DIR"
  rm -rf "$APP_DIR"
  mkdir -p "$APP_DIR"
  cp "$PKG_DIR/package.json" "$PKG_DIR/package-lock.json" "$APP_DIR/"
  if grep -q '"node":' "$PKG_DIR/package.json"; then
    # The node package sets its binary up in an install script.
    (cd "$APP_DIR" && npm ci --no-audit --no-fund --loglevel=error >&2)
  else
    (cd "$APP_DIR" && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error >&2)
  fi
  touch "$APP_DIR/.installed"
}

start_postgres() {
  local bin pg
  bin="$(pg_bin)"
  # The postgres user must reach the data directory; a checkout under /root would be out of its
  # reach, so as root the database lives in a fresh directory under /tmp.
  if [ "$(id -u)" = 0 ]; then
    pg="$(mktemp -d /tmp/llm-rollout-unleash-pg.XXXXXX)"
    chown postgres:postgres "$pg"
  else
    pg="$STATE/pg"
    rm -rf "$pg"
    mkdir -p "$pg"
  fi
  echo "$pg" >"$STATE/pg.path"
  as_postgres "$bin/initdb" -D "$pg/data" -U postgres --auth=trust -E UTF8 >"$STATE/initdb.log" 2>&1
  as_postgres "$bin/pg_ctl" -D "$pg/data" -w -t 60 \
    -o "-p $PG_PORT -k $pg -c listen_addresses=127.0.0.1 -c fsync=off" \
    -l "$pg/pg.log" start >&2
  "$bin/psql" -q -h 127.0.0.1 -p "$PG_PORT" -U postgres \
    -c "CREATE USER unleash_user WITH PASSWORD 'password';" \
    -c "CREATE DATABASE unleash OWNER unleash_user;" >&2
}

start_app() {
  : "${UNLEASH_TEST_ADMIN_TOKEN:?set UNLEASH_TEST_ADMIN_TOKEN}"
  : "${UNLEASH_TEST_CLIENT_TOKEN:?set UNLEASH_TEST_CLIENT_TOKEN}"
  (
    cd "$APP_DIR"
    cp "$PKG_DIR/start.mjs" "$APP_DIR/start.mjs"
    export HTTP_PORT UNLEASH_PG_PORT="$PG_PORT" SEND_TELEMETRY=false CHECK_VERSION=false \
      INIT_ADMIN_API_TOKENS="$UNLEASH_TEST_ADMIN_TOKEN" \
      INIT_BACKEND_API_TOKENS="$UNLEASH_TEST_CLIENT_TOKEN" \
      UNLEASH_DEFAULT_ADMIN_USERNAME=admin UNLEASH_DEFAULT_ADMIN_PASSWORD=unleash4all
    local node=node
    if [ -x node_modules/.bin/node ]; then node=./node_modules/.bin/node; fi
    nohup "$node" start.mjs >>"$STATE/unleash.log" 2>&1 &
    echo $! >"$STATE/unleash.pid"
  )
  local deadline=$((SECONDS + 120))
  until healthy; do
    if ! kill -0 "$(cat "$STATE/unleash.pid")" 2>/dev/null; then
      log "Unleash exited; last log lines:"; tail -20 "$STATE/unleash.log" >&2; exit 4
    fi
    if [ $SECONDS -ge $deadline ]; then log "Unleash not healthy after 120 s"; exit 4; fi
    sleep 0.3
  done
  log "Unleash is healthy on http://127.0.0.1:$HTTP_PORT"
}

stop_app() {
  local pidfile="$STATE/unleash.pid"
  if [ -f "$pidfile" ]; then
    local pid
    pid="$(cat "$pidfile")"
    if kill "$pid" 2>/dev/null; then
      for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -9 "$pid" 2>/dev/null || true
    fi
    rm -f "$pidfile"
  fi
}

stop_postgres() {
  [ -f "$STATE/pg.path" ] || return 0
  local pg
  pg="$(cat "$STATE/pg.path")"
  if [ -f "$pg/data/postmaster.pid" ]; then
    as_postgres "$(pg_bin)/pg_ctl" -D "$pg/data" -m fast -w stop >&2 || true
  fi
  case "$pg" in /tmp/llm-rollout-unleash-pg.*) rm -rf "$pg" ;; esac
  rm -f "$STATE/pg.path"
}

healthy() {
  # Node is there anyway (Unleash runs on it); curl may not be on a fresh machine.
  node -e "fetch('http://127.0.0.1:$HTTP_PORT/health').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"
}

case "${1:-}" in
  install) install_postgres; install_unleash ;;
  start)
    install_postgres; install_unleash
    mkdir -p "$STATE"
    stop_app; stop_postgres
    start_postgres; start_app ;;
  stop) stop_app; stop_postgres ;;
  stop-app) stop_app ;;
  start-app) start_app ;;
  *) echo "usage: $0 start|stop|stop-app|start-app|install" >&2; exit 2 ;;
esac
