"""lib.models: reserving ids for rows written as plain rows."""

from __future__ import annotations

import pytest
from django.db import transaction

from houbei.duty.models import DutyTaskCount, TaskKind
from houbei.lib.models import insert_models_with_ids, reserve_ids

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
