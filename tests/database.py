"""The test databases: migrated once into a template, cloned per run, reset cheaply after transactional tests.

Migrating an empty database takes about half a minute of CPU, and a parallel run needs one database per
worker (test_portal_gw0, ...). So the migrated state is kept in a template database whose name carries a
fingerprint of everything that shapes it (our migrations, the locked third-party versions, the code here):
the first process that needs it migrates it, under a PostgreSQL advisory lock so parallel workers do not
race, and every test database is then created from it with `CREATE DATABASE ... TEMPLATE` (Django's
`TEST["TEMPLATE"]` setting). Each run still gets fresh test databases; only the migrations are not
replayed until they change.

The template also holds a copy of the rows the data migrations load (rates, staff groups, permissions,
content types) in the schema `test_reference`. Django ends every transactional test by emptying every
table and re-running post_migrate, after which the reference rows had to be loaded again (measured on a
shared machine: 2-3 s of flush and 3-4 s of reloading per test). Instead,
`reset_after_transactional_test` deletes the rows in tables that hold any and copies back just the
reference tables that changed (20-60 ms).
"""

from __future__ import annotations

import hashlib
import inspect
import os
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import psycopg
from django.apps import apps
from django.conf import settings
from django.db import connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from psycopg import sql

ROOT = Path(__file__).resolve().parents[1]
SNAPSHOT_SCHEMA = "test_reference"
MANY_ROWS = 5_000  # from this many rows in a table, TRUNCATE empties it faster than DELETE


def migrations_fingerprint() -> str:
    """A digest of what decides the migrated database: our migration files, uv.lock (third-party apps'
    migrations come with their versions) and the code below that builds the template."""
    digest = hashlib.sha256()
    for builder in (_build_template, _snapshot_reference_tables):
        digest.update(inspect.getsource(builder).encode())
    files = [ROOT / "uv.lock"]
    for app in apps.get_app_configs():
        app_path = Path(app.path)
        if app_path.is_relative_to(ROOT) and ".venv" not in app_path.parts:
            files += sorted((app_path / "migrations").glob("*.py"))
    for path in files:
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def template_name(alias: str = "default") -> str:
    """`<test database name>_tpl_<fingerprint>`, named after the test database (without pytest-xdist's
    worker suffix), so checkouts with their own DJANGO_TEST_DATABASE_NAME keep their own templates."""
    config = settings.DATABASES[alias]
    test_name = config["TEST"].get("NAME") or f"test_{config['NAME']}"
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    base = test_name.removesuffix(f"_{worker}") if worker else test_name
    return f"{base}_tpl_{migrations_fingerprint()}"


@contextmanager
def _maintenance_connection(alias: str) -> Iterator[psycopg.Connection[Any]]:
    """A connection to the server's `postgres` database, for creating and dropping databases."""
    config = settings.DATABASES[alias]
    with psycopg.connect(
        dbname="postgres",
        host=config["HOST"],
        port=config["PORT"] or None,
        user=config["USER"],
        password=config["PASSWORD"],
        autocommit=True,
    ) as maintenance:
        yield maintenance


def ensure_template(*, alias: str = "default") -> str:
    """The name of the migrated template database, built first if it does not exist."""
    name = template_name(alias)
    with _maintenance_connection(alias) as maintenance:
        # Held until the template exists: other workers wait here instead of migrating too.
        lock_key = int(hashlib.sha256(name.encode()).hexdigest()[:15], 16)
        maintenance.execute("SELECT pg_advisory_lock(%s)", [lock_key])
        try:
            exists = maintenance.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
            if not exists:
                _build_template(alias, name, maintenance)
        finally:
            maintenance.execute("SELECT pg_advisory_unlock(%s)", [lock_key])
    return name


def _build_template(alias: str, name: str, maintenance: psycopg.Connection[Any]) -> None:
    connection = connections[alias]
    test_settings = connection.settings_dict["TEST"]
    saved = (connection.settings_dict["NAME"], test_settings.get("NAME"), test_settings.get("TEMPLATE"))
    building = f"{name}_new"
    test_settings["NAME"], test_settings["TEMPLATE"] = building, None
    try:
        # Django's own test-database creation (CREATE DATABASE, migrate): it points the connection at
        # `building` until the names are put back below.
        connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
        _snapshot_reference_tables(connection)
    finally:
        connection.close()
        connection.close_pool()
        settings.DATABASES[alias]["NAME"] = connection.settings_dict["NAME"] = saved[0]
        test_settings["NAME"], test_settings["TEMPLATE"] = saved[1], saved[2]
    maintenance.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
    maintenance.execute(
        sql.SQL("ALTER DATABASE {} RENAME TO {}").format(sql.Identifier(building), sql.Identifier(name))
    )
    prefix = name.rsplit("_", 1)[0] + "_"
    stale = maintenance.execute(
        "SELECT datname FROM pg_database WHERE starts_with(datname, %s) AND datname <> %s", [prefix, name]
    ).fetchall()
    for (old,) in stale:  # templates of earlier migration states; one still in use is left alone
        with suppress(psycopg.errors.ObjectInUse):
            maintenance.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(old)))


def _model_tables(connection: BaseDatabaseWrapper) -> list[str]:
    # The tables Django's flush empties (model tables; never django_migrations).
    return sorted(connection.introspection.django_table_names(only_existing=True, include_views=False))


