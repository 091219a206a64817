#!/usr/bin/env bash
# `scripts/manage.sh <command> ...`: manage.py with the development environment of `make run`
# (DJANGO_DEBUG=true and the local PostgreSQL/Redis URLs). Start them first with `make run` or
# `scripts/services.sh start run` for commands that touch the database.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"
cd "$ROOT"
eval "$(scripts/services.sh env run)"
export DJANGO_DEBUG="${DJANGO_DEBUG:-true}"
exec "$UV_PROJECT_ENVIRONMENT/bin/python" manage.py "$@"
