"""The resources of API v1. Each operation is a thin adapter over the selectors and services
the pages use (scope, permissions, validation and audit included)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Path, Query, Router, Schema, Status
from pydantic import AwareDatetime, Field

from houbei.accounts.roles import Capability
from houbei.accounts.scoping import Scope, get_or_404
from houbei.api.core import ERRORS, paginate
from houbei.campaigns.models import Campaign, Post
from houbei.campaigns.selectors import campaign_get, campaign_list, post_get, post_list
from houbei.deeds.selectors import deeds_of
from houbei.duty.models import DutyRecord, Source, TaskKind
from houbei.duty.selectors import record_get, records_visible, roster_week
from houbei.duty.services.records import DutyInput, duty_record_create, duty_record_verify
from houbei.party.selectors import track_of
from houbei.people.choices import PoliticalStatus
from houbei.people.models import Person
from houbei.people.selectors import PersonFilters, person_get, person_pages
from houbei.people.services import PersonInput, person_register
from houbei.pipeline.selectors import decisions_of, standing_of
from houbei.pipeline.services import decide
from houbei.regions.models import Region
from houbei.reports.figures import frontline_summary
from houbei.reports.selectors import resolve_filters
from houbei.review.models import NegativeListItem
from houbei.review.selectors import clerk_verdict_get, clerk_verdicts
from houbei.review.services import verdict_record
from houbei.seats.recommendations import recommend
from houbei.seats.selectors import shortlist_visible, vacancies_visible, vacancy_get
from houbei.teams.selectors import team_list

router = Router()

# Bounds on what a client sends: beyond them the database could not even compare the value.
MAX_ID = 2**31 - 1
Id = Annotated[int, Path(ge=1, le=MAX_ID)]
QueryId = Annotated[int, Query(ge=1, le=MAX_ID)]
PageNumber = Annotated[int, Query(ge=1, le=100_000)]
RegionCode = Annotated[str, Query(max_length=15)]
Week = Annotated[dt.date, Query(ge=dt.date(2000, 1, 1), le=dt.date(2100, 1, 1))]


def _scope(request: HttpRequest) -> Scope:
    return request.scope  # type: ignore[attr-defined, no-any-return]


def _user(request: HttpRequest) -> Any:
    return request.user


# --- regions --------------------------------------------------------------------------------


class RegionOut(Schema):
    code: str
    name: str
    level: int
    parent: str | None
    merged_into: str | None


class RegionPage(Schema):
    items: list[RegionOut]
    count: int
    page: int
    pages: int


def _region(region: Region) -> dict[str, Any]:
    return {
        "code": region.code,
        "name": region.name,
        "level": region.level,
        "parent": region.parent.code if region.parent else None,
        "merged_into": region.merged_into.code if region.merged_into else None,
    }


@router.get("/regions/", response={200: RegionPage, **ERRORS}, tags=["regions"])
def regions(request: HttpRequest, parent: RegionCode | None = None, page: PageNumber = 1) -> Any:
    """Regions the user may see; ``parent``: only the children of that region."""
    found = _scope(request).filter(
        Region.objects.select_related("parent", "merged_into").order_by("code"),
        Capability.REGIONS_VIEW,
        code_field="code",
    )
    if parent:
        found = found.filter(parent__code=parent)
    return paginate(found, page, _region)


# --- people ---------------------------------------------------------------------------------


class PersonOut(Schema):
    id: int
    name: str
    sex: str
    birth_date: dt.date
    ethnicity: str
    education: str
    political_status: str
    id_number: str  # masked
    phone: str  # masked
    village: str
    villager_group: str | None
    categories: list[str]
    version: int


class PersonPage(Schema):
    items: list[PersonOut]
    count: int
    page: int
    pages: int


class PersonIn(Schema):
    name: str = Field(max_length=40)
    id_number: str = Field(max_length=40)
    village: str = Field(max_length=15)  # region code
    phone: str = Field("", max_length=30)
    political_status: str = Field(PoliticalStatus.MASSES, max_length=20)
    education: str = Field("", max_length=30)
    ethnicity: str = Field("01", max_length=2)
    villager_group: str | None = Field(None, max_length=15)


def _person(person: Person) -> dict[str, Any]:
    return {
        "id": person.pk,
        "name": person.name,
        "sex": person.sex,
        "birth_date": person.birth_date,
        "ethnicity": person.ethnicity,
        "education": person.education,
        "political_status": person.political_status,
        "id_number": person.id_number_masked,
        "phone": person.phone_masked,
        "village": person.village.code,
        "villager_group": person.villager_group.code if person.villager_group else None,
        "categories": [c.code for c in person.categories.all()],
        "version": person.version,
    }


@router.get("/people/", response={200: PersonPage, **ERRORS}, tags=["people"])
def people(
    request: HttpRequest, q: str = "", region: str | None = None, page: PageNumber = 1
) -> Any:
    """People in scope; ``q`` searches names (pinyin, initials, Traditional) and full ID or
    phone numbers; ``region`` narrows to a region's subtree."""
    scope = _scope(request)
    scope.require(Capability.PEOPLE_VIEW)
    node = None
    if region:
        node = get_or_404(
            scope.filter(Region.objects.all(), Capability.PEOPLE_VIEW, code_field="code"),
            code=region,
        )
    filters = PersonFilters(query=q[:100], region=node)
    return paginate(person_pages(scope=scope, filters=filters), page, _person)


