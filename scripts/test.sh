#!/usr/bin/env bash
# `make test`: everything CI checks, from a fresh machine. Stops at the first failure.
# `make test ARGS="tests/claims/test_services.py -k submit"` (or `scripts/test.sh <pytest args>`) runs
# just pytest with those arguments, without the lint and check steps: the quick loop on one file.
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

# pytest exits 5 when it collected nothing: a wrong path or marker, never a pass.
pytest_phase() {
  local rc=0 phase_start; phase_start=$(date +%s)
  run pytest --durations=20 "$@" || rc=$?
  if [ "$rc" = 5 ]; then die "pytest collected no tests"; fi
  [ "$rc" = 0 ] || exit "$rc"
  say "pytest phase took $(( $(date +%s) - phase_start ))s"
}

compiled_assets() {
  say "compilemessages + collectstatic"
  run python manage.py compilemessages --ignore=.venv --ignore=.local >/dev/null
  run python manage.py collectstatic --noinput >/dev/null
}

if [ $# -gt 0 ]; then
  # Only what is stale: a catalogue newer than its compiled file, static files newer than the manifest.
  stale=""
  for po in locale/*/LC_MESSAGES/django.po; do [ "${po%.po}.mo" -nt "$po" ] || stale=1; done
  manifest="$DJANGO_STATIC_ROOT/staticfiles.json"
  if [ ! -f "$manifest" ] || [ -n "$(find static -newer "$manifest" -print -quit)" ]; then stale=1; fi
  if [ -n "$stale" ]; then compiled_assets; fi
  say "pytest $*"
  pytest_phase "$@"
  say "make test ARGS=... passed in $(( $(date +%s) - start ))s"
  exit 0
fi

say "ruff check";  run ruff check .
say "ruff format --check"; run ruff format --check .
say "mypy"; run mypy .
say "import-linter"; run lint-imports
say "makemigrations --check"; run python manage.py makemigrations --check --dry-run
say "check --deploy (production settings)"
DJANGO_DEBUG=false DJANGO_SECRET_KEY="$(head -c 48 /dev/urandom | base64)" \
  DJANGO_ALLOWED_HOSTS=portal.example.id DJANGO_LOG_FORMAT=json TRUSTED_PROXY_COUNT=1 \
  NIK_ENCRYPTION_KEYS="$(head -c 32 /dev/urandom | base64)" NIK_BLIND_INDEX_KEY="$(head -c 32 /dev/urandom | base64)" \
  run python manage.py check --deploy --fail-level WARNING
compiled_assets
pytest_start=$(date +%s)

# The suite in parallel: each pytest-xdist worker has its own PostgreSQL database (cloned from a
# template migrated once, tests/database.py) and its own Redis databases (tests/parallel.py); `auto` is
# one worker per core, at most 7 (Redis has 16 databases, two per worker).
# Browser (e2e), real-worker (integration) and fault-injection (faults) tests are their own pytest run,
# started alongside: they mostly wait on Chromium, a Celery worker or a restart, and fill the gaps the
# suite leaves on the cores. The fault tests stop and start a Redis server of their own and SIGKILL
# their own worker process (tests/faults/conftest.py), so the suite's Redis is never touched.
# As a serial run they use test_portal and Redis databases 0 and 1, which no xdist worker touches; with
# PORTAL_TEST_WORKERS=0 (no xdist) they run after the suite instead. Line coverage (sys.monitoring,
# pyproject.toml: a few per cent of CPU) of both runs is reported once at the end.
workers="${PORTAL_TEST_WORKERS:-auto}"
group_log="$LOCAL/test/e2e-integration.log"
group_coverage="$LOCAL/test/coverage-e2e-integration"
group_pid=""
start_group() {
  # setsid: its own process group, so an early exit (trap below) stops pytest, Chromium and all.
  # The fault tests run first and in a pytest process of their own: they point the process's Celery
  # app at their own Redis, which the producers built by earlier browser and real-worker tests in the
  # same process would otherwise bypass (their sends then reached the suite's Redis, not the worker's).
  # shellcheck disable=SC2016 # $0 is expanded by the inner shell: the uv binary passed below
  COVERAGE_FILE="$group_coverage" setsid bash -c '
    "$0" run --locked --no-sync pytest --durations=20 -m faults --cov --cov-report= || exit $?
    "$0" run --locked --no-sync pytest --durations=20 -m "e2e or integration" --cov --cov-report= --cov-append
  ' "$UV" >"$group_log" 2>&1 &
  group_pid=$!
  trap 'kill -- -"$group_pid" 2>/dev/null || true; scripts/services.sh stop test' EXIT
}
finish_group() {
  local rc=0
  wait "$group_pid" || rc=$?
  trap 'scripts/services.sh stop test' EXIT
  cat "$group_log"
  if [ "$rc" = 5 ]; then die "pytest collected no e2e, integration or faults tests"; fi
  [ "$rc" = 0 ] || die "the browser, real-worker and fault tests failed (output above, also in ${group_log#"$ROOT"/})"
}

rm -f "$group_coverage"
if [ "$workers" != 0 ]; then
  say "pytest: browser (e2e), real-worker (integration) and fault (faults) tests, in the background"
  start_group
fi
say "pytest -n $workers: the suite without the e2e and integration tests"
pytest_phase -n "$workers" --maxprocesses=7 --dist worksteal -m "not e2e and not integration and not faults" \
  --cov --cov-report=
if [ "$workers" = 0 ]; then start_group; fi
say "pytest: browser (e2e), real-worker (integration) and fault (faults) tests"
finish_group
say "pytest took $(( $(date +%s) - pytest_start ))s"
run coverage combine --append --quiet "$group_coverage"
run coverage report --skip-covered
say "make test passed in $(( $(date +%s) - start ))s"
