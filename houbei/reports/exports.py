"""Excel exports of the reports: the roster behind any figure (花名册), duty records, pipeline
decisions and the dashboard's tables.

Every export streams: rows are read in chunks and written to a temporary file in constant
memory (lib/excel.StreamedTable), then sent. Exports larger than
``HOUBEI_EXPORT_INLINE_ROWS`` run as background jobs (jobs app) with a progress bar; the job
rebuilds the report's filters from the requesting user's scope when it runs.

Identifiers are masked as on the pages; text that Excel would take for a formula stays text."""

from __future__ import annotations

import datetime as dt
import functools
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from houbei.accounts.models import User
from houbei.accounts.scoping import Scope
from houbei.duty.indicators import EpochSeconds
from houbei.duty.models import DutyRecord, PersonIndicator, Source, Status
from houbei.jobs.models import Job
from houbei.jobs.runner import Progress, job_handler
from houbei.lib.dates import age_on
from houbei.lib.excel import StreamedTable
from houbei.people.models import Person
from houbei.pipeline.models import StageDecision
from houbei.pipeline.stages import Stage
from houbei.reports.figures import Breakdown, Filters, Section, figure, people_in
from houbei.reports.selectors import resolve_filters

CHUNK = 2000
Rows = Callable[[], Iterator[Sequence[Any]]]


@dataclass(frozen=True)
class Export:
    """What one export writes: a title, column headers and widths, and its rows."""

    title: str
    headers: list[str]
    widths: list[int]
    count: int
    rows: Rows
    filename: str


def subtitle(filters: Filters) -> str:
    campaign = f"{filters.campaign.name} · " if filters.campaign else ""
    return _("%(region)s · %(campaign)s%(start)s to %(end)s · exported %(now)s") % {
        "region": filters.region.name,
        "campaign": campaign,
        "start": filters.start.isoformat(),
        "end": filters.end.isoformat(),
        "now": timezone.localtime().strftime("%Y-%m-%d %H:%M"),
    }


def write(export: Export, filters: Filters, progress: Progress | None = None) -> str:
    """Write the export to a temporary .xlsx file and return its path (the caller removes it)."""
    handle = tempfile.NamedTemporaryFile(suffix=".xlsx", delete=False)  # noqa: SIM115 - returned
    handle.close()
    with StreamedTable(
        handle.name,
        title=export.title,
        subtitle=subtitle(filters),
        headers=export.headers,
        widths=export.widths,
    ) as table:
        for number, row in enumerate(export.rows(), 1):
            table.append(row)
            if progress is not None and number % 500 == 0:
                progress(number, export.count)
    if progress is not None:
        progress(export.count, export.count)
    return handle.name


# --- the roster (花名册) behind a figure --------------------------------------------------------


def roster(people: QuerySet[Person], title: str, filename: str) -> Export:
    hours = PersonIndicator.objects.filter(person=OuterRef("pk"), campaign_key=0).values("seconds")[
        :1
    ]
    rows_qs = (
        people.select_related("village__parent", "villager_group", "standing")
        .prefetch_related("categories")
        .annotate(served_seconds=Subquery(hours))
        .order_by("village__code", "name_sort", "pk")
    )
    today = timezone.localdate()

    def rows() -> Iterator[Sequence[Any]]:
        for number, person in enumerate(rows_qs.iterator(chunk_size=CHUNK), 1):
            standing = getattr(person, "standing", None)
            yield [
                number,
                person.name,
                person.get_sex_display(),
                person.get_ethnicity_display(),
                person.birth_date.strftime("%Y.%m"),
                age_on(person.birth_date, today),
                person.id_number_masked,
                person.get_political_status_display(),
                person.get_education_display(),
                "、".join(c.name for c in person.categories.all()),
                person.village.parent.name if person.village.parent else "",
                person.village.name,
                person.villager_group.name if person.villager_group else "",
                person.phone_masked,
                Stage(standing.stage).label if standing else "",
                round((person.served_seconds or 0) / 3600, 1),
            ]

    return Export(
        title=title,
        headers=[
            _("No."),
            _("Name"),
            _("Sex"),
            _("Ethnicity"),
            _("Born"),
            _("Age"),
            _("ID number"),
            _("Political status"),
            _("Education"),
            _("Background"),
            _("Town"),
            _("Village"),
            _("Villager group"),
            _("Phone"),
            _("Stage"),
            _("Frontline hours"),
        ],
        widths=[6, 10, 5, 7, 9, 5, 20, 12, 12, 16, 12, 12, 10, 14, 12, 9],
        count=rows_qs.count(),
        rows=rows,
        filename=filename,
    )


