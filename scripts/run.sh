#!/usr/bin/env bash
# `make run`: install what is missing, start PostgreSQL + Redis, prepare the database and serve the
# portal with a Celery worker and beat. Ctrl-C stops everything this script started; data stays.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"
cd "$ROOT"

PORT="${PORT:-8000}"
export PORT
mkdir -p "$LOCAL"
exec 9>"$LOCAL/run.lock"
flock -n 9 || die "another 'make run' is already running from this checkout (lock: .local/run.lock)"
port_in_use "$PORT" && die "port $PORT is already in use; stop the other server or run: PORT=8001 make run"

apt_ensure msgfmt gettext
apt_ensure file file  # brings libmagic, which python-magic needs to sniff uploads
python_env
UV="$(uv_bin)"

scripts/services.sh start run
trap 'scripts/services.sh stop run' EXIT
eval "$(scripts/services.sh env run)"

export DJANGO_DEBUG="${DJANGO_DEBUG:-true}"
# The fake payment gateway's sandbox posts its signed notifications back to this server.
export PORTAL_BASE_URL="${PORTAL_BASE_URL:-http://127.0.0.1:$PORT}"
manage() { "$UV" run --locked --no-sync python manage.py "$@"; }

say "Applying migrations"; manage migrate --noinput >/dev/null
say "Compiling translations"; manage compilemessages --ignore=.venv --ignore=.local >/dev/null
say "Collecting static files"; manage collectstatic --noinput >/dev/null
say "Loading demo data"; manage seed_demo

cat <<BANNER

  Portal Peserta is starting on  http://127.0.0.1:$PORT/
  Health:                        http://127.0.0.1:$PORT/healthz
  Admin (staff):                 http://127.0.0.1:$PORT/admin/
  Payment sandbox (development): http://127.0.0.1:$PORT/_dev/gateway/

  Demo logins (development data only; password for all: Demo-Portal-2026!)
    pekerja@demo.portal    worker (PU), 12 years of history
    resign@demo.portal     resigned, can claim JHT
    mandiri@demo.portal    BPU, paid through next month
    nunggak@demo.portal    BPU, nonaktif (4 unpaid months)
    multi@demo.portal      two KPJ under one NIK
    petugas.jkt@demo.portal / petugas.bdg@demo.portal / supervisor.jkt@demo.portal   staff
    admin@demo.portal      superuser (/admin/)

  Emails and SMS are printed below. Press Ctrl-C to stop; the data stays in .local/run/.

BANNER

# Ctrl-C reaches honcho (which stops web, worker and beat); this script survives it to run the EXIT
# trap that stops PostgreSQL and Redis cleanly.
trap ':' INT
"$UV" run --locked --no-sync honcho start -f Procfile || true
