#!/usr/bin/env python
import os
import sys
from pathlib import Path


def use_local_development_services() -> None:
    """A checkout with no configuration at all (no DATABASE_URL, no DJANGO_DEBUG, no .env) is a
    developer's: point manage.py at `make run`'s local PostgreSQL and Redis in debug mode. Anything
    configured (production always sets DATABASE_URL) is left exactly as it is."""
    root = Path(__file__).resolve().parent
    if "DATABASE_URL" in os.environ or "DJANGO_DEBUG" in os.environ or (root / ".env").exists():
        return
    password_file = root / ".local" / "run" / "pg.password"
    password = password_file.read_text().strip() if password_file.exists() else ""
    pg_port = os.environ.get("PORTAL_PG_PORT", "55432")
    redis_port = os.environ.get("PORTAL_REDIS_PORT", "56379")
    os.environ["DJANGO_DEBUG"] = "true"
    os.environ["DATABASE_URL"] = f"postgres://portal:{password}@127.0.0.1:{pg_port}/portal"
    os.environ.setdefault("REDIS_URL", f"redis://127.0.0.1:{redis_port}/0")


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    use_local_development_services()
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
