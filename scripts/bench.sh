#!/usr/bin/env bash
# `make bench`: the benchmarks in bench/ (not part of make test). Results go to bench/README.md by hand.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$ROOT"
python_env
scripts/services.sh start test
trap 'scripts/services.sh stop test' EXIT
eval "$(scripts/services.sh env test)"
export DJANGO_DEBUG=true DJANGO_READ_DOT_ENV_FILE=false DJANGO_STATIC_ROOT="$LOCAL/test/static" PYTHONPATH="$ROOT"
.venv/bin/python manage.py migrate --noinput >/dev/null
.venv/bin/python manage.py compilemessages --ignore=.venv --ignore=.local >/dev/null
.venv/bin/python manage.py collectstatic --noinput >/dev/null
say "Page weight"; .venv/bin/python bench/page_weight.py
say "HTTP load"; bash bench/http_load.sh
