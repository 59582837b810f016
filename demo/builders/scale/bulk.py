"""Fast insertion of generated rows: PostgreSQL's COPY, ``bulk_create`` on other databases.

Rows are tuples in the order of the column names (attnames) given with them; JSON columns are passed serialised.
On PostgreSQL, ``indexes_deferred`` drops the large tables' indexes, unique and foreign-key constraints for the
load and creates them again from their own definitions before the transaction ends, as ``pg_restore`` does: the
loaded rows are checked once, in bulk, and a failure rolls everything back with the definitions.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from itertools import islice

from django.db import connection, models, transaction

BULK_CREATE_BATCH = 1_000


def is_postgresql() -> bool:
    return connection.vendor == "postgresql"


def ids_reserve(model: type[models.Model], count: int) -> int:
    """The first of ``count`` consecutive primary keys that nothing else will take; the rows are inserted with
    them explicitly, so that other tables can refer to them before they exist."""
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")  # noqa: S608 - our table name
        first = cursor.fetchone()[0] + 1
        if is_postgresql():
            cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [model._meta.db_table])
            sequence = cursor.fetchone()[0]
            cursor.execute("SELECT nextval(%s)", [sequence])
            first = max(first, cursor.fetchone()[0])
            cursor.execute("SELECT setval(%s, %s)", [sequence, first + max(count, 1) - 1])
    return first


def rows_load(model: type[models.Model], columns: tuple[str, ...], rows: Iterable[tuple]) -> int:
    """Insert ``rows`` into ``model``'s table; returns how many. Call inside a transaction."""
    if is_postgresql():
        return _copy(model, columns, rows)
    fields = _fields(model)
    json_columns = [position for position, name in enumerate(columns) if isinstance(fields[name], models.JSONField)]
    count = 0
    rows = iter(rows)
    while batch := list(islice(rows, BULK_CREATE_BATCH)):
        objects = []
        for row in batch:
            values = dict(zip(columns, row, strict=True))
            for position in json_columns:
                values[columns[position]] = json.loads(row[position])
            objects.append(model(**values))
        model.objects.bulk_create(objects)
        count += len(batch)
    return count


def inherited_insert(base: type[models.Model], objects: list[models.Model]) -> None:
    """Insert unsaved instances of subclasses of ``base`` (multi-table inheritance, as Wagtail pages and polymorphic
    questions are), which ``bulk_create`` refuses: the base rows by ``bulk_create``, which gives them their ids, then
    each subclass's own columns by one multi-row insert per batch. No ``save()``, no signals: set every column the
    model's ``save()`` would have set (a page's path, a polymorphic model's content type) before."""
    base_fields = [field for field in base._meta.concrete_fields if not field.primary_key]
    bases = [base(**{field.attname: getattr(obj, field.attname) for field in base_fields}) for obj in objects]
    base.objects.bulk_create(bases, batch_size=500)
    by_model: dict[type[models.Model], list[models.Model]] = {}
    for obj, saved in zip(objects, bases, strict=True):
        obj.pk = saved.pk  # the subclass's pointer to its base row
        setattr(obj, base._meta.pk.attname, saved.pk)
        by_model.setdefault(type(obj), []).append(obj)
    for model, rows in by_model.items():
        fields = list(model._meta.local_concrete_fields)
        size = max(1, connection.ops.bulk_batch_size(fields, rows)) if connection.vendor == "sqlite" else 500
        for start in range(0, len(rows), size):
            model._base_manager._insert(rows[start : start + size], fields=fields, raw=True)


def _copy(model: type[models.Model], columns: tuple[str, ...], rows: Iterable[tuple]) -> int:
    quote = connection.ops.quote_name
    fields = _fields(model)
    names = ", ".join(quote(fields[name].column) for name in columns)
    count = 0
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(
            f"COPY {quote(model._meta.db_table)} ({names}) FROM STDIN"  # our table and column names
        ) as copy,
    ):
        for row in rows:
            copy.write_row(row)
            count += 1
    return count


def _fields(model: type[models.Model]) -> dict[str, models.Field]:
    return {field.attname: field for field in model._meta.concrete_fields}


def tables_analyze(models_: Iterable[type[models.Model]]) -> None:
    """Refresh the planner's statistics after a large load (PostgreSQL; SQLite's ANALYZE is cheap too)."""
    with connection.cursor() as cursor:
        for model in models_:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def rows_delete(queryset: models.QuerySet) -> int:
    """Delete the rows of ``queryset`` in one statement, without loading them (nothing cascades: delete what
    refers to them first)."""
    model = queryset.model
    select, params = queryset.values("pk").query.sql_with_params()
    table = connection.ops.quote_name(model._meta.db_table)
    column = connection.ops.quote_name(model._meta.pk.column)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE {column} IN ({select})", params)  # noqa: S608 - compiled by Django
        return cursor.rowcount


@contextmanager
def indexes_deferred(models_: Iterable[type[models.Model]]) -> Iterator[None]:
    """Inside a transaction: drop the tables' secondary indexes and their unique and foreign-key constraints, and
    create them again afterwards (PostgreSQL; elsewhere nothing changes)."""
    tables = [model._meta.db_table for model in models_]
    constraints = "conrelid = ANY(%s::regclass[]) AND contype IN ('u', 'f')"
    with _deferred(constraints, tables, indexes=True):
        yield


@contextmanager
def references_deferred(*models_: type[models.Model]) -> Iterator[None]:
    """Inside a transaction: drop the foreign keys of every table that refers to these models' tables and add them
    again afterwards, so that deleting many rows checks what refers to them once, at the end (PostgreSQL)."""
    tables = [model._meta.db_table for model in models_]
    with _deferred("confrelid = ANY(%s::regclass[]) AND contype = 'f'", tables, indexes=False):
        yield


@contextmanager
def _deferred(condition: str, tables: list[str], *, indexes: bool) -> Iterator[None]:
    if not is_postgresql():
        yield
        return
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("Dropping constraints needs a transaction, so that none can stay dropped")
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # checks what is pending: a table with some cannot change
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "  # noqa: S608
            f"WHERE {condition} ORDER BY contype DESC, conname",  # unique ones first, then foreign keys
            [tables],
        )
        constraints = cursor.fetchall()
        index_definitions = []
        if indexes:
            cursor.execute(
                """SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index
                   WHERE indrelid = ANY(%s::regclass[]) AND NOT indisprimary
                   AND indexrelid NOT IN (SELECT conindid FROM pg_constraint WHERE contype IN ('u', 'p', 'x'))
                   ORDER BY 1""",
                [tables],
            )
            index_definitions = cursor.fetchall()
        for table, name, _definition in constraints:
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {quote(name)}")
        for name, _definition in index_definitions:
            cursor.execute(f"DROP INDEX {name}")
    yield
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL maintenance_work_mem = '1GB'")
        for _name, definition in index_definitions:
            cursor.execute(definition)
        for table, name, definition in constraints:
            cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {quote(name)} {definition}")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
