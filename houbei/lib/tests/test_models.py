"""lib.models: reserving ids for rows written as plain rows, streaming them in, and updating
plain rows."""

from __future__ import annotations

import pytest
from django.db import connection, transaction

from houbei.duty.models import DutyTaskCount, TaskKind
from houbei.lib.models import (
    StatementInStream,
    insert_models_with_ids,
    insert_stream,
    reserve_ids,
    update_rows,
    upsert_models,
)

pytestmark = pytest.mark.django_db


def test_reserved_ids_are_new_and_never_handed_out_again() -> None:
    with transaction.atomic():
        first = list(reserve_ids(TaskKind, 3))
        second = list(reserve_ids(TaskKind, 2))
    existing = set(TaskKind.objects.values_list("pk", flat=True))
    assert len(first) == 3 and len(second) == 2
    assert not (set(first) | set(second)) & existing
    assert len(set(first) | set(second)) == 5
    assert min(first + second) > max(existing)
    # A row saved afterwards gets an id above every reserved one, even if none was used.
    later = TaskKind.objects.create(code="sandbags", name="装沙袋")
    assert later.pk > max(first + second)
    assert list(reserve_ids(TaskKind, 0)) == []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's sequences")
def test_ids_with_others_taken_between_them_are_the_ones_reserved() -> None:
    """Reserved ids come back as a range when they follow one another; where other values
    of the sequence fell between them (other inserts meanwhile), as the values themselves.
    Here the sequence steps by three, as if two inserts had come between each of ours."""
    with transaction.atomic():
        together = reserve_ids(TaskKind, 3)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_get_serial_sequence('duty_taskkind', 'id')")
            (sequence,) = cursor.fetchone()
            cursor.execute(f"ALTER SEQUENCE {sequence} INCREMENT BY 3")
        apart = reserve_ids(TaskKind, 3)
        transaction.set_rollback(True)  # the sequence steps by one again
    assert isinstance(together, range) and len(together) == 3
    assert apart == [apart[0], apart[0] + 3, apart[0] + 6]
    assert apart[0] > together[-1]


def test_a_table_that_never_had_a_row_starts_its_counter() -> None:
    with transaction.atomic():
        first = list(reserve_ids(DutyTaskCount, 2))
        second = list(reserve_ids(DutyTaskCount, 2))
    assert first[0] >= 1 and first[1] == first[0] + 1
    assert second[0] > first[1]


def test_instances_inserted_with_reserved_ids_are_saved_under_them() -> None:
    kinds = [TaskKind(code=f"kind-{n}", name=f"任务{n}", sort_order=n) for n in range(3)]
    with transaction.atomic():
        insert_models_with_ids(TaskKind, kinds)
    assert all(kind.pk is not None and not kind._state.adding for kind in kinds)
    stored = dict(TaskKind.objects.filter(code__startswith="kind-").values_list("code", "pk"))
    assert stored == {kind.code: kind.pk for kind in kinds}
    assert TaskKind.objects.get(pk=kinds[2].pk).sort_order == 2


def test_rows_updated_each_to_its_own_value_and_no_other() -> None:
    kinds = list(TaskKind.objects.order_by("pk")[:3])
    update_rows(TaskKind, ["name"], [("劝返（改）", kinds[0].pk), ("登记（改）", kinds[1].pk)])
    names = dict(TaskKind.objects.filter(pk__in=[k.pk for k in kinds]).values_list("pk", "name"))
    assert names == {
        kinds[0].pk: "劝返（改）",
        kinds[1].pk: "登记（改）",
        kinds[2].pk: kinds[2].name,
    }
    update_rows(TaskKind, ["name"], [])  # nothing to do


def test_instances_written_by_their_key_new_or_not_field_by_field_as_save_would() -> None:
    kinds = list(TaskKind.objects.order_by("pk")[:2])
    kinds[0].name, kinds[0].is_active = "劝返（改）", False
    kinds[1].name = "登记（改）"
    new = TaskKind(code="sandbags", name="装沙袋", sort_order=7)
    before = TaskKind.objects.count()
    upsert_models(TaskKind, ["code"], ["name", "is_active", "sort_order"], [*kinds, new])
    assert TaskKind.objects.count() == before + 1
    written = TaskKind.objects.filter(code__in=[k.code for k in (*kinds, new)]).order_by("pk")
    assert list(written.values_list("code", "name", "is_active", "sort_order")) == [
        (kinds[0].code, "劝返（改）", False, kinds[0].sort_order),
        (kinds[1].code, "登记（改）", True, kinds[1].sort_order),
        ("sandbags", "装沙袋", True, 7),
    ]


def test_ids_written_into_the_query_find_what_in_finds() -> None:
    kinds = list(TaskKind.objects.order_by("pk").values_list("pk", flat=True))
    wanted = {kinds[0], kinds[-1], 10**9}
    assert set(TaskKind.objects.filter(pk__in_ids=wanted).values_list("pk", flat=True)) == {
        kinds[0],
        kinds[-1],
    }
    assert not TaskKind.objects.filter(pk__in_ids=set()).exists()
    counts = DutyTaskCount.objects.filter(kind_id__in_ids={kinds[0]})
    assert str(kinds[0]) in str(counts.query)  # a number in the SQL, not a parameter
    with pytest.raises(ValueError):
        list(TaskKind.objects.filter(pk__in_ids={"1) OR (1=1"}))
    # A list would have each element resolved by Django first: refused, not slow.
    with pytest.raises(TypeError, match="not a list"):
        list(TaskKind.objects.filter(pk__in_ids=[kinds[0]]))


def test_a_stream_inserts_its_batches_and_refuses_any_other_statement_meanwhile() -> None:
    """insert_stream: the batches handed to it are inserted by the time it ends; a query
    inside it is refused at once (on PostgreSQL the driver would wait for the COPY
    forever), and the transaction it breaks leaves nothing behind."""
    columns = ["id", "code", "name", "name_en", "sort_order", "is_active"]
    ids = list(reserve_ids(TaskKind, 3))

    def rows(start: int, stop: int) -> list[tuple[object, ...]]:
        return [(ids[n], f"streamed-{n}", f"流{n}", "", n, True) for n in range(start, stop)]

    with transaction.atomic(), insert_stream(TaskKind, columns) as insert:
        insert(rows(0, 2))
        insert(rows(2, 3))
    stored = TaskKind.objects.filter(code__startswith="streamed-").order_by("sort_order")
    assert list(stored.values_list("pk", "name")) == [(ids[n], f"流{n}") for n in range(3)]

    with (
        pytest.raises(StatementInStream),
        transaction.atomic(),
        insert_stream(TaskKind, columns) as insert,
    ):
        insert([(ids[2] + 1000, "lost", "丢", "", 9, True)])
        TaskKind.objects.count()
    assert not TaskKind.objects.filter(code="lost").exists()
