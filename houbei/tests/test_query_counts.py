"""Every list, dashboard, report and search page costs the same number of queries whatever
the amount of data: measured on a small synthetic district, then on one four times larger."""

from __future__ import annotations

from dataclasses import replace
from urllib.parse import urlencode

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from houbei.accounts.models import User
from houbei.accounts.roles import Role
from houbei.people.models import Person
from houbei.regions.codes import Level
from houbei.regions.models import Region
from houbei.seats.models import Seat, SeatRole, Vacancy, VacancyReason
from houbei.synth.builder import synthesize
from houbei.synth.tests.test_synth import MINI, clear_synthesized
from houbei.tests.factories import make_user
from houbei.tests.test_persona_ladder import CASES

# One district of the synth tests' miniature; ten days, so that every kind of row shows on
# every page (seed 1).
SMALL = replace(MINI, districts_per_city=1, people_per_village=8, campaign_days=10)
LARGE = replace(SMALL, towns_per_district=4, villages_per_town=3, people_per_village=20)


def _pages() -> list[str]:
    """Every page without a record in its address (lists, dashboards, reports, searches)."""
    pages = set()
    for case in CASES:
        if case.method != "get":
            continue
        try:
            pages.add(reverse(case.route))  # the ladder's queries name its own regions
        except NoReverseMatch:
            continue  # addresses one record
    return sorted(pages)


def _searches(village: Region) -> list[str]:
    """Name searches that find people in small and large alike: the surname of the
    village's first person (narrow) and its pinyin initial (broad), a second page too."""
    first = Person.objects.filter(village=village).order_by("name_sort").first()
    assert first is not None
    initial = first.name_sort[:1]
    return [
        reverse("people:list") + "?" + urlencode({"q": query, "page": page})
        for query in (first.name[:1], initial)
        for page in (1, 2)
    ]


def _vacancy(village: Region) -> str:
    """A vacancy in the village: its page ranks and counts the pools covering the village
    (the district's thousands in a real one)."""
    seat = Seat.objects.create(village=village, role=SeatRole.COMMITTEE_MEMBER)
    vacancy = Vacancy.objects.create(
        seat=seat, reason=VacancyReason.RESIGNATION, opened_on=timezone.localdate()
    )
    return reverse("seats:vacancy", args=[vacancy.pk])


def _counts() -> dict[str, int]:
    district = Region.objects.get(level=Level.DISTRICT)
    village = Region.objects.filter(level=Level.VILLAGE).order_by("code").first()
    assert village is not None
    users = {
        "district": make_user("q-district", Role.DISTRICT_ADMIN, district),
        "village": make_user("q-village", Role.VILLAGE_SECRETARY, village),
    }
    pages = [(url, url) for url in _pages() + _searches(village)]
    pages.append(("the vacancy's shortlist", _vacancy(village)))
    counts = {}
    for label, user in users.items():
        client = Client()
        client.force_login(user)
        for name, url in pages:
            client.get(url)  # warm caches (vocabularies, sessions)
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
            if response.status_code == 200:
                counts[f"{label} {name}"] = len(queries)
    return counts


def test_page_queries_do_not_grow_with_the_data(db: None) -> None:
    synthesize(SMALL, seed=1)
    small = _counts()
    User.objects.filter(username__startswith="q-").delete()
    Vacancy.objects.all().delete()
    Seat.objects.all().delete()
    clear_synthesized()
    synthesize(LARGE, seed=1)
    large = _counts()
    grew = {
        page: (small[page], large.get(page)) for page in small if large.get(page) != small[page]
    }
    assert len(small) >= 50, f"only {len(small)} pages answered: {sorted(small)}"
    assert sum("?q=" in page for page in small) == 8  # four searches for each user
    assert "district the vacancy's shortlist" in small
    assert not grew, f"queries grew with the data (small, large): {grew}"
