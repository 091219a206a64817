#!/usr/bin/env bash
# `make test`: everything CI checks, from a fresh machine. Stops at the first failure.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"
cd "$ROOT"
start=$(date +%s)

apt_ensure msgfmt gettext
apt_ensure file file  # brings libmagic, which python-magic needs to sniff uploads
apt_ensure chromium chromium
python_env
UV="$(uv_bin)"
run() { "$UV" run --locked --no-sync "$@"; }

scripts/services.sh start test
trap 'scripts/services.sh stop test' EXIT
eval "$(scripts/services.sh env test)"
export DJANGO_DEBUG=true DJANGO_READ_DOT_ENV_FILE=false
export DJANGO_STATIC_ROOT="$LOCAL/test/static"
# Uploads and PDFs written by tests go to a throwaway directory, emptied on every run.
export DJANGO_MEDIA_ROOT="$LOCAL/test/media"
rm -rf "$DJANGO_MEDIA_ROOT"

say "ruff check";  run ruff check .
say "ruff format --check"; run ruff format --check .
say "mypy"; run mypy .
say "import-linter"; run lint-imports
say "makemigrations --check"; run python manage.py makemigrations --check --dry-run
say "check --deploy (production settings)"
DJANGO_DEBUG=false DJANGO_SECRET_KEY="$(head -c 48 /dev/urandom | base64)" \
  DJANGO_ALLOWED_HOSTS=portal.example.id DJANGO_LOG_FORMAT=json \
  NIK_ENCRYPTION_KEYS="$(head -c 32 /dev/urandom | base64)" NIK_BLIND_INDEX_KEY="$(head -c 32 /dev/urandom | base64)" \
  run python manage.py check --deploy --fail-level WARNING
say "compilemessages + collectstatic"
run python manage.py compilemessages --ignore=.venv --ignore=.local >/dev/null
run python manage.py collectstatic --noinput >/dev/null

say "pytest"
set +e
run pytest --cov --cov-report=term:skip-covered "$@"
rc=$?
set -e
if [ "$rc" = 5 ]; then die "pytest collected no tests"; fi
[ "$rc" = 0 ] || exit "$rc"
say "make test passed in $(( $(date +%s) - start ))s"
