"""Scratch databases for the benches: a copy of a database where social_crm
is really installed, so every bench runs on the addon's own tables, columns
and indexes, and never adds one of its own (``indexes()`` before and after).

    with scratch_db("social_crm_test", "social_crm_bench") as name: ...

The template must have social_crm installed (``make test`` leaves
``social_crm_test``) and no open connection (PostgreSQL copies it with
``CREATE DATABASE .. TEMPLATE``). The copy is dropped at the end, also on error.
"""

import contextlib
import os
import statistics
import sys
from pathlib import Path

import psycopg2

ROOT = Path(__file__).resolve().parent.parent
ODOO_PATH = Path(os.environ.get("ODOO_PATH", "/opt/odoo18"))


def admin_connection():
    connection = psycopg2.connect(dbname="postgres")
    connection.autocommit = True
    return connection


def admin_execute(*statements):
    admin = admin_connection()
    try:
        with admin.cursor() as cr:
            for statement, params in statements:
                cr.execute(statement, params)
    finally:
        admin.close()


def drop(name):
    admin_execute(
        (
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> pg_backend_pid()",
            (name,),
        ),
        (f'DROP DATABASE IF EXISTS "{name}"', None),
    )


@contextlib.contextmanager
def scratch_db(template, name):
    drop(name)
    admin_execute((f'CREATE DATABASE "{name}" TEMPLATE "{template}"', None))
    try:
        yield name
    finally:
        with contextlib.suppress(Exception):
            import odoo  # noqa: PLC0415  (only when the bench loaded Odoo)

            odoo.modules.registry.Registry.delete(name)
            odoo.sql_db.close_db(name)
        drop(name)


def indexes(cr, tables=None):
    """``{(table, index name): definition}`` of the public schema."""
    cr.execute("SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'")
    return {
        (table, name): definition
        for table, name, definition in cr.fetchall()
        if tables is None or table in tables
    }


def assert_no_new_index(before, after):
    added = sorted(set(after) - set(before))
    if added:
        raise SystemExit(f"the bench created indexes the addon lacks: {added}")
    return len(after)


def odoo_registry(database, *options):
    """Load Odoo (``$ODOO_PATH``) with this repository as addons path; return
    the registry of ``database``."""
    sys.path[:0] = [str(ODOO_PATH), str(ROOT)]
    import odoo  # noqa: PLC0415

    addons = [str(ODOO_PATH / "odoo" / "addons"), str(ROOT)]
    if (ODOO_PATH / "addons").is_dir():
        addons.insert(1, str(ODOO_PATH / "addons"))
    if not getattr(odoo_registry, "configured", False):  # Odoo parses its options once
        odoo.tools.config.parse_config(
            ["-d", database, "--addons-path", ",".join(addons), "--log-level", "warn", *options]
        )
        odoo_registry.configured = True
    return odoo.modules.registry.Registry(database)


def copy_rows(cr, table, columns, rows):
    """Bulk-insert ``rows`` (tuples; None is NULL) with COPY."""
    import io  # noqa: PLC0415

    buffer = io.StringIO()
    for row in rows:
        buffer.write(
            "\t".join(
                "\\N"
                if v is None
                else str(v).replace("\\", "\\\\").replace("\t", " ").replace("\n", " ")
                for v in row
            )
            + "\n"
        )
    buffer.seek(0)
    cr.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN", buffer)


def reserve_ids(cr, table, count):
    """``count`` fresh ids of ``table`` from its own sequence (first id)."""
    cr.execute(f"SELECT setval('{table}_id_seq', nextval('{table}_id_seq') + %s - 1)", (count,))
    return cr.fetchone()[0] - count + 1


def percentile(samples, share):
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def ms(samples):
    """p50 and p95 of ``samples`` (seconds) in milliseconds, for a report line."""
    return (
        f"p50 {statistics.median(samples) * 1e3:6.1f} ms  "
        f"p95 {percentile(samples, 0.95) * 1e3:6.1f} ms"
    )
