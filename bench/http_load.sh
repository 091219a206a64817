#!/usr/bin/env bash
# Throughput and latency of the home page and /healthz under gunicorn with production settings.
# Needs the test PostgreSQL/Redis (scripts/bench.sh starts them) and wrk (installed when missing).
set -euo pipefail
. "$(dirname "$0")/../scripts/lib.sh"
cd "$ROOT"
apt_ensure wrk wrk
port="${BENCH_PORT:-8765}"
export DJANGO_DEBUG=false DJANGO_SECRET_KEY="$(head -c 48 /dev/urandom | base64)" \
  DJANGO_ALLOWED_HOSTS=127.0.0.1 NIK_ENCRYPTION_KEYS="$(head -c 32 /dev/urandom | base64)" \
  NIK_BLIND_INDEX_KEY="$(head -c 32 /dev/urandom | base64)" DJANGO_SECURE_SSL_REDIRECT=false DJANGO_LOG_LEVEL=WARNING \
  WEB_BIND="127.0.0.1:$port" WEB_CONCURRENCY="${WEB_CONCURRENCY:-2}" WEB_THREADS="${WEB_THREADS:-4}"
.venv/bin/gunicorn portal.wsgi -c gunicorn.conf.py --daemon --pid "$LOCAL/bench-gunicorn.pid"
trap 'kill "$(cat "$LOCAL/bench-gunicorn.pid")" 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/" >/dev/null && break; sleep 0.1; done
for path in / /akun/login/; do
  echo "== GET $path (wrk -t2 -c16 -d15s, ${WEB_CONCURRENCY:-2} workers x ${WEB_THREADS:-4} threads)"
  wrk -t2 -c16 -d15s --latency "http://127.0.0.1:$port$path" | grep -E 'Latency|50%|90%|99%|Requests/sec|Non-2xx'
done
