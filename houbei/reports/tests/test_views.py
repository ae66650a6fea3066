"""The dashboard, the lists behind its numbers, the exports (inline and as background jobs),
the JSON figures and the command line."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from houbei.campaigns.models import CampaignType
from houbei.campaigns.services import campaign_create
from houbei.conftest import Frontline, World, build_frontline, side_a
from houbei.duty.services.records import DutyInput, duty_record_create, duty_record_verify
from houbei.jobs.models import Job, JobStatus
from houbei.reports.tests.test_figures import END, START, expected, generate
from houbei.tests.factories import make_person

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def query(frontline: Frontline, region: str = "511002000000", **extra: str) -> dict[str, str]:
    return {
        "region": region,
        "campaign": str(frontline.campaign.pk),
        "start": START.isoformat(),
        "end": END.isoformat(),
        **extra,
    }


def test_the_dashboard_shows_the_figures_and_links_to_their_lists(
    world: World, frontline: Frontline
) -> None:
    data = generate(world, frontline, 3)
    want = expected(data, frontline.campaign.pk)
    client = client_for(world.district_admin)
    response = client.get(reverse("reports:dashboard"), query(frontline))
    assert response.status_code == 200
    html = response.content.decode()
    assert "在一线服务的返乡农民工" in html or "Migrant" not in html  # translated page
    migrants = len(want.get("migrant_workers_served", set()))
    assert (
        f'data-figure="migrant_workers_served">\n    <span class="figure-value">{migrants}<' in html
    )
    people = client.get(
        reverse("reports:people"), query(frontline, figure="migrant_workers_served")
    )
    assert people.status_code == 200
    listed = {person.pk for person in people.context["page_obj"].object_list}
    assert listed == want.get("migrant_workers_served", set())
    # The charts' options are on the page, with a click-through URL on the funnel's bars.
    funnel = response.context["charts"]["chart-funnel"]
    assert all("figure=stage_" in item["url"] for item in funnel["series"][0]["data"])


def test_a_region_outside_the_scope_answers_404_and_an_unknown_figure_too(
    world: World, frontline: Frontline
) -> None:
    secretary = client_for(world.secretary_b)
    assert (
        secretary.get(
            reverse("reports:dashboard"), query(frontline, region=world.village_b.code)
        ).status_code
        == 200
    )
    for region in (world.village_a.code, world.district.code, "999999999999"):
        assert (
            secretary.get(reverse("reports:dashboard"), query(frontline, region=region)).status_code
            == 404
        )
    assert (
        secretary.get(
            reverse("reports:people"), query(frontline, region=world.village_b.code, figure="nope")
        ).status_code
        == 404
    )
    # Without a region the village secretary gets their own village.
    default = secretary.get(reverse("reports:dashboard"))
    assert default.context["filters"].region == world.village_b


def test_a_bad_period_is_explained_and_the_default_used(world: World, frontline: Frontline) -> None:
    client = client_for(world.district_admin)
    response = client.get(
        reverse("reports:dashboard"), query(frontline, start="2020-05-01", end="2020-02-01")
    )
    assert response.status_code == 200
    assert "结束日期" in response.content.decode() or response.context["form"].errors["end"]
    filters = response.context["filters"]
    assert (filters.start, filters.end) == (frontline.campaign.start_date, dt.date(2020, 4, 30))


def test_the_dashboard_query_count_does_not_grow_with_the_data(
    world: World, frontline: Frontline
) -> None:
    client = client_for(world.district_admin)
    client.get(reverse("reports:dashboard"), query(frontline))  # warm the vocabularies
    generate(world, frontline, 1)
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("reports:dashboard"), query(frontline))
    generate(world, frontline, 2)
    generate(world, frontline, 4)
    with CaptureQueriesContext(connection) as large:
        client.get(reverse("reports:dashboard"), query(frontline))
    assert len(large) == len(small)
    assert len(large) < 120


def test_the_roster_export_reopens_with_headers_and_rows(
    world: World, frontline: Frontline
) -> None:
    data = generate(world, frontline, 2)
    want = expected(data, frontline.campaign.pk)["served_total"]
    client = client_for(world.district_admin)
    response = client.get(reverse("reports:people_export"), query(frontline, figure="served_total"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment; filename*=UTF-8''")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert sheet["A1"].value == "一线服务人员"
    headers = [c.value for c in sheet[3]]
    assert headers[:7] == ["序号", "姓名", "性别", "民族", "出生年月", "年龄", "身份证号"]
    rows = list(sheet.iter_rows(min_row=4, values_only=True))
    assert len(rows) == len(want)
    names = {p.pk: p.name for p in data.people}
    assert sorted(r[1] for r in rows) == sorted(names[pk] for pk in want)
    assert all("*" in r[6] for r in rows)  # ID numbers masked


def test_a_large_export_runs_as_a_job_only_its_owner_sees(
    world: World, frontline: Frontline, settings, django_capture_on_commit_callbacks
) -> None:
    settings.HOUBEI_EXPORT_INLINE_ROWS = 2
    generate(world, frontline, 2)
    client = client_for(world.district_admin)
    with django_capture_on_commit_callbacks(execute=True):  # the job starts at commit
        response = client.get(reverse("reports:duty_records_export"), query(frontline))
    assert response.status_code == 302
    job = Job.objects.get()
    assert response["Location"] == reverse("jobs:job", args=[job.key])
    assert job.status == JobStatus.DONE and job.done == job.total > 2
    page = client.get(response["Location"])
    assert 'data-testid="job-download"' in page.content.decode()
    download = client.get(reverse("jobs:download", args=[job.key]))
    sheet = load_workbook(io.BytesIO(b"".join(download.streaming_content))).active
    assert [c.value for c in sheet[3]][:5] == ["序号", "日期", "岗位", "岗位类型", "姓名"]
    assert sheet.max_row - 3 == job.total
    other = client_for(world.town_x_admin)
    assert other.get(reverse("jobs:job", args=[job.key])).status_code == 404
    assert other.get(reverse("jobs:download", args=[job.key])).status_code == 404


def test_decisions_and_tables_export_neutralise_formulas(
    world: World, frontline: Frontline
) -> None:
    data = generate(world, frontline, 4)
    decision = next(d for chain in data.decisions.values() for d in chain)
    decision.reason = '=HYPERLINK("http://x","点我")'
    decision.decided_on = dt.date(2020, 2, 1)
    decision.save()
    client = client_for(world.district_admin)
    response = client.get(reverse("reports:decisions_export"), query(frontline))
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    cells = [row[9] for row in sheet.iter_rows(min_row=4)]
    hyperlink = next(c for c in cells if c.value == decision.reason)
    assert hyperlink.data_type == "s" and hyperlink.quotePrefix
    tables = client.get(reverse("reports:dashboard_export"), query(frontline))
    sheet = load_workbook(io.BytesIO(b"".join(tables.streaming_content))).active
    assert [c.value for c in sheet[3]] == ["指标", "市中区", "凌家镇", "永安镇"]


def test_the_frontline_figures_as_json_and_on_the_command_line(
    world: World, frontline: Frontline
) -> None:
    data = generate(world, frontline, 1)
    want = {k: len(v) for k, v in expected(data, frontline.campaign.pk).items()}
    keys = [
        "migrant_workers_served",
        "migrant_workers_served_party_members",
        "new_village_reserves",
        "district_reserves_served",
    ]
    client = client_for(world.district_admin)
    response = client.get(
        "/api/v1/reports/frontline/", {"region": "511002000000", "campaign": frontline.campaign.pk}
    )
    body = response.json()
    assert {k: body[k] for k in keys} == {k: want.get(k, 0) for k in keys}
    out = io.StringIO()
    call_command(
        "report",
        "frontline",
        "--region",
        "511002",
        "--campaign",
        str(frontline.campaign.pk),
        "--json",
        stdout=out,
    )
    assert json.loads(out.getvalue()) == {k: want.get(k, 0) for k in keys}
    bad = client.get("/api/v1/reports/frontline/", {"region": "511002000000", "start": "x"})
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "invalid"


def test_the_duty_record_export_says_who_recorded_and_verified_what(
    world: World, frontline: Frontline
) -> None:
    person = make_person(world.village_a, "钟利洪")
    starts = dt.datetime(2020, 2, 10, 8, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    record = duty_record_create(
        acting_user=world.secretary_a,
        post=frontline.checkpoint,
        data=DutyInput(person, starts, starts + dt.timedelta(hours=8)),
    )
    duty_record_verify(acting_user=world.town_x_admin, record=record)
    response = client_for(world.district_admin).get(
        reverse("reports:duty_records_export"), query(frontline)
    )
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    row = next(r for r in sheet.iter_rows(min_row=4, values_only=True) if r[4] == "钟利洪")
    assert row[1:9] == (
        "2020-02-10",
        "唐家湾卡点",
        "卡点/卡口",
        "钟利洪",
        "花红村",
        "08:00",
        "02-10 16:00",
        8,
    )
    assert row[9:13] == (
        "已核验",
        "手工补录",
        world.secretary_a.get_full_name() or world.secretary_a.get_username(),
        world.town_x_admin.get_full_name() or world.town_x_admin.get_username(),
    )


def test_the_duty_record_export_of_a_campaign_leaves_out_another_campaigns_shifts(
    world: World, frontline: Frontline
) -> None:
    """The export finds a campaign's records through their posts: a shift of the same
    person, the same days, at a post of another campaign is in the export without a
    campaign, and not in the campaign's."""
    flood = build_frontline(
        side_a(world),
        campaign=campaign_create(
            acting_user=None,
            name="2020年防汛",
            campaign_type=CampaignType.objects.get(code="epidemic"),
            region=world.district,
            start_date=START,
            end_date=END,
        ),
    )
    person = make_person(world.village_a, "钟利洪")
    starts = dt.datetime(2020, 2, 10, 8, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    for post, start in (
        (frontline.checkpoint, starts),
        (flood.checkpoint, starts.replace(hour=17)),
    ):
        duty_record_create(
            acting_user=world.secretary_a,
            post=post,
            data=DutyInput(person, start, start + dt.timedelta(hours=8)),
        )
    client = client_for(world.district_admin)

    def exported(**extra: str) -> list[tuple[object, ...]]:
        response = client.get(reverse("reports:duty_records_export"), query(frontline, **extra))
        sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
        return [r[1:7] for r in sheet.iter_rows(min_row=4, values_only=True) if r[4] == "钟利洪"]

    assert exported() == [("2020-02-10", "唐家湾卡点", "卡点/卡口", "钟利洪", "花红村", "08:00")]
    assert [row[5] for row in exported(campaign="")] == ["08:00", "17:00"]


def test_the_dashboard_is_cached_until_the_next_audited_change(
    world: World, frontline: Frontline
) -> None:
    client = client_for(world.district_admin)
    with CaptureQueriesContext(connection) as computed:
        first = client.get(reverse("reports:dashboard"), query(frontline))
    with CaptureQueriesContext(connection) as cached:
        again = client.get(reverse("reports:dashboard"), query(frontline))
    # The same body; the page around it has its own nonce each time.
    body = first.content.split(b'<div class="page-head">', 1)[1].split(b"</main>", 1)[0]
    assert len(body) > 10_000 and body in again.content
    assert len(cached) < len(computed) / 4, "served from the cache"
    # A service's change writes an audit event: the next dashboard is computed afresh.
    make_person(world.village_a, "李新")
    with CaptureQueriesContext(connection) as after_change:
        client.get(reverse("reports:dashboard"), query(frontline))
    assert len(after_change) > len(computed) / 2
    # Another user with the same grants gets the same numbers, computed for them.
    town_a = client_for(world.town_x_admin)
    with CaptureQueriesContext(connection) as other_user:
        town_a.get(reverse("reports:dashboard"), query(frontline, region=world.town_x.code))
    assert len(other_user) > len(computed) / 2


def test_a_cached_dashboard_is_not_served_to_a_user_outside_its_scope(
    world: World, frontline: Frontline
) -> None:
    client_for(world.district_admin).get(reverse("reports:dashboard"), query(frontline))
    outsider = client_for(world.secretary_a)
    assert outsider.get(reverse("reports:dashboard"), query(frontline)).status_code == 404
