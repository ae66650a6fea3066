"""Synthetic districts: the shapes a profile promises, valid and unique identifiers, stored
indicators equal to a recomputation, the same data for the same seed, and no second run
into the same database."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from houbei.campaigns.models import Campaign, Post, ShiftTemplate
from houbei.duty import indicators
from houbei.duty.models import DutyRecord, DutyTaskCount, PersonDay, PersonIndicator, Status
from houbei.lib.crypto import decrypt
from houbei.lib.idnumber import parse_id_number
from houbei.people.models import Person
from houbei.pipeline.models import StageDecision, Standing
from houbei.regions.codes import Level
from houbei.regions.models import Region
from houbei.synth import builder
from houbei.synth.builder import Profile, synthesize

MINI = Profile(
    "mini",
    cities=1,
    districts_per_city=2,
    towns_per_district=2,
    villages_per_town=2,
    groups_per_village=3,
    people_per_village=12,
    posts_per_village=2,
    campaign_days=4,
)


def _snapshot() -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    people = Person.objects.order_by("id_number_digest")
    records = DutyRecord.objects.order_by("post__name", "starts_at", "person__id_number_digest")
    return (
        list(people.values_list("name", "id_number_digest", "village__code")),
        list(records.values_list("person__id_number_digest", "post__name", "starts_at", "status")),
    )


def clear_synthesized() -> None:
    """Remove what synthesize made (tests that synthesize twice)."""
    for model in (
        DutyTaskCount,
        DutyRecord,
        ShiftTemplate,
        Post,
        Campaign,
        StageDecision,
        Standing,
        PersonIndicator,
        PersonDay,
        Person,
    ):
        model.objects.all().delete()
    for level in (Level.GROUP, Level.VILLAGE, Level.TOWN, Level.DISTRICT, Level.CITY):
        Region.objects.filter(level=level).delete()


def test_a_profile_makes_the_shapes_it_promises(db: None) -> None:
    made = synthesize(MINI, seed=7)
    expected = MINI.expected()
    assert Region.objects.filter(level=Level.DISTRICT).count() == 2
    assert Region.objects.filter(level=Level.VILLAGE).count() == expected["villages"] == 8
    assert Region.objects.filter(level=Level.GROUP).count() == 8 * 3
    assert Person.objects.count() == expected["people"] == made.counts["people"] == 96
    assert Post.objects.count() == expected["posts"] == 16
    assert ShiftTemplate.objects.count() == 16 * 3
    # One or two people a shift: between 1× and 2× the shifts, about 1.5×.
    shifts = 16 * 4 * 3
    assert shifts <= DutyRecord.objects.count() == made.counts["duty_records"] <= 2 * shifts
    # A fifth of each village are reserves, each with the decision behind the stage.
    assert Standing.objects.count() == StageDecision.objects.count() == 8 * round(12 * 0.2)
    assert (
        DutyRecord.objects.filter(status=Status.VERIFIED).count()
        > 0.8 * made.counts["duty_records"]
    )
    # Identifiers are valid and unique; people live where their group is.
    numbers = [decrypt(p.id_number_encrypted) for p in Person.objects.all()]
    assert len(set(numbers)) == len(numbers)
    for person in Person.objects.select_related("villager_group"):
        parse_id_number(decrypt(person.id_number_encrypted))
        assert person.villager_group.parent_id == person.village_id
    # Nobody serves at two posts at once.
    for record in DutyRecord.objects.all()[:200]:
        assert (
            not DutyRecord.objects.filter(
                person=record.person, starts_at__lt=record.ends_at, ends_at__gt=record.starts_at
            )
            .exclude(pk=record.pk)
            .exists()
        )
    # The stored indicators are those a full recomputation gives.
    assert PersonIndicator.objects.exists()
    assert indicators.verify() == []


def test_the_same_seed_gives_the_same_data(db: None) -> None:
    synthesize(MINI, seed=7)
    first = _snapshot()
    clear_synthesized()
    synthesize(MINI, seed=7)
    assert _snapshot() == first
    clear_synthesized()
    synthesize(MINI, seed=8)
    assert _snapshot() != first


def test_the_command_refuses_to_synthesize_twice(db: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(builder.PROFILES, "district", MINI)
    out = io.StringIO()
    call_command("synth", "--profile", "district", "--seed", "3", stdout=out, stderr=io.StringIO())
    assert "duty_records:" in out.getvalue() and "Done in" in out.getvalue()
    with pytest.raises(CommandError, match="fresh database"):
        call_command("synth", "--profile", "district", stderr=io.StringIO())