# --- duty records ---------------------------------------------------------------------------------


def duty_records(filters: Filters) -> Export:
    first, after = filters.local_bounds()
    records = DutyRecord.objects.filter(
        person__in=people_in(filters), starts_at__gte=first, starts_at__lt=after
    )
    if filters.campaign is not None:
        # Through the post, whose campaign the record's is (denormalised): SQLite, run
        # without planner statistics, would otherwise take the records' campaign index and
        # read every record of the campaign — a district's 400 000 to export two days'
        # 14 000 (175 ms a query against 18 ms through the posts' (post, start) index).
        # PostgreSQL plans the two alike (57 and 60 ms).
        records = records.filter(post__campaign=filters.campaign)
    records = records.order_by("starts_at", "pk")

    def rows() -> Iterator[Sequence[Any]]:
        # Plain tuples, labels looked up once: 100 000 model instances and as many
        # translated-choice lookups would take most of the export's time. Times arrive as
        # epoch seconds (records are kept to the second), each distinct one turned into
        # local text once (``_local_texts``): a log repeats its shift times, and parsing,
        # converting and formatting two datetimes a row had been a sixth of the export.
        zone = timezone.get_current_timezone()
        statuses = {value: str(label) for value, label in Status.choices}
        sources = {value: str(label) for value, label in Source.choices}
        # Who entered and verified them, from one pass over the records (a few dozen
        # accounts), not a subquery for each column.
        pairs = records.order_by().values_list("recorded_by_id", "verified_by_id").distinct()
        user_ids = {pk for pair in pairs for pk in pair if pk is not None}
        users = {user.pk: _display_name(user) for user in User.objects.filter(pk__in=user_ids)}
        values = records.annotate(
            start_epoch=EpochSeconds("starts_at"), end_epoch=EpochSeconds("ends_at")
        ).values_list(
            "start_epoch",
            "end_epoch",
            "post__name",
            "post__post_type__name",
            "person__name",
            "person__village__name",
            "status",
            "source",
            "recorded_by_id",
            "verified_by_id",
            "notes",
            "decline_reason",
        )
        for number, row in enumerate(values.iterator(chunk_size=CHUNK), 1):
            start, end, post, post_type, name, village, status, source = row[:8]
            recorded_by, verified_by, notes, decline_reason = row[8:]
            day, clock, _end = _local_texts(start, zone)
            yield [
                number,
                day,
                post,
                post_type,
                name,
                village,
                clock,
                _local_texts(end, zone)[2] if end is not None else "",
                round((end - start) / 3600, 2) if end is not None else "",
                statuses.get(status, status),
                sources.get(source, source),
                users.get(recorded_by, ""),
                users.get(verified_by, ""),
                notes or decline_reason,
            ]

    return Export(
        title=_("Duty records"),
        headers=[
            _("No."),
            _("Date"),
            _("Post"),
            _("Kind of post"),
            _("Name"),
            _("Village"),
            _("Started"),
            _("Ended"),
            _("Hours"),
            _("Status"),
            _("Source"),
            _("Recorded by"),
            _("Verified by"),
            _("Notes"),
        ],
        widths=[6, 11, 18, 14, 10, 12, 7, 12, 6, 10, 10, 12, 12, 24],
        count=records.count(),
        rows=rows,
        filename=_("duty-records") + f"-{filters.region.code}.xlsx",
    )


@functools.lru_cache(maxsize=4096)
def _local_texts(epoch: int, zone: dt.tzinfo) -> tuple[str, str, str]:
    """A moment in epoch seconds as the export writes it in local time: its date and clock
    time (for a start), and month, day and time (for an end). Remembered: a log starts and
    ends its shifts at the same times every day; check-outs fall on any second, so the
    remembered moments are bounded."""
    moment = dt.datetime.fromtimestamp(epoch, zone)
    return moment.strftime("%Y-%m-%d"), moment.strftime("%H:%M"), moment.strftime("%m-%d %H:%M")