@router.get("/people/{person_id}/", response={200: PersonOut, **ERRORS}, tags=["people"])
def person(request: HttpRequest, person_id: Id) -> Any:
    return _person(person_get(scope=_scope(request), pk=person_id))


@router.post("/people/", response={201: PersonOut, **ERRORS}, tags=["people"])
def person_create(request: HttpRequest, data: PersonIn) -> Any:
    """Register a person (the registry's checks; ID and phone stored encrypted)."""
    scope = _scope(request)
    village = scope.get_writable(
        Region.objects.all(),
        read=Capability.PEOPLE_VIEW,
        write=Capability.PEOPLE_EDIT,
        code_field="code",
        code=data.village,
    )
    group = None
    if data.villager_group:
        group = get_or_404(Region.objects.filter(parent=village), code=data.villager_group)
    created = person_register(
        acting_user=_user(request),
        data=PersonInput(
            name=data.name,
            village=village,
            id_number=data.id_number,
            phone=data.phone or None,
            political_status=data.political_status,
            education=data.education,
            ethnicity=data.ethnicity,
            villager_group=group,
        ),
    )
    return Status(201, _person(created))


# --- campaigns, posts, rosters --------------------------------------------------------------


class CampaignOut(Schema):
    id: int
    name: str
    region: str
    start_date: dt.date
    end_date: dt.date | None
    status: str


class PostOut(Schema):
    id: int
    name: str
    campaign: int
    post_type: str
    region: str
    is_active: bool


class RosterCellOut(Schema):
    day: dt.date
    shift: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    people_needed: int
    assigned: int
    people: list[int]


def _campaign(campaign: Campaign) -> dict[str, Any]:
    return {
        "id": campaign.pk,
        "name": campaign.name,
        "region": campaign.region.code,
        "start_date": campaign.start_date,
        "end_date": campaign.end_date,
        "status": campaign.status,
    }


def _post(post: Post) -> dict[str, Any]:
    return {
        "id": post.pk,
        "name": post.name,
        "campaign": post.campaign_id,
        "post_type": post.post_type.code,
        "region": post.region.code,
        "is_active": post.is_active,
    }


@router.get("/campaigns/", response={200: list[CampaignOut], **ERRORS}, tags=["frontline"])
def campaigns(request: HttpRequest) -> Any:
    return [_campaign(c) for c in campaign_list(scope=_scope(request))]


@router.get(
    "/campaigns/{campaign_id}/posts/", response={200: list[PostOut], **ERRORS}, tags=["frontline"]
)
def campaign_posts(request: HttpRequest, campaign_id: Id) -> Any:
    scope = _scope(request)
    found = campaign_get(scope=scope, pk=campaign_id)
    return [
        _post(p)
        for p in post_list(scope=scope, campaign=found).select_related("post_type", "region")
    ]


@router.get(
    "/posts/{post_id}/roster/", response={200: list[RosterCellOut], **ERRORS}, tags=["frontline"]
)
def roster(request: HttpRequest, post_id: Id, week: Week | None = None) -> Any:
    """The week's shifts from ``week`` (default: this week's Monday) with who is on each."""
    scope = _scope(request)
    found = post_get(scope=scope, pk=post_id)
    today = timezone.localdate()
    first = week or today - dt.timedelta(days=today.weekday())
    return [
        {
            "day": cell.day,
            "shift": cell.template.label,
            "starts_at": cell.starts_at,
            "ends_at": cell.ends_at,
            "people_needed": cell.people_needed,
            "assigned": cell.total_assigned,
            "people": [a.person_id for a in cell.assignments],
        }
        for day in roster_week(scope=scope, post=found, first_day=first)
        for cell in day.cells
    ]


