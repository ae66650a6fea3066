import io
import json

import pytest
from django.core.management import call_command
from django.db.models import F
from django.utils import timezone

from houbei.accounts.models import User
from houbei.accounts.roles import Role
from houbei.accounts.scoping import Scope
from houbei.campaigns.models import Campaign
from houbei.demo.article import ARTICLE_FIGURES, ARTICLE_POOL_REVIEW
from houbei.demo.frontline import EPIDEMIC
from houbei.demo.loader import DEMO_PASSWORD, synthetic_people
from houbei.duty import indicators
from houbei.duty.models import DutyRecord, Source, Status
from houbei.lib.idnumber import parse_id_number
from houbei.party.selectors import due_items
from houbei.people.models import Person
from houbei.people.selectors import PersonFilters, person_list
from houbei.pipeline.models import StageDecision, Standing
from houbei.pipeline.stages import Stage
from houbei.regions.models import Region
from houbei.seats.models import Vacancy
from houbei.seats.recommendations import recommend

EXPECTED_USERS = {
    "demo-district": Role.DISTRICT_ADMIN,
    "demo-town": Role.TOWN_ADMIN,
    "demo-village-a": Role.VILLAGE_SECRETARY,
    "demo-village-b": Role.VILLAGE_SECRETARY,
    "demo-post": Role.POST_LEADER,
    "demo-clerk": Role.REVIEW_CLERK,
    "demo-auditor": Role.AUDITOR,
    "demo-admin": Role.SYSTEM_ADMIN,
}


@pytest.mark.django_db(transaction=True)
def test_demo_loads_everything_once_and_again_changes_nothing():
    out = io.StringIO()
    call_command("demo", "--no-serve", stdout=out)
    text = out.getvalue()
    assert DEMO_PASSWORD in text
    for username in EXPECTED_USERS:
        assert username in text
    people = Person.objects.count()
    assert 900 <= people <= 1100  # 12 villages' stories and the article's crowd
    regions = Region.objects.count()
    assert Region.objects.get(code="511002102221").merged_into.code == "511002102220"
    for username, role in EXPECTED_USERS.items():
        user = User.objects.get(username=username)
        assert user.check_password(DEMO_PASSWORD) and not user.must_change_password
        assert list(user.grants.values_list("role", flat=True)) == [role]

    # Village A and village B are neighbours in one town and see none of each other's people.
    village_a = Scope.for_user(User.objects.get(username="demo-village-a"))
    village_b = Scope.for_user(User.objects.get(username="demo-village-b"))
    seen_a = set(person_list(scope=village_a, filters=PersonFilters()).values_list("pk", flat=True))
    seen_b = set(person_list(scope=village_b, filters=PersonFilters()).values_list("pk", flat=True))
    assert seen_a and seen_b and not seen_a & seen_b
    # 花红村 sees the people of 岩湾村, merged into it.
    assert Person.objects.filter(village__code="511002102221", pk__in=seen_a).exists()

    # The pipeline: a district-level reserve decided through every level, Party steps due.
    top = Standing.objects.exclude(
        person__stage_decisions__document_number=ARTICLE_POOL_REVIEW
    ).get(stage=Stage.DISTRICT_RESERVE)
    levels = list(
        StageDecision.objects.filter(person=top.person)
        .order_by("decided_on")
        .values_list("deciding_level", flat=True)
    )
    assert levels == ["village", "village", "village", "town", "district"]
    assert due_items(scope=village_a, today=timezone.localdate())
    decisions = StageDecision.objects.count()
    # The joint review and the vacancy of 鹿子村's director, with a shortlist to choose from.
    vacancy = Vacancy.objects.get(status="open")
    shortlist = recommend(vacancy=vacancy)
    assert shortlist.ranked and shortlist.excluded
    # The article's 412 district-level reserves, never reviewed: counted, not listed.
    assert [(group.stage, group.count) for group in shortlist.unreviewed] == [
        (Stage.DISTRICT_RESERVE, 412)
    ]
    assert all(
        row.candidate.review and row.candidate.review.result.is_valid_on(timezone.localdate())
        for row in shortlist.ranked
    )

    # The article's figures, counted from the records, on the command line as on the dashboard.
    campaign = Campaign.objects.get(name=EPIDEMIC)
    report = io.StringIO()
    args = ["frontline", "--region", "511002", "--campaign", str(campaign.pk), "--json"]
    call_command("report", *args, stdout=report)
    assert (
        json.loads(report.getvalue())
        == ARTICLE_FIGURES
        == {
            "migrant_workers_served": 213,
            "migrant_workers_served_party_members": 120,
            "new_village_reserves": 23,
            "district_reserves_served": 412,
        }
    )
    assert indicators.verify() == []  # the bulk-written shifts' indicators are right
    # The checkpoint's paper log waits in the review queue, all of it imported.
    imported = DutyRecord.objects.filter(import_event__isnull=False)
    assert imported.count() == 21
    assert set(imported.values_list("source", "status")) == {(Source.IMPORT, Status.PENDING)}
    # No shift of the demo was verified by whoever entered it (the services' rule).
    verified = DutyRecord.objects.filter(status=Status.VERIFIED).exclude(source=Source.CHECK_IN)
    assert verified.exists()
    assert not verified.filter(recorded_by=F("verified_by")).exists()

    call_command("demo", "--no-serve", stdout=io.StringIO())
    report = io.StringIO()
    call_command("report", *args, stdout=report)
    assert json.loads(report.getvalue()) == ARTICLE_FIGURES
    assert StageDecision.objects.count() == decisions
    assert DutyRecord.objects.filter(import_event__isnull=False).count() == 21
    assert Person.objects.count() == people
    assert Region.objects.count() == regions
    assert User.objects.filter(username__startswith="demo-").count() == len(EXPECTED_USERS)


@pytest.mark.django_db
def test_synthetic_people_are_valid_deterministic_and_distinct(django_db_setup):
    call_command("regions", "load-reference", stdout=io.StringIO())
    village = Region.objects.get(code="511002102220")
    first = synthetic_people([village], 50, seed=7)
    again = synthetic_people([village], 50, seed=7)
    assert [p.id_number for p in first] == [p.id_number for p in again]
    numbers = [p.id_number or "" for p in first]
    assert len(set(numbers)) == 50
    for number in numbers:
        parse_id_number(number)
