#!/usr/bin/env bash
# Project-local PostgreSQL and Redis for development (`run`) and tests (`test`).
#
#   scripts/services.sh start run|test   create on first use, then start; reuse if already running
#   scripts/services.sh stop  run|test   stop what `start` started (data is kept)
#   scripts/services.sh env   run|test   print `export DATABASE_URL=... REDIS_URL=...`
#
# The test profile also runs a hot standby of its PostgreSQL (streaming replication, built once with
# pg_basebackup -R into .local/test/standby, port PORTAL_TEST_STANDBY_PORT): the read-replica tests
# (tests/portal/test_db_router_replica.py) read from it through PORTAL_TEST_STANDBY_URL.
#
# Data lives in .local/<profile>/ (ignored by git). PostgreSQL refuses to run as root, so when uid is 0
# the server runs as the `postgres` user. A DATABASE_URL or REDIS_URL already in the environment means
# "use that server" and the matching local service is left alone.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

cmd="${1:-}"; profile="${2:-}"
case "$profile" in
  run)  pg_port="${PORTAL_PG_PORT:-55432}";      redis_port="${PORTAL_REDIS_PORT:-56379}" ;;
  test) pg_port="${PORTAL_TEST_PG_PORT:-55433}"; redis_port="${PORTAL_TEST_REDIS_PORT:-56380}"
        standby_port="${PORTAL_TEST_STANDBY_PORT:-55434}" ;;
  *) die "usage: $0 start|stop|env run|test" ;;
esac
dir="$LOCAL/$profile"
pgdata="$dir/pgdata"
redis_dir="$dir/redis"
owner="$dir/started-services"

pg_bindir() {
  local d
  d="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
  if [ -z "$d" ]; then
    apt_ensure pg_ctlcluster postgresql
    d="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
  fi
  [ -x "$d/pg_ctl" ] || die "PostgreSQL server binaries not found under /usr/lib/postgresql"
  echo "$d"
}

