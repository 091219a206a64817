# The two commands: `make run` starts the portal, `make test` runs every check CI runs.
# `make test ARGS="tests/claims/test_services.py -k submit"` runs only pytest with those arguments.
.PHONY: run test lint fmt typecheck messages bench services-stop shell

run:
	@scripts/run.sh

test:
	@scripts/test.sh $(ARGS)

lint:
	@.venv/bin/ruff check . && .venv/bin/ruff format --check .

fmt:
	@.venv/bin/ruff check --fix . && .venv/bin/ruff format .

typecheck:
	@.venv/bin/mypy .

# Refresh the translation catalogues after changing user-visible strings.
messages:
	@.venv/bin/python manage.py makemessages -l id -l en --ignore=.venv --ignore=.local --ignore=staticfiles

bench:
	@scripts/bench.sh

services-stop:
	@scripts/services.sh stop run; scripts/services.sh stop test
