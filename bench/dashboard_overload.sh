#!/usr/bin/env bash
# Open-loop load on the dashboard of the 1 M × 24 months scale database, served by gunicorn with
# production settings (throwaway keys; the NIK key is the development one seed_scale encrypted with).
# Needs: the test cluster running (scripts/services.sh start test), a database made with
#   DATABASE_URL=.../portal_scale24 manage.py migrate && manage.py seed_scale --participants 1000000 --months 24
# Each run first logs in 1,000 scale participants afresh (sessions end after 30 idle minutes), then
# loads the dashboard at each RATExSECONDS given, e.g. a warm-up and two loads:
#   bench/dashboard_overload.sh 50x20 100x30 400x60      (scripts/bench.sh dashboard runs a fixed set)
# The load goes through HAProxy with haproxy/haproxy.cfg (the production front, which sheds what waited
# more than WEB_MAX_QUEUE_WAIT with 503) to gunicorn; BENCH_DIRECT=1 sends it to gunicorn directly, to
# compare without shedding. BENCH_PROFILE=run uses `make run`'s services (fsync on) instead of the
# test ones. Other environment passes through to gunicorn and HAProxy.
set -euo pipefail
cd "$(dirname "$0")/.."
eval "$(scripts/services.sh env "${BENCH_PROFILE:-test}")"
export DATABASE_URL=${DATABASE_URL%/*}/${SCALE_DATABASE:-portal_scale24} DJANGO_DEBUG=false \
  DJANGO_LOG_FORMAT=json DJANGO_LOG_LEVEL=INFO DJANGO_READ_DOT_ENV_FILE=false \
  DJANGO_SECRET_KEY=bench-overload-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz \
  DJANGO_ALLOWED_HOSTS=127.0.0.1 DJANGO_SECURE_SSL_REDIRECT=false \
  NIK_ENCRYPTION_KEYS=ZGV2LW9ubHktbmlrLWtleS1kby1ub3QtdXNlLTAwMDE= \
  NIK_BLIND_INDEX_KEY=bench-overload-blind-index-key-0123456789 DJANGO_STATIC_ROOT=.local/test/static \
  PYTHONPATH=. WEB_CONCURRENCY=2 WEB_THREADS=4
port=${BENCH_PORT:-8766} web_port=${BENCH_WEB_PORT:-8767}
export WEB_BIND=127.0.0.1:$web_port PROXY_BIND=127.0.0.1:$port WEB_MAXCONN=$((WEB_CONCURRENCY * WEB_THREADS))
[ "${BENCH_DIRECT:-}" = 1 ] && port=$web_port
if ! .venv/bin/python manage.py shell -c "from participants.models import Contribution; \
    raise SystemExit(0 if Contribution.objects.exists() else 1)" >/dev/null 2>&1; then
  echo "No scale data in ${DATABASE_URL##*/}: create it first (see the top of $0)." >&2
  exit 1
fi
.venv/bin/python bench/dashboard_load.py prepare --users 1000 2>/dev/null
log=.local/bench-overload-gunicorn.log proxy_log=.local/bench-overload-haproxy.log
: > "$log"; : > "$proxy_log"
.venv/bin/gunicorn portal.wsgi -c gunicorn.conf.py --daemon --pid .local/bench-overload.pid --error-logfile "$log"
haproxy -db -f haproxy/haproxy.cfg 2>"$proxy_log" &
proxy_pid=$!
stop() {  # and wait, so the next run can bind the ports
  kill "$proxy_pid" 2>/dev/null || true
  local pid; pid=$(cat .local/bench-overload.pid 2>/dev/null) || return 0
  kill "$pid" 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null; do sleep 0.2; done
}
trap stop EXIT
for _ in $(seq 1 100); do curl -sf -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.2; done
for spec in "$@"; do
  rate=${spec%x*}; secs=${spec#*x}
  echo "== $rate req/s for $secs s; load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
  timeout $((secs * 3 + 30)) node bench/open_loop.mjs "http://127.0.0.1:$port/peserta/" "$rate" "$secs" \
    || echo "(generator stopped by timeout)"
done
# HAProxy logs only what went wrong; a request shed from its queue ends with termination state sQ.
echo "shed by HAProxy (queue time-out): $(grep -c ' sQ' "$proxy_log" || true); other HAProxy log lines: $(grep -vc ' sQ' "$proxy_log" || true)"
