#!/usr/bin/env bash
# `make bench`: the benchmarks in bench/ (not part of make test). Results go to bench/README.md by hand.
#   scripts/bench.sh            page weight + HTTP load
#   scripts/bench.sh import     import_contributions throughput (throwaway database portal_bench)
#   scripts/bench.sh dashboard  open-loop dashboard load on the 1 M x 24 months scale database
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$ROOT"
python_env
scripts/services.sh start test
trap 'scripts/services.sh stop test' EXIT
eval "$(scripts/services.sh env test)"
export DJANGO_DEBUG=true DJANGO_READ_DOT_ENV_FILE=false DJANGO_STATIC_ROOT="$LOCAL/test/static" PYTHONPATH="$ROOT"
export DJANGO_LOG_LEVEL=WARNING

bench_database() {  # a fresh, migrated database named $1 on the test cluster
  local base="${DATABASE_URL%/*}"
  PGPASSWORD="$(cat "$LOCAL/test/pg.password")" psql -q -h 127.0.0.1 -p "${PORTAL_TEST_PG_PORT:-55433}" \
    -U portal -d portal -c "DROP DATABASE IF EXISTS $1" -c "CREATE DATABASE $1"
  export DATABASE_URL="$base/$1"
  .venv/bin/python manage.py migrate --noinput >/dev/null
}

case "${1:-web}" in
  import)
    bench_database portal_bench
    say "import_contributions throughput"; .venv/bin/python bench/import_contributions.py
    ;;
  web)
    .venv/bin/python manage.py migrate --noinput >/dev/null
    .venv/bin/python manage.py compilemessages --ignore=.venv --ignore=.local >/dev/null
    .venv/bin/python manage.py collectstatic --noinput >/dev/null
    say "Page weight"; .venv/bin/python bench/page_weight.py
    say "HTTP load"; bash bench/http_load.sh
    ;;
  dashboard)
    say "Dashboard, open loop (warm-up, 3 x 100 req/s, 400 req/s)"
    bash bench/dashboard_overload.sh 50x20 100x30 100x30 100x30 400x60
    ;;
  *) die "usage: scripts/bench.sh [web|import|dashboard]" ;;
esac