as_pg() {
  if [ "$(id -u)" = "0" ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pg_password() {
  [ -f "$dir/pg.password" ] || { mkdir -p "$dir"; head -c 18 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' > "$dir/pg.password"; }
  cat "$dir/pg.password"
}

pg_init() {
  local bin="$1" pwfile
  mkdir -p "$pgdata"
  if [ "$(id -u)" = "0" ]; then
    id postgres >/dev/null 2>&1 || die "the 'postgres' system user is missing (install the postgresql package)"
    chown postgres: "$pgdata"; chmod 700 "$pgdata"
    # The postgres user must be able to traverse down to the data directory.
    local p="$pgdata"; while [ "$p" != "/" ]; do p="$(dirname "$p")"; chmod o+x "$p" 2>/dev/null || true; done
  fi
  pwfile="$(mktemp)"; pg_password > "$pwfile"; chmod 644 "$pwfile"
  say "Creating PostgreSQL cluster in ${pgdata#"$ROOT"/}"
  as_pg "$bin/initdb" -D "$pgdata" -U portal --pwfile="$pwfile" --auth-local=peer \
    --auth-host=scram-sha-256 --encoding=UTF8 --locale=C.UTF-8 >/dev/null \
    || { rm -f "$pwfile"; die "initdb failed"; }
  rm -f "$pwfile"
}

# Our settings live in portal.conf, rewritten on every start so changes here reach existing clusters.
pg_configure() {
  grep -q "include_if_exists = 'portal.conf'" "$pgdata/postgresql.conf" \
    || echo "include_if_exists = 'portal.conf'" | as_pg tee -a "$pgdata/postgresql.conf" >/dev/null
  {
    echo "# Written by scripts/services.sh; edit there."
    echo "listen_addresses = '127.0.0.1'"
    echo "unix_socket_directories = ''"
    echo "max_connections = 100"
    echo "shared_buffers = 512MB"
    echo "effective_cache_size = 4GB"
    echo "work_mem = 32MB"
    echo "maintenance_work_mem = 256MB"
    echo "max_wal_size = 4GB"
    echo "checkpoint_timeout = 15min"
    # Short OLTP queries: JIT compilation costs more than it saves (measured ~300 ms on the dashboard).
    echo "jit = off"
    if [ "$profile" = test ]; then
      # Throwaway test data: durability is not needed, speed is.
      echo "fsync = off"; echo "synchronous_commit = off"; echo "full_page_writes = off"
    fi
  } | as_pg tee "$pgdata/portal.conf" >/dev/null
}

pg_running() { as_pg "$1/pg_ctl" status -D "$pgdata" >/dev/null 2>&1; }

pg_start() {
  if [ -n "${DATABASE_URL:-}" ]; then say "DATABASE_URL is set: using that PostgreSQL"; return; fi
  local bin; bin="$(pg_bindir)"
  [ -f "$pgdata/PG_VERSION" ] || pg_init "$bin"
  if pg_running "$bin"; then
    say "PostgreSQL ($profile) already running on port $pg_port: reusing it"
    return
  fi
  if port_in_use "$pg_port"; then
    die "port $pg_port is taken by another program; set PORTAL_${profile^^}_PG_PORT to a free port (or PORTAL_PG_PORT for run)"
  fi
  pg_configure
  say "Starting PostgreSQL ($profile) on 127.0.0.1:$pg_port"
  # setsid: Ctrl-C in the terminal must not reach the server; the caller stops it cleanly instead.
  as_pg setsid -w "$bin/pg_ctl" start -D "$pgdata" -o "-p $pg_port" -l "$pgdata/server.log" -w -t 60 >/dev/null \
    || die "PostgreSQL did not start; see ${pgdata#"$ROOT"/}/server.log"
  echo postgres >> "$owner"
  PGPASSWORD="$(pg_password)" "$bin/psql" -h 127.0.0.1 -p "$pg_port" -U portal -d postgres -qtAc \
    "SELECT 1 FROM pg_database WHERE datname = 'portal'" | grep -q 1 \
    || PGPASSWORD="$(pg_password)" "$bin/createdb" -h 127.0.0.1 -p "$pg_port" -U portal portal
}

# The test cluster's hot standby. Built on first start (a few seconds on a fresh cluster); afterwards it
# resumes streaming from its replication slot, which keeps the WAL it has not received yet.
standby="$dir/standby"
standby_start() {
  [ "$profile" = test ] && [ -z "${DATABASE_URL:-}" ] || return 0
  local bin; bin="$(pg_bindir)"
  if as_pg "$bin/pg_ctl" status -D "$standby" >/dev/null 2>&1; then
    say "PostgreSQL standby (test) already running on port $standby_port: reusing it"; return
  fi
  if [ ! -f "$standby/standby.signal" ]; then
    say "Creating the hot standby in ${standby#"$ROOT"/} (pg_basebackup -R)"
    rm -rf "$standby"; mkdir -p "$standby"
    if [ "$(id -u)" = "0" ]; then chown postgres: "$standby"; fi
    chmod 700 "$standby"
    # -c fast: checkpoint now, instead of waiting for a spread one (over a minute).
    # A slot left by an earlier standby (its directory deleted) would keep WAL forever.
    PGPASSWORD="$(pg_password)" "$bin/psql" -h 127.0.0.1 -p "$pg_port" -U portal -d postgres -qtAc \
      "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = 'portal_standby'" >/dev/null
    as_pg env PGPASSWORD="$(pg_password)" "$bin/pg_basebackup" -h 127.0.0.1 -p "$pg_port" -U portal \
      -D "$standby" -R -X stream -c fast -C -S portal_standby >/dev/null || die "pg_basebackup failed"
  fi
  if port_in_use "$standby_port"; then
    die "port $standby_port is taken by another program; set PORTAL_TEST_STANDBY_PORT to a free port"
  fi
  say "Starting the PostgreSQL hot standby (test) on 127.0.0.1:$standby_port"
  # Smaller buffers than the primary: it only serves the replica tests' reads.
  as_pg setsid -w "$bin/pg_ctl" start -D "$standby" -l "$standby/server.log" -w -t 60 \
    -o "-p $standby_port -c shared_buffers=128MB -c hot_standby_feedback=on" >/dev/null \
    || die "the PostgreSQL standby did not start; see ${standby#"$ROOT"/}/server.log"
  echo standby >> "$owner"
  # A test run that died while it had paused replay (the lag test) must not leave the standby paused.
  PGPASSWORD="$(pg_password)" "$bin/psql" -h 127.0.0.1 -p "$standby_port" -U portal -d postgres -qtAc \
    "SELECT pg_wal_replay_resume()" >/dev/null
}

redis_running() {
  [ -f "$redis_dir/redis.pid" ] && kill -0 "$(cat "$redis_dir/redis.pid")" 2>/dev/null
}

redis_start() {
  if [ -n "${REDIS_URL:-}" ]; then say "REDIS_URL is set: using that Redis"; return; fi
  apt_ensure redis-server redis-server
  mkdir -p "$redis_dir"
  if redis_running; then say "Redis ($profile) already running on port $redis_port: reusing it"; return; fi
  if port_in_use "$redis_port"; then
    die "port $redis_port is taken by another program; set PORTAL_${profile^^}_REDIS_PORT to a free port (or PORTAL_REDIS_PORT for run)"
  fi
  say "Starting Redis ($profile) on 127.0.0.1:$redis_port (AOF on, noeviction)"
  setsid redis-server --bind 127.0.0.1 --port "$redis_port" --dir "$redis_dir" \
    --appendonly yes --appendfsync everysec --maxmemory-policy noeviction \
    --daemonize yes --pidfile "$redis_dir/redis.pid" --logfile "$redis_dir/redis.log" \
    || die "Redis did not start; see ${redis_dir#"$ROOT"/}/redis.log"
  for _ in $(seq 1 50); do redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break; sleep 0.1; done
  redis-cli -p "$redis_port" ping >/dev/null 2>&1 || die "Redis did not answer on port $redis_port"
  echo redis >> "$owner"
}

stop() {
  [ -f "$owner" ] || return 0
  if grep -qx redis "$owner" && redis_running; then
    say "Stopping Redis ($profile)"
    redis-cli -p "$redis_port" shutdown >/dev/null 2>&1 || kill "$(cat "$redis_dir/redis.pid")" || true
  fi
  if grep -qx standby "$owner" && as_pg "$(pg_bindir)/pg_ctl" status -D "$standby" >/dev/null 2>&1; then
    say "Stopping the PostgreSQL standby ($profile)"
    as_pg "$(pg_bindir)/pg_ctl" stop -D "$standby" -m fast -w >/dev/null || true
  fi
  if grep -qx postgres "$owner"; then
    local bin; bin="$(pg_bindir)"
    if pg_running "$bin"; then
      say "Stopping PostgreSQL ($profile)"
      as_pg "$bin/pg_ctl" stop -D "$pgdata" -m fast -w >/dev/null || true
    fi
  fi
  rm -f "$owner"
}

case "$cmd" in
  # HAProxy runs in front of gunicorn in production (haproxy/haproxy.cfg); its tests and the overload
  # benchmark start their own, so it is only installed here.
  start) mkdir -p "$dir"; pg_start; standby_start; redis_start; apt_ensure haproxy haproxy ;;
  stop) stop ;;
  env)
    if [ -z "${DATABASE_URL:-}" ]; then
      echo "export DATABASE_URL='postgres://portal:$(pg_password)@127.0.0.1:$pg_port/portal'"
    fi
    if [ "$profile" = test ] && [ -z "${DATABASE_URL:-}" ]; then
      echo "export PORTAL_TEST_STANDBY_URL='postgres://portal:$(pg_password)@127.0.0.1:$standby_port/portal'"
    fi
    if [ -z "${REDIS_URL:-}" ]; then echo "export REDIS_URL='redis://127.0.0.1:$redis_port/0'"; fi
    ;;
  *) die "usage: $0 start|stop|env run|test" ;;
esac
