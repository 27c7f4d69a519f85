"""Substring search that stays fast on large tables: trigram indexes on PostgreSQL.

A search box that finds "tanaka" anywhere in a name is a ``LIKE '%TANAKA%'`` query, which a
B-tree index cannot serve, so every search reads the whole table. PostgreSQL's ``pg_trgm``
extension gives GIN indexes that can. :func:`trigram_index` declares one on an expression (a
column, or several joined by :func:`joined_text`); ``icontains`` on the same expression, given
to the queryset with ``alias()``, uses it.

SQLite has no such index: the migration operation :class:`AddIndexOnPostgreSQL` records the
index in the migration state everywhere (so ``makemigrations`` stays quiet) and creates it only
on PostgreSQL. The search gives the same answers on both; only its speed differs.
"""

from __future__ import annotations

from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import migrations, models
from django.db.models.functions import Concat, Upper


def joined_text(*fields: str):
    """The fields joined by spaces: one expression to index and to search."""
    parts: list = []
    for name in fields:
        if parts:
            parts.append(models.Value(" "))
        parts.append(models.F(name))
    return parts[0] if len(parts) == 1 else Concat(*parts, output_field=models.TextField())


def trigram_index(expression, name: str) -> GinIndex:
    """A GIN trigram index that serves ``icontains`` on ``expression`` (PostgreSQL compares
    ``UPPER(expression)``); create it with :class:`AddIndexOnPostgreSQL`."""
    return GinIndex(OpClass(Upper(expression), name="gin_trgm_ops"), name=name)


class AddIndexOnPostgreSQL(migrations.AddIndex):
    """``AddIndex`` for an index only PostgreSQL can build; a no-op in other databases."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)
