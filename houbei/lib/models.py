from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import islice
from typing import Any, TypeVar

from django.core.exceptions import EmptyResultSet
from django.db import connection, models, transaction
from django.db.models import QuerySet
from django.utils import timezone

ModelT = TypeVar("ModelT", bound=models.Model)


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


def concrete_field(model: type[models.Model], name: str) -> models.Field[Any, Any]:
    """A model's own field by name (for its label or form field), typed as such."""
    field = model._meta.get_field(name)
    if not isinstance(field, models.Field):
        raise TypeError(f"{model.__name__}.{name} is not a concrete field")
    return field


@models.CharField.register_lookup
class IndexedPrefix(models.lookups.StartsWith):
    """``startswith`` answered from the column's index on every database.

    PostgreSQL serves ``LIKE 'q%'`` from the ``varchar_pattern_ops`` index Django adds to an
    indexed CharField. SQLite's LIKE is case-insensitive and never uses an index, so there
    the same test is written as a range on the (bytewise) BINARY collation: every string
    that starts with q sorts between q and q followed by the last code point. Only for text
    compared exactly as stored (the name search keys are folded to lower case first)."""

    lookup_name = "indexed_prefix"

    def get_rhs_op(self, connection: Any, rhs: str) -> str:
        return str(connection.operators["startswith"] % rhs)

    def as_sqlite(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        if not isinstance(self.rhs, str):
            raise TypeError("indexed_prefix takes a plain string")
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"({lhs} >= %s AND {lhs} < %s)", [
            *lhs_params,
            self.rhs,
            *lhs_params,
            self.rhs + "\U0010ffff",
        ]


class InIds(models.Lookup):  # type: ignore[type-arg]
    """``field__in_ids={…}``: the field ``IN`` a set of integer ids written into the SQL
    as numbers — for lists of thousands (a bulk verification's records, a batch's people),
    where ``__in`` prepares and binds every element one by one (a fifth of verifying 100 000
    records). Integers only: each value goes through ``int()``, so nothing else can reach
    the SQL."""

    lookup_name = "in_ids"
    prepare_rhs = False

    def get_prep_lookup(self) -> list[int]:
        if isinstance(self.rhs, list | tuple):
            # Django has already resolved each element of a list or tuple as a possible
            # expression on its way here, a microsecond each: half of what this lookup is
            # for. A set, a dict or a range reaches it as it is.
            raise TypeError("in_ids takes a set, a dict or a range of ids, not a list or tuple")
        return [int(value) for value in self.rhs]

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        if not self.rhs:
            raise EmptyResultSet
        return f"{lhs} IN ({id_list(self.rhs)})", list(lhs_params)


models.IntegerField.register_lookup(InIds)
models.ForeignKey.register_lookup(InIds)


def id_list(ids: Iterable[int]) -> str:
    """Integer ids for a written-out ``IN (…)``, as ``in_ids`` writes them: each through
    ``int()``, so nothing else can reach the SQL."""
    written = ", ".join(str(int(value)) for value in ids)
    if not written:
        raise ValueError("IN () matches nothing: leave the query out instead")
    return written


def read_moment(value: dt.datetime | None) -> dt.datetime | None:
    """A datetime as a written-out query reads it, aware as the ORM gives it (SQLite's
    driver gives the stored UTC time, naive)."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=dt.UTC)


def insert_rows(
    model: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence[Any]]
) -> None:
    """Insert plain rows into ``model``'s table — COPY on PostgreSQL, executemany 10 000 at
    a time on SQLite: for the narrow rows a bulk write makes by the ten thousand (search
    keys, many-to-many links, day rows of the indicators, audit events), where Django's
    ``bulk_create`` spends more time preparing model instances than the database inserting
    them (and PostgreSQL's executemany still runs one INSERT a row). Values go in as given,
    adapted by the driver (dates, numbers, JSON prepared by its field): no defaults, no
    signals, no returned ids."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Row triggers fire for COPY as for INSERT (the audit trail's guards included).
            with cursor.cursor.copy(_copy_statement(model, columns)) as copy:
                for row in rows:
                    copy.write_row(row)
            return
        table = connection.ops.quote_name(model._meta.db_table)
        names = ", ".join(connection.ops.quote_name(column) for column in columns)
        marks = ", ".join(["%s"] * len(columns))
        sql = f"INSERT INTO {table} ({names}) VALUES ({marks})"  # noqa: S608 - model's names
        remaining = iter(rows)
        while chunk := list(islice(remaining, 10_000)):
            cursor.executemany(sql, chunk)


def _copy_statement(model: type[models.Model], columns: Sequence[str]) -> str:
    quote = connection.ops.quote_name
    names = ", ".join(quote(column) for column in columns)
    return f"COPY {quote(model._meta.db_table)} ({names}) FROM STDIN"


@contextlib.contextmanager
def insert_stream(
    model: type[models.Model], columns: Sequence[str]
) -> Iterator[Callable[[Iterable[Sequence[Any]]], None]]:
    """``insert_rows`` for rows worked out a batch at a time: the block gets a function
    that inserts a batch. On PostgreSQL the batches go into one COPY, handed to a thread of
    the driver (``QueuedLibpqWriter``) that writes them while Python goes on: the database
    inserts one batch while the next is worked out — on two cores, an import's insert
    otherwise waited for the database as long as it checked its rows. No other statement may
    run on the connection until the block ends: the driver would wait for the COPY forever,
    so ``StatementInStream`` is raised instead, on every database alike. On SQLite, where the
    database is in this process, each batch is inserted at once."""
    guard = _StreamGuard()
    with connection.execute_wrapper(guard):
        if connection.vendor != "postgresql":

            def insert_now(rows: Iterable[Sequence[Any]]) -> None:
                guard.own = True
                try:
                    insert_rows(model, columns, rows)
                finally:
                    guard.own = False

            yield insert_now
            return
        from psycopg.copy import QueuedLibpqWriter

        with connection.cursor() as cursor:
            raw = cursor.cursor
            with raw.copy(_copy_statement(model, columns), writer=QueuedLibpqWriter(raw)) as copy:

                def write(rows: Iterable[Sequence[Any]]) -> None:
                    for row in rows:
                        copy.write_row(row)

                yield write


class StatementInStream(RuntimeError):
    """A statement was sent while ``insert_stream`` held the connection."""


class _StreamGuard:
    """Refuses every statement but the stream's own inserts (on SQLite)."""

    own = False

    def __call__(
        self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any
    ) -> Any:
        if not self.own:
            raise StatementInStream(f"no statement may run inside insert_stream: {sql[:200]}")
        return execute(sql, params, many, context)


def update_rows(
    model: type[models.Model], columns: Sequence[str], changes: Iterable[Sequence[Any]]
) -> None:
    """Set columns of many rows, each to its own values: ``(*values, primary key)`` rows,
    one plain UPDATE each in a single executemany — where ``bulk_update`` would build a
    CASE expression naming every row and spend ten times the Python. Values go in as
    given, adapted by the driver; no signals, no ``auto_now``."""
    table = connection.ops.quote_name(model._meta.db_table)
    assignments = ", ".join(f"{connection.ops.quote_name(column)} = %s" for column in columns)
    key = connection.ops.quote_name(model._meta.pk.column)
    sql = f"UPDATE {table} SET {assignments} WHERE {key} = %s"  # noqa: S608 - model's names
    with connection.cursor() as cursor:
        cursor.executemany(sql, list(changes))


def upsert_models(
    model: type[ModelT], unique: Sequence[str], names: Sequence[str], objects: Iterable[ModelT]
) -> None:
    """Write instances by a unique key of theirs, whether their rows exist yet or not: one
    ``INSERT … ON CONFLICT (unique) DO UPDATE`` executemany — a new row gets every field, an
    existing one the fields named (a person's figures for a campaign, new with their first
    shift there, and overall) — where creating the new rows, then updating the rest, takes
    two statements and reads the new ids back. Each value is prepared by its field as
    ``save`` would; the instances get no primary key, and no signals are sent."""
    fields, prepared = _row_preparer(model)
    quote = connection.ops.quote_name
    conflict = ", ".join(quote(concrete_field(model, name).column) for name in unique)
    assignments = ", ".join(
        f"{quote(column)} = excluded.{quote(column)}"
        for column in (concrete_field(model, name).column for name in names)
    )
    sql = f"{_insert_sql(model, fields)} ON CONFLICT ({conflict}) DO UPDATE SET {assignments}"
    with connection.cursor() as cursor:
        cursor.executemany(sql, [prepared(instance) for instance in objects])


def for_update() -> str:
    """The clause that locks the rows a written-out SELECT reads, until the transaction
    ends: `` FOR UPDATE``; nothing on SQLite, which locks the whole database for a writing
    transaction."""
    return " FOR UPDATE" if connection.features.has_select_for_update else ""


def lock_row(model: type[models.Model], pk: int) -> None:
    """Lock one row until the transaction ends (``SELECT … FOR UPDATE``; SQLite locks the
    whole database for a writing transaction), the statement written out: taken on every
    change of a person's duty, where compiling it through the ORM took longer than running
    it. ``DoesNotExist`` when there is no such row."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT 1 FROM {quote(model._meta.db_table)}"  # noqa: S608 - the model's names
            f" WHERE {quote(model._meta.pk.column)} = %s{for_update()}",
            [int(pk)],
        )
        if cursor.fetchone() is None:
            raise model.DoesNotExist(f"no {model._meta.label} {pk}")  # type: ignore[attr-defined]


def insert_model(instance: models.Model) -> None:
    """Insert one new instance and give it its new id, as ``save(force_insert=True)`` would
    but in one statement written out (``INSERT … RETURNING``, SQLite 3.35 and PostgreSQL):
    for the append-only row every change writes (its audit event), where Django's saving
    machinery took longer than the insert. No signals are sent."""
    model = type(instance)
    fields, prepared = _row_preparer(model)
    returning = connection.ops.quote_name(model._meta.pk.column)
    with connection.cursor() as cursor:
        cursor.execute(f"{_insert_sql(model, fields)} RETURNING {returning}", prepared(instance))
        _mark_saved(instance, cursor.fetchone()[0])


def _insert_sql(model: type[models.Model], fields: Sequence[models.Field[Any, Any]]) -> str:
    quote = connection.ops.quote_name
    return (
        f"INSERT INTO {quote(model._meta.db_table)}"  # noqa: S608 - the model's names
        f" ({', '.join(quote(field.column) for field in fields)})"
        f" VALUES ({', '.join(['%s'] * len(fields))})"
    )


def insert_models(model: type[ModelT], objects: Iterable[ModelT], *, with_pk: bool = False) -> None:
    """Insert unsaved instances with ``insert_rows`` (COPY on PostgreSQL, executemany on
    SQLite), each value prepared by its field as ``save`` would: for append-only rows
    written by the thousand (an import's audit events) whose ids nobody reads back —
    ``bulk_create`` builds one statement of every placeholder and spends three times as
    long. The instances get no primary key, unless ``with_pk``: then each brings its own,
    reserved beforehand (``reserve_ids``)."""
    fields, prepared = _row_preparer(model, with_pk=with_pk)
    insert_rows(model, [field.column for field in fields], map(prepared, objects))


def insert_models_with_ids(model: type[ModelT], objects: Sequence[ModelT]) -> None:
    """``insert_models`` for instances whose new ids the next inserts need (an import's
    people, for their search keys and audit events): the ids are reserved first
    (``reserve_ids``) and written with the rows, so nothing is read back. Multi-row
    ``INSERT … RETURNING`` carries only as many rows a statement as the driver's parameter
    limit allows, and reading the ids back by a unique key costs a query of a thousand
    placeholders each thousand rows."""
    for instance, pk in zip(objects, reserve_ids(model, len(objects)), strict=True):
        instance.pk = pk
    insert_models(model, objects, with_pk=True)
    for instance in objects:
        _mark_saved(instance, instance.pk)


def db_moments() -> Callable[[dt.datetime], Any]:
    """A function giving an aware datetime as ``insert_rows`` should pass it to this
    database, remembered (a batch's shifts start and end at a few dozen moments): to
    PostgreSQL as ISO 8601 text with its offset, which COPY reads as the moment it is
    (the driver's own writing of a datetime cost five times the rest of a duty record's
    row: 0.5 s of 100 000); to SQLite as Django's naive UTC text."""
    adapt = (
        dt.datetime.isoformat
        if connection.vendor == "postgresql"
        else connection.ops.adapt_datetimefield_value
    )
    adapted: dict[dt.datetime, Any] = {}

    def moment(value: dt.datetime) -> Any:
        if value not in adapted:
            adapted[value] = adapt(value)
        return adapted[value]

    return moment


# Rows a bulk insert writes at least for its table's planner statistics to be refreshed
# once it commits (``analyze_after_commit``).
ANALYZE_AFTER_ROWS = 10_000


def analyze_after_commit(model: type[models.Model]) -> None:
    """The table's planner statistics refreshed once the transaction commits (PostgreSQL;
    SQLite runs without statistics, as Houbei uses it), after a bulk insert. Autovacuum
    analyzes a table only once a tenth of it has changed: 100 000 duty records imported
    into a city's two million stay unknown to the planner, which then plans the review
    queue narrowed to them as if it held one record — 2 s for its first page measured, 0.17
    s analyzed. An error is logged, not raised: the work is committed by then."""
    if connection.vendor != "postgresql":
        return
    table = connection.ops.quote_name(model._meta.db_table)

    def analyze() -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {table}")

    transaction.on_commit(analyze, robust=True)


def reserve_ids(model: type[models.Model], count: int) -> range | list[int]:
    """``count`` new primary keys of ``model``'s table, taken from its sequence so that no
    other insert can get them, for rows inserted with ``insert_rows`` whose ids other rows
    name before they exist (an import's duty records, listed in their audit event).
    PostgreSQL: the serial sequence's next values. SQLite: the table's AUTOINCREMENT counter
    moved on by ``count`` in one statement, which takes the database's write lock until the
    transaction ends (SQLite has one writer), so the range is this transaction's."""
    if count <= 0:
        return []
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The sequence's name is looked up first and given as a constant: named by a
            # lookup inside the query, it was looked up again for every value (5 000 ids
            # 17 ms, against 3 ms).
            cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [table, model._meta.pk.column])
            (sequence,) = cursor.fetchone()
            # Taken in one statement, they come back as one row: a range when nobody else
            # took a value meanwhile (as good as always), else the values themselves —
            # 100 000 ids were 100 000 rows to read.
            cursor.execute(
                "WITH taken AS (SELECT nextval(%s) AS id FROM generate_series(1, %s))"
                " SELECT min(id), CASE WHEN max(id) - min(id) + 1 = count(*) THEN NULL"
                " ELSE array_agg(id ORDER BY id) END FROM taken",
                [sequence, count],
            )
            first, scattered = cursor.fetchone()
            return range(first, first + count) if scattered is None else list(scattered)
        if not connection.in_atomic_block:
            raise RuntimeError("reserve_ids must run inside the transaction that inserts")
        cursor.execute(
            "UPDATE sqlite_sequence SET seq = seq + %s WHERE name = %s RETURNING seq",
            [count, table],
        )
        found = cursor.fetchone()
        if found is None:  # the table has never had a row: no counter yet
            cursor.execute(
                "INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)", [table, count]
            )
            return range(1, count + 1)
        return range(found[0] - count + 1, found[0] + 1)


def _row_preparer(
    model: type[ModelT], *, with_pk: bool = False
) -> tuple[list[models.Field[Any, Any]], Callable[[ModelT], list[Any]]]:
    """The model's columns (but the primary key, unless ``with_pk``), and a function giving
    an instance's values for them, each prepared by its field as ``save`` would."""
    fields = [field for field in model._meta.concrete_fields if with_pk or not field.primary_key]
    columns = [(field, _passed_as_is(field)) for field in fields]
    # Moments are prepared once each (a batch's rows share a few: its creation time, given
    # by one clock reading to every auto_now field of the batch, as one transaction writes
    # them), where preparing each row's took a tenth of an import.
    moments: dict[dt.datetime, Any] = {}
    stamped = any(
        type(field) is models.DateTimeField and (field.auto_now or field.auto_now_add)
        for field in fields
    )
    now = timezone.now() if stamped else None  # no clock reading for an audit event

    def prepared(instance: ModelT) -> list[Any]:
        row = []
        for field, kind in columns:
            if kind is not None:
                value = getattr(instance, field.attname)
                if value is None or type(value) is kind:
                    row.append(value)
                    continue
            elif type(field) is models.DateTimeField:
                if field.auto_now or field.auto_now_add:
                    setattr(instance, field.attname, now)
                moment = getattr(instance, field.attname)
                if moment is None or type(moment) is not dt.datetime:
                    row.append(field.get_db_prep_save(moment, connection))
                elif moment in moments:
                    row.append(moments[moment])
                else:
                    row.append(
                        moments.setdefault(moment, field.get_db_prep_save(moment, connection))
                    )
                continue
            row.append(field.get_db_prep_save(field.pre_save(instance, True), connection))
        return row

    return fields, prepared


# Fields that hand a value of the type named to the driver as it is: their get_db_prep_save
# (three calls a value, most of an import's preparing) would only return it. Exact types:
# a subclass may prepare its values in its own way.
_AS_IS: dict[type[models.Field[Any, Any]], type] = {
    models.AutoField: int,
    models.BigAutoField: int,
    models.CharField: str,
    models.TextField: str,
    models.IntegerField: int,
    models.PositiveIntegerField: int,
    models.PositiveSmallIntegerField: int,
    models.SmallIntegerField: int,
    models.BigIntegerField: int,
    models.BooleanField: bool,
}


def _passed_as_is(field: models.Field[Any, Any]) -> type | None:
    if type(field) is models.ForeignKey:
        return int if type(field.target_field) in (models.AutoField, models.BigAutoField) else None
    return _AS_IS.get(type(field))


def _mark_saved(instance: models.Model, pk: int) -> None:
    """As ``save`` leaves an instance: its new key, no longer to be added, of this database."""
    instance.pk = pk
    instance._state.adding = False
    instance._state.db = connection.alias


def plain_rows(query: QuerySet[Any]) -> Iterator[tuple[Any, ...]]:
    """The query's rows as the driver returns them, in chunks (a server-side cursor on
    PostgreSQL): for millions of plain integers, Django's per-value converters would cost
    more than reading them. Only for values the driver returns as they are meant (numbers,
    text), not dates on SQLite."""
    sql, params = query.query.sql_with_params()
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(20000):
            yield from rows