def _display_name(user: Any) -> str:
    if user is None:
        return ""
    return str(user.get_full_name() or user.get_username())


# --- pipeline decisions --------------------------------------------------------------------------


def decisions(filters: Filters) -> Export:
    rows_qs = (
        StageDecision.objects.filter(
            person__in=people_in(filters),
            decided_on__gte=filters.start,
            decided_on__lte=filters.end,
        )
        .select_related("person__village")
        .order_by("decided_on", "pk")
    )

    def rows() -> Iterator[Sequence[Any]]:
        for number, decision in enumerate(rows_qs.iterator(chunk_size=CHUNK), 1):
            yield [
                number,
                decision.decided_on.isoformat(),
                decision.person.name,
                decision.person.village.name,
                Stage(decision.from_stage).label if decision.from_stage else "",
                Stage(decision.to_stage).label,
                decision.deciding_body,
                decision.document_number,
                decision.get_exit_reason_display() if decision.exit_reason else "",
                decision.reason,
            ]

    return Export(
        title=_("Pipeline decisions"),
        headers=[
            _("No."),
            _("Date of decision"),
            _("Name"),
            _("Village"),
            _("From"),
            _("To"),
            _("Deciding body"),
            _("Document number"),
            _("Exit reason"),
            _("Reason"),
        ],
        widths=[6, 11, 10, 12, 14, 14, 16, 18, 12, 40],
        count=rows_qs.count(),
        rows=rows,
        filename=_("decisions") + f"-{filters.region.code}.xlsx",
    )


# --- the dashboard's tables ----------------------------------------------------------------------


def dashboard_tables(
    filters: Filters,
    sections: list[Section],
    counts: dict[str, Breakdown],
    children: Sequence[Any],
) -> Export:
    def rows() -> Iterator[Sequence[Any]]:
        for section in sections:
            yield [str(section.title)] + [""] * (len(children) + 1)
            for item in section.figures:
                breakdown = counts[item.key]
                yield [str(item.label), breakdown.total] + [
                    breakdown.by_child.get(child.pk, 0) for child in children
                ]

    return Export(
        title=_("Reserve work report"),
        headers=[_("Indicator"), filters.region.name] + [child.name for child in children],
        widths=[30, 10] + [9] * len(children),
        count=sum(len(section.figures) + 1 for section in sections),
        rows=rows,
        filename=_("report") + f"-{filters.region.code}.xlsx",
    )


# --- background jobs -----------------------------------------------------------------------------


def job_params(filters: Filters, **extra: str) -> dict[str, Any]:
    return {
        "region": filters.region.code,
        "campaign": filters.campaign.pk if filters.campaign else None,
        "start": filters.start.isoformat(),
        "end": filters.end.isoformat(),
        **extra,
    }


def filters_for_job(job: Job) -> Filters:
    """The report's filters again, from the user's scope as it is now (a grant withdrawn
    since the job was asked for makes it fail, not leak)."""
    params = job.params
    scope = Scope.for_user(job.requested_by)
    return resolve_filters(
        scope,
        region_code=params["region"],
        campaign_id=params["campaign"],
        start=dt.date.fromisoformat(params["start"]),
        end=dt.date.fromisoformat(params["end"]),
    )


def export_for(kind: str, filters: Filters, params: dict[str, Any]) -> Export:
    if kind == "people":
        chosen = figure(params["figure"])
        if chosen is None:
            raise LookupError(params["figure"])
        return roster(
            chosen.people(filters),
            str(chosen.label),
            _("roster") + f"-{params['figure']}-{filters.region.code}.xlsx",
        )
    if kind == "duty_records":
        return duty_records(filters)
    if kind == "decisions":
        return decisions(filters)
    raise LookupError(kind)


@job_handler("reports.export")
def export_job(job: Job, progress: Progress) -> tuple[str, str]:
    filters = filters_for_job(job)
    export = export_for(job.params["export"], filters, job.params)
    return export.filename, write(export, filters, progress)
