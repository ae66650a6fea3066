from __future__ import annotations

import datetime as dt

import pytest

from houbei.conftest import NOW, Frontline, World
from houbei.duty.services.records import DutyInput, duty_record_create, duty_record_verify
from houbei.people.models import Person
from houbei.pipeline.models import Stage, Standing
from houbei.tests.factories import make_person


def serve(
    frontline: Frontline, person: Person, days: int, *, hours: int = 8, start_hour: int = 8
) -> None:
    """``days`` consecutive verified shifts at the checkpoint, ending yesterday."""
    for back in range(days, 0, -1):
        start = NOW.replace(hour=start_hour) - dt.timedelta(days=back)
        record = duty_record_create(
            acting_user=None,
            post=frontline.checkpoint,
            data=DutyInput(person, start, start + dt.timedelta(hours=hours)),
        )
        duty_record_verify(acting_user=None, record=record)


def place(person: Person, stage: Stage, since: dt.date = dt.date(2020, 2, 1)) -> Standing:
    """Put ``person`` at ``stage`` directly (a test shortcut past earlier decisions)."""
    standing, _ = Standing.objects.update_or_create(
        person=person, defaults={"stage": stage, "since": since, "version": 1}
    )
    return standing


@pytest.fixture
def volunteer(world: World, frontline: Frontline, frozen_now: object) -> Person:
    """钟利洪 of 花红村, five days at the checkpoint."""
    person = make_person(world.village_a, "钟利洪")
    serve(frontline, person, 5)
    return person
