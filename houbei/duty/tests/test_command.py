import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command

from houbei.conftest import Frontline, World
from houbei.duty.models import PersonIndicator
from houbei.duty.services.records import DutyInput, duty_record_create, duty_record_verify
from houbei.tests.factories import make_person

BJ = ZoneInfo("Asia/Shanghai")


@pytest.mark.usefixtures("frozen_now")
def test_verify_reports_tampering_and_rebuild_repairs_it(world: World, frontline: Frontline):
    person = make_person(world.village_a, "甲")
    record = duty_record_create(
        acting_user=None,
        post=frontline.checkpoint,
        data=DutyInput(
            person, dt.datetime(2020, 2, 1, 22, tzinfo=BJ), dt.datetime(2020, 2, 2, 6, tzinfo=BJ)
        ),
    )
    duty_record_verify(acting_user=None, record=record)
    out = io.StringIO()
    call_command("indicators", "--verify", stdout=out)
    assert "match" in out.getvalue()
    PersonIndicator.objects.filter(person=person, campaign_key=0).update(
        days=5
    )  # someone edits the table
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 difference"):
        call_command("indicators", "--verify", stdout=io.StringIO(), stderr=err)
    assert "days stored 5, recomputed 2" in err.getvalue()
    call_command("indicators", "--rebuild", stdout=io.StringIO())
    call_command("indicators", "--verify", stdout=io.StringIO())


def test_close_stale_command(db):
    out = io.StringIO()
    call_command("duty", "close-stale", stdout=out)
    assert "Closed 0" in out.getvalue()