def _raw(connection: BaseDatabaseWrapper) -> psycopg.Connection[Any]:
    """The psycopg connection under Django's, which runs `psycopg.sql` compositions as they are."""
    connection.ensure_connection()
    raw: psycopg.Connection[Any] = connection.connection
    return raw


def _snapshot_reference_tables(connection: BaseDatabaseWrapper) -> None:
    """Copy every table the migrations left rows in to SNAPSHOT_SCHEMA."""
    with transaction.atomic(using=connection.alias):
        raw = _raw(connection)
        raw.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(SNAPSHOT_SCHEMA)))
        for table in _non_empty(raw, _model_tables(connection)):
            raw.execute(
                sql.SQL("CREATE TABLE {} AS TABLE {}").format(
                    sql.Identifier(SNAPSHOT_SCHEMA, table), sql.Identifier("public", table)
                )
            )


def _non_empty(raw: psycopg.Connection[Any], tables: list[str]) -> list[str]:
    return list(_row_counts(raw, tables))


def _row_counts(raw: psycopg.Connection[Any], tables: list[str]) -> dict[str, int]:
    """The tables among `tables` that hold rows, with their number of rows up to MANY_ROWS."""
    if not tables:
        return {}
    query = sql.SQL(" UNION ALL ").join(
        sql.SQL("SELECT {}, (SELECT count(*) FROM (SELECT FROM {} LIMIT {}) AS capped)").format(
            sql.Literal(table), sql.Identifier("public", table), sql.Literal(MANY_ROWS)
        )
        for table in tables
    )
    return {table: rows for table, rows in raw.execute(query).fetchall() if rows}


def _fingerprints(raw: psycopg.Connection[Any], schema: str, tables: list[str]) -> dict[str, str]:
    """An order-independent digest of each table's rows."""
    if not tables:
        return {}
    query = sql.SQL(" UNION ALL ").join(
        sql.SQL(
            "SELECT {}, md5(coalesce(string_agg(md5(t::text), '' ORDER BY md5(t::text)), '')) FROM {} AS t"
        ).format(sql.Literal(table), sql.Identifier(schema, table))
        for table in tables
    )
    return dict(raw.execute(query).fetchall())


class _Reference:
    """What the snapshot holds, read once per process from the test database."""

    tables: list[str] | None = None
    fingerprints: dict[str, str] = {}
    other_tables: list[str] = []
    guarded: set[str] = set()  # tables with triggers of our own


def reset_after_transactional_test(connection: BaseDatabaseWrapper) -> None:
    """Bring the database back to its just-migrated state, touching only what the test changed.

    Tables that hold rows (other than the reference tables) are emptied; a reference table whose rows
    differ from the snapshot, or that TRUNCATE ... CASCADE emptied, is emptied and copied back. Django's
    foreign keys are deferrable: within the transaction the order of deletes and copies does not matter.
    """
    with transaction.atomic(using=connection.alias):
        raw = _raw(connection)
        if _Reference.tables is None:
            names = raw.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = %s", [SNAPSHOT_SCHEMA]
            ).fetchall()
            _Reference.tables = sorted(name for (name,) in names)
            _Reference.fingerprints = _fingerprints(raw, SNAPSHOT_SCHEMA, _Reference.tables)
            _Reference.other_tables = [t for t in _model_tables(connection) if t not in _Reference.tables]
            triggers = raw.execute(
                "SELECT DISTINCT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
                " WHERE NOT t.tgisinternal"
            ).fetchall()
            _Reference.guarded = {name for (name,) in triggers}
        reference = _Reference.tables

        def changed() -> list[str]:
            now = _fingerprints(raw, "public", reference)
            return [table for table in reference if now[table] != _Reference.fingerprints[table]]

        rows = _row_counts(raw, _Reference.other_tables)
        dirty = list(rows) + changed()
        if not dirty:
            return
        # DELETE costs per row, TRUNCATE a new file for every table and index it reaches (~0.3 s when
        # the users table cascades to everything that points at it): a few rows are deleted. Our own
        # triggers refuse deletes (append-only ledger, no-delete rules), rightly, but not for a test's
        # cleanup; they are switched off in this transaction, before any delete leaves pending events.
        raw.execute("SET CONSTRAINTS ALL DEFERRED")
        guarded = [sql.Identifier("public", table) for table in dirty if table in _Reference.guarded]
        for name in guarded:
            raw.execute(sql.SQL("ALTER TABLE {} DISABLE TRIGGER USER").format(name))
        if big := [table for table in dirty if rows.get(table, 0) >= MANY_ROWS]:
            raw.execute(
                sql.SQL("TRUNCATE {} CASCADE").format(
                    sql.SQL(", ").join(sql.Identifier("public", table) for table in big)
                )
            )
        for table in dirty:
            raw.execute(sql.SQL("DELETE FROM {}").format(sql.Identifier("public", table)))
        for table in changed():
            raw.execute(
                sql.SQL("INSERT INTO {} OVERRIDING SYSTEM VALUE SELECT * FROM {}").format(
                    sql.Identifier("public", table), sql.Identifier(SNAPSHOT_SCHEMA, table)
                )
            )
        raw.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the foreign keys are checked here, not at commit
        for name in guarded:
            raw.execute(sql.SQL("ALTER TABLE {} ENABLE TRIGGER USER").format(name))
        if leftover := list(_row_counts(raw, _Reference.other_tables)) + changed():
            raise RuntimeError(f"the reset after a transactional test left these tables changed: {leftover}")