# --- duty records ---------------------------------------------------------------------------


class DutyRecordOut(Schema):
    id: int
    person: int
    post: int
    starts_at: dt.datetime
    ends_at: dt.datetime | None
    status: str
    source: str
    tasks: dict[str, int]
    notes: str


class DutyRecordPage(Schema):
    items: list[DutyRecordOut]
    count: int
    page: int
    pages: int


class DutyRecordIn(Schema):
    person: int = Field(ge=1, le=MAX_ID)
    post: int = Field(ge=1, le=MAX_ID)
    starts_at: AwareDatetime
    ends_at: AwareDatetime
    tasks: dict[str, Annotated[int, Field(ge=0, le=1_000_000)]] = {}
    notes: str = Field("", max_length=200)


def _record(record: DutyRecord) -> dict[str, Any]:
    return {
        "id": record.pk,
        "person": record.person_id,
        "post": record.post_id,
        "starts_at": record.starts_at,
        "ends_at": record.ends_at,
        "status": record.status,
        "source": record.source,
        "tasks": {t.kind.code: t.count for t in record.task_counts.all()},
        "notes": record.notes,
    }


@router.get("/duty-records/", response={200: DutyRecordPage, **ERRORS}, tags=["frontline"])
def duty_records(
    request: HttpRequest,
    post: QueryId | None = None,
    person: QueryId | None = None,
    status: str | None = None,
    page: PageNumber = 1,
) -> Any:
    found = records_visible(scope=_scope(request)).prefetch_related("task_counts__kind")
    if post is not None:
        found = found.filter(post_id=post)
    if person is not None:
        found = found.filter(person_id=person)
    if status:
        found = found.filter(status=status)
    return paginate(found.order_by("-starts_at", "-id"), page, _record)


@router.post("/duty-records/", response={201: DutyRecordOut, **ERRORS}, tags=["frontline"])
def duty_record_add(request: HttpRequest, data: DutyRecordIn) -> Any:
    """Record a past shift; it waits for a verifier (not its recorder)."""
    scope = _scope(request)
    found_post = post_get(scope=scope, pk=data.post)
    subject = person_get(scope=scope, pk=data.person)
    kinds = {k.code: k for k in TaskKind.objects.filter(code__in=list(data.tasks))}
    unknown = sorted(set(data.tasks) - set(kinds))
    if unknown:
        raise ValidationError({"tasks": [f"unknown task kind: {code}" for code in unknown]})
    record = duty_record_create(
        acting_user=_user(request),
        post=found_post,
        data=DutyInput(
            subject,
            data.starts_at,
            data.ends_at,
            tasks={kinds[code]: n for code, n in data.tasks.items()},
            notes=data.notes,
        ),
        source=Source.MANUAL,
    )
    return Status(201, _record(record))


@router.post(
    "/duty-records/{record_id}/verify/", response={200: DutyRecordOut, **ERRORS}, tags=["frontline"]
)
def duty_record_verify_endpoint(request: HttpRequest, record_id: Id) -> Any:
    record = record_get(scope=_scope(request), pk=record_id)
    return _record(duty_record_verify(acting_user=_user(request), record=record))


# --- teams and deeds -------------------------------------------------------------------------


class TeamOut(Schema):
    id: int
    name: str
    kind: str
    region: str
    members: int


class DeedOut(Schema):
    id: int
    date: dt.date
    title: str
    level: str
    campaign: int | None


@router.get("/teams/", response={200: list[TeamOut], **ERRORS}, tags=["frontline"])
def teams(request: HttpRequest) -> Any:
    return [
        {
            "id": t.pk,
            "name": t.name,
            "kind": t.kind.code,
            "region": t.region.code,
            "members": t.member_count,  # type: ignore[attr-defined]  # team_list annotates it
        }
        for t in team_list(scope=_scope(request))  # counts members already
    ]


@router.get("/people/{person_id}/deeds/", response={200: list[DeedOut], **ERRORS}, tags=["people"])
def person_deeds(request: HttpRequest, person_id: Id) -> Any:
    subject = person_get(scope=_scope(request), pk=person_id)
    return [
        {"id": d.pk, "date": d.date, "title": d.title, "level": d.level, "campaign": d.campaign_id}
        for d in deeds_of(person=subject)
    ]


# --- pipeline and Party track ------------------------------------------------------------------


