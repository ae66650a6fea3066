"""Any workbook content gives, row by row, a clear rejection or a person — never an error —
and an import saves exactly the accepted rows."""

from __future__ import annotations

import csv
import io

from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from houbei.accounts.scoping import Scope
from houbei.conftest import World
from houbei.imports.people import apply_people_import, plan_people_import
from houbei.people.models import Person

HEADER = ["姓名", "性别", "出生年月", "身份证号码", "联系电话", "政治面貌", "组（社）", "身份类别"]
cell = st.one_of(
    st.sampled_from(["", "男", "女", "1990.05", "1990年5月", "中共党员", "群众", "一社", "九社"]),
    st.from_regex(r"51100219[5-9][0-9](0[1-9]|1[0-2])[0-2][0-9]\d{3}[0-9X]", fullmatch=True),
    st.text(max_size=20).filter(lambda t: "\x00" not in t),
)
rows = st.lists(st.lists(cell, min_size=len(HEADER), max_size=len(HEADER)), max_size=8)


@given(rows)
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_every_row_is_a_person_or_a_reason(world: World, grid: list[list[str]]) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    writer.writerows(grid)
    data = buffer.getvalue().encode()
    plan = plan_people_import(
        scope=Scope.for_user(world.secretary_a),
        data=data,
        filename="随机.csv",
        region=world.village_a,
    )
    assert all(r.reason and r.message for r in plan.rejected)
    assert len(plan.accepted) + len(plan.rejected) == len(plan.table.rows) <= len(grid)
    before = Person.objects.count()
    with transaction.atomic():
        result = apply_people_import(acting_user=world.secretary_a, plan=plan)
        assert Person.objects.count() - before == result.created == len(plan.accepted)
        transaction.set_rollback(True)