class DecisionOut(Schema):
    id: int
    from_stage: str
    to_stage: str
    deciding_level: str
    deciding_body: str
    decided_on: dt.date
    document_number: str
    reason: str


class StandingOut(Schema):
    stage: str | None
    since: dt.date | None
    version: int | None
    decisions: list[DecisionOut]


class DecisionIn(Schema):
    to_stage: str = Field(max_length=20)
    deciding_level: str = Field(max_length=10)
    decided_on: dt.date = Field(ge=dt.date(2000, 1, 1), le=dt.date(2100, 1, 1))
    reason: str = Field(max_length=2000)
    expected_version: int = Field(ge=1, le=MAX_ID)
    document_number: str = Field("", max_length=60)
    exit_reason: str = Field("", max_length=20)


class PartyTrackOut(Schema):
    applied_on: dt.date | None
    activist_on: dt.date | None
    development_target_on: dt.date | None
    admitted_on: dt.date | None
    full_member_approved_on: dt.date | None


def _decision(decision: Any) -> dict[str, Any]:
    return {
        "id": decision.pk,
        "from_stage": decision.from_stage,
        "to_stage": decision.to_stage,
        "deciding_level": decision.deciding_level,
        "deciding_body": decision.deciding_body,
        "decided_on": decision.decided_on,
        "document_number": decision.document_number,
        "reason": decision.reason,
    }


@router.get(
    "/people/{person_id}/standing/", response={200: StandingOut, **ERRORS}, tags=["pipeline"]
)
def standing(request: HttpRequest, person_id: Id) -> Any:
    subject = person_get(scope=_scope(request), pk=person_id)
    found = standing_of(person=subject)
    return {
        "stage": found.stage if found else None,
        "since": found.since if found else None,
        "version": found.version if found else None,
        "decisions": [_decision(d) for d in decisions_of(person=subject)],
    }


@router.post(
    "/people/{person_id}/decisions/", response={201: DecisionOut, **ERRORS}, tags=["pipeline"]
)
def decision_add(request: HttpRequest, person_id: Id, data: DecisionIn) -> Any:
    """A stage decision, made through the same service (and checks) as the page."""
    subject = person_get(scope=_scope(request), pk=person_id)
    made = decide(
        acting_user=_user(request),
        person=subject,
        to_stage=data.to_stage,
        deciding_level=data.deciding_level,
        decided_on=data.decided_on,
        reason=data.reason,
        expected_version=data.expected_version,
        document_number=data.document_number,
        exit_reason=data.exit_reason,
    )
    return Status(201, _decision(made))


@router.get(
    "/people/{person_id}/party-track/", response={200: PartyTrackOut, **ERRORS}, tags=["pipeline"]
)
def party_track(request: HttpRequest, person_id: Id) -> Any:
    subject = person_get(scope=_scope(request), pk=person_id)
    track = track_of(person=subject)
    if track is None:
        raise Http404
    return {
        "applied_on": track.applied_on,
        "activist_on": track.activist_on,
        "development_target_on": track.development_target_on,
        "admitted_on": track.admitted_on,
        "full_member_approved_on": track.full_member_approved_on,
    }


# --- joint review ---------------------------------------------------------------------------------


class VerdictOut(Schema):
    id: int
    batch: str
    department: str
    person: str
    deadline: dt.date
    verdict: str
    items: list[str]
    notes: str


class VerdictIn(Schema):
    verdict: str = Field(max_length=10)
    items: list[str] = Field([], max_length=50)
    notes: str = Field("", max_length=2000)


def _verdict(verdict: Any) -> dict[str, Any]:
    return {
        "id": verdict.pk,
        "batch": verdict.subject.batch.name,
        "department": verdict.department.code,
        "person": verdict.subject.person.name,
        "deadline": verdict.subject.batch.deadline,
        "verdict": verdict.verdict,
        "items": [i.code for i in verdict.items.all()],
        "notes": verdict.notes,
    }


@router.get("/review/verdicts/", response={200: list[VerdictOut], **ERRORS}, tags=["review"])
def verdicts(request: HttpRequest) -> Any:
    """A department clerk's queue: only their own departments' items."""
    scope = _scope(request)
    scope.require(Capability.REVIEW_VERDICT)
    return [_verdict(v) for v in clerk_verdicts(scope=scope, user=_user(request))]


@router.post(
    "/review/verdicts/{verdict_id}/", response={200: VerdictOut, **ERRORS}, tags=["review"]
)
def verdict_set(request: HttpRequest, verdict_id: Id, data: VerdictIn) -> Any:
    scope = _scope(request)
    if not scope.can(Capability.REVIEW_VERDICT):
        raise PermissionDenied
    found = clerk_verdict_get(scope=scope, user=_user(request), pk=verdict_id)
    items = list(NegativeListItem.objects.filter(code__in=data.items, department=found.department))
    saved = verdict_record(
        acting_user=_user(request),
        verdict=found,
        result=data.verdict,
        items=items,
        notes=data.notes,
    )
    return _verdict(clerk_verdict_get(scope=scope, user=_user(request), pk=saved.pk))


# --- vacancies and recommendations -------------------------------------------------------------


class VacancyOut(Schema):
    id: int
    village: str
    seat: str
    reason: str
    opened_on: dt.date
    status: str


class CandidateOut(Schema):
    rank: int | None
    person: int
    name: str
    score: str
    explanation: list[str]


class UnreviewedOut(Schema):
    stage: str
    region: str
    count: int


class ShortlistOut(Schema):
    ranked: list[CandidateOut]
    excluded: list[CandidateOut]
    unreviewed: list[UnreviewedOut]


@router.get("/vacancies/", response={200: list[VacancyOut], **ERRORS}, tags=["seats"])
def vacancies(request: HttpRequest) -> Any:
    return [
        {
            "id": v.pk,
            "village": v.seat.village.code,
            "seat": str(v.seat),
            "reason": v.reason,
            "opened_on": v.opened_on,
            "status": v.status,
        }
        for v in vacancies_visible(scope=_scope(request))
    ]


@router.get(
    "/vacancies/{vacancy_id}/recommendations/",
    response={200: ShortlistOut, **ERRORS},
    tags=["seats"],
)
def recommendations(request: HttpRequest, vacancy_id: Id) -> Any:
    """The ranked shortlist, each rank and each exclusion explained; the pool members who
    have never been through a joint review are counted by pool (``unreviewed``)."""
    scope = _scope(request)
    found = vacancy_get(scope=scope, pk=vacancy_id)
    shortlist = recommend(vacancy=found)
    if not shortlist_visible(scope=scope, shortlist=shortlist):
        raise PermissionDenied  # other villages' reserves: the town's and district's to see
    return {
        "ranked": [
            {
                "rank": row.rank,
                "person": row.person.pk,
                "name": row.person.name,
                "score": str(row.candidate.score.total),
                "explanation": [str(line) for line in row.explanation],
            }
            for row in shortlist.ranked
        ],
        "excluded": [
            {
                "rank": None,
                "person": c.person.pk,
                "name": c.person.name,
                "score": str(c.score.total),
                "explanation": [str(reason) for reason in c.reasons],
            }
            for c in shortlist.excluded
        ],
        "unreviewed": [
            {"stage": group.stage, "region": group.region.code, "count": group.count}
            for group in shortlist.unreviewed
        ],
    }


# --- report figures ------------------------------------------------------------------------------


class FrontlineOut(Schema):
    region: str
    campaign: int | None
    start: dt.date
    end: dt.date
    migrant_workers_served: int
    migrant_workers_served_party_members: int
    new_village_reserves: int
    district_reserves_served: int


class FrontlineQuery(Schema):
    region: str | None = Field(None, max_length=15)
    campaign: int | None = Field(None, ge=1, le=MAX_ID)
    start: dt.date | None = Field(None, ge=dt.date(2000, 1, 1), le=dt.date(2100, 1, 1))
    end: dt.date | None = Field(None, ge=dt.date(2000, 1, 1), le=dt.date(2100, 1, 1))


@router.get("/reports/frontline/", response={200: FrontlineOut, **ERRORS}, tags=["reports"])
def frontline(request: HttpRequest, query: Query[FrontlineQuery]) -> Any:
    """The article's four figures for a region, campaign and period (the dashboard's)."""
    scope = _scope(request)
    scope.require(Capability.PEOPLE_VIEW)
    try:
        filters = resolve_filters(
            scope,
            region_code=query.region,
            campaign_id=query.campaign,
            start=query.start,
            end=query.end,
        )
    except LookupError:
        raise PermissionDenied from None
    if filters.start > filters.end:
        raise ValidationError({"end": ["The end comes on or after the start."]})
    return {
        "region": filters.region.code,
        "campaign": filters.campaign.pk if filters.campaign else None,
        "start": filters.start,
        "end": filters.end,
        **frontline_summary(filters),
    }
