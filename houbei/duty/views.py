from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from houbei.accounts.roles import Capability
from houbei.audit.presenters import describe_events
from houbei.audit.selectors import audit_for_record
from houbei.campaigns.models import Post
from houbei.campaigns.selectors import post_get
from houbei.deeds.selectors import deeds_of
from houbei.duty.calendar import calendar_months, weekday_names
from houbei.duty.exports import roster_workbook
from houbei.duty.forms import (
    AssignForm,
    CheckInForm,
    CheckOutForm,
    CopyForm,
    DayScreenForm,
    DeclineForm,
    RecordForm,
    ReviewFilterForm,
)
from houbei.duty.indicators import local_zone
from houbei.duty.models import DutyRecord
from houbei.duty.selectors import (
    already_recorded,
    assignment_get_for_edit,
    assignments_visible,
    people_for_check_in,
    people_for_post,
    person_days,
    person_indicators,
    person_records,
    post_records,
    post_today,
    record_actions,
    record_get,
    review_posts,
    review_queue,
    roster_week,
    task_kinds,
    verifiable,
)
from houbei.duty.services import records as record_services
from houbei.duty.services import roster as roster_services
from houbei.lib.excel import XLSX_CONTENT_TYPE
from houbei.lib.forms import apply_validation_error
from houbei.lib.http import AuthenticatedHttpRequest, content_disposition
from houbei.people.selectors import person_get


def post_roster_url(post: Post) -> str:
    return reverse("duty:post_roster", args=[post.pk])


def reverse_records(post: Post) -> str:
    return reverse("duty:post_records", args=[post.pk])


def _back(request: AuthenticatedHttpRequest, default: str) -> HttpResponse:
    """Back to the page the form came from, if it is ours; else to ``default``."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect(default)


def _iso_day(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def _roster_at(post: Post, week: dt.date | None, day: dt.date | None) -> str:
    """The roster page, at the week shown before and scrolled to the day acted on."""
    url = post_roster_url(post)
    if week is not None:
        url += f"?week={week.isoformat()}"
    if day is not None:
        url += f"#day-{day.isoformat()}"
    return url


def _today() -> dt.date:
    return timezone.now().astimezone(local_zone()).date()


def _day_param(request: AuthenticatedHttpRequest, name: str, default: dt.date) -> dt.date:
    try:
        return dt.date.fromisoformat(request.GET.get(name, ""))
    except ValueError:
        return default


def _post_capabilities(request: AuthenticatedHttpRequest, post: Post) -> dict[str, bool]:
    scope = request.scope
    is_open = post.is_open  # a closed campaign's roster and records stay as they are
    can_record = is_open and (
        scope.can_on_post(post, Capability.DUTY_RECORD) or scope.can(Capability.DUTY_RECORD)
    )
    return {
        "is_open": is_open,
        "can_roster": is_open and scope.covers(post.region, Capability.ROSTER_EDIT),
        "can_manage": scope.covers(post.region, Capability.POST_MANAGE),
        "can_record": can_record,
        "can_search_people": can_record and scope.can(Capability.PEOPLE_VIEW),
    }


# --- the roster ------------------------------------------------------------------------------


@login_required
@require_GET
def post_roster(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    post = post_get(scope=request.scope, pk=pk)
    today = _today()
    start = _day_param(request, "week", today - dt.timedelta(days=today.weekday()))
    caps = _post_capabilities(request, post)
    return render(
        request,
        "duty/roster.html",
        {
            "section": "frontline",
            "post": post,
            "week": roster_week(scope=request.scope, post=post, first_day=start),
            "week_start": start,
            "previous_week": start - dt.timedelta(days=7),
            "next_week": start + dt.timedelta(days=7),
            "today": today,
            "copy_form": CopyForm(
                initial={"source_day": start, "days": 7, "target_day": start + dt.timedelta(days=7)}
            ),
            **caps,
        },
    )


@login_required
@require_POST
def roster_assign(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    post = post_get(scope=request.scope, pk=pk)
    if not request.scope.covers(post.region, Capability.ROSTER_EDIT):
        raise PermissionDenied
    form = AssignForm(
        request.POST, post=post, people=people_for_post(scope=request.scope, post=post)
    )
    week = request.POST.get("week", "")
    if form.is_valid():
        try:
            roster_services.roster_assign(
                acting_user=request.user,
                post=post,
                template=form.cleaned_data["template"],
                day=form.cleaned_data["day"],
                person=form.cleaned_data["person"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("%(name)s is on the roster.") % {"name": form.cleaned_data["person"].name},
            )
    else:
        messages.error(request, _("Choose a person for the shift."))
    return redirect(_roster_at(post, _iso_day(week), _iso_day(request.POST.get("day", ""))))


@login_required
@require_POST
def roster_unassign(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    assignment = assignment_get_for_edit(scope=request.scope, pk=pk)
    post = assignment.shift.post
    try:
        roster_services.roster_unassign(acting_user=request.user, assignment=assignment)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("%(name)s is off the shift.") % {"name": assignment.person.name}
        )
    week = assignment.shift.day - dt.timedelta(days=assignment.shift.day.weekday())
    return redirect(_roster_at(post, week, assignment.shift.day))


@login_required
@require_POST
def roster_copy(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    post = post_get(scope=request.scope, pk=pk)
    if not request.scope.covers(post.region, Capability.ROSTER_EDIT):
        raise PermissionDenied
    form = CopyForm(request.POST)
    if form.is_valid():
        try:
            result = roster_services.roster_copy_forward(
                acting_user=request.user, post=post, **form.cleaned_data
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("%(n)d assignments copied.") % {"n": result.copied})
            for line in result.skipped[:10]:
                messages.warning(request, line)
        target = form.cleaned_data["target_day"]
        monday = target - dt.timedelta(days=target.weekday())
        return redirect(f"{post_roster_url(post)}?week={monday.isoformat()}")
    messages.error(request, _("Give the days to copy."))
    return redirect(post_roster_url(post))


@login_required
@require_GET
def roster_export(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The week's roster as the usual 排班表 workbook (people the viewer may see)."""
    post = post_get(scope=request.scope, pk=pk)
    today = _today()
    start = _day_param(request, "week", today - dt.timedelta(days=today.weekday()))
    data = roster_workbook(
        post=post,
        week=roster_week(scope=request.scope, post=post, first_day=start),
        first_day=start,
    )
    response = HttpResponse(data, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition(
        f"roster-{post.pk}-{start.isoformat()}.xlsx"
    )
    return response


# --- today: check-in and check-out -----------------------------------------------------------


@login_required
@require_GET
def post_today_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    post = post_get(scope=request.scope, pk=pk)
    record_services.duty_close_stale(post=post)
    return render(
        request,
        "duty/today.html",
        {
            "section": "frontline",
            "post": post,
            "rows": post_today(scope=request.scope, post=post),
            "kinds": list(task_kinds()),
            "now": timezone.now(),
            **_post_capabilities(request, post),
        },
    )


@login_required
@require_POST
def post_check_in(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    post = post_get(scope=request.scope, pk=pk)
    form = CheckInForm(request.POST, people=people_for_check_in(scope=request.scope, post=post))
    if not form.is_valid():
        messages.error(request, _("This person cannot be checked in here."))
    else:
        try:
            record_services.duty_check_in(
                acting_user=request.user, post=post, person=form.cleaned_data["person"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request, _("%(name)s checked in.") % {"name": form.cleaned_data["person"].name}
            )
    return redirect("duty:post_today", pk=post.pk)


@login_required
@require_POST
def record_check_out(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    record = record_get(scope=request.scope, pk=pk)
    form = CheckOutForm(request.POST, kinds=list(task_kinds()))
    if not form.is_valid():
        messages.error(request, _("Counts are whole numbers, 0 or more."))
    else:
        try:
            record_services.duty_check_out(
                acting_user=request.user, record=record, tasks=form.task_counts()
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("%(name)s checked out.") % {"name": record.person.name})
    return redirect("duty:post_today", pk=record.post_id)


@login_required
@require_GET
def post_people_search(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """People of the post's region in the user's scope, for checking in someone not on the
    roster (htmx fragment)."""
    post = post_get(scope=request.scope, pk=pk)
    caps = _post_capabilities(request, post)
    if not (caps["can_search_people"] or caps["can_roster"]):
        raise PermissionDenied
    query = request.GET.get("q", "").strip()
    people = people_for_post(scope=request.scope, post=post, query=query)[:10] if query else []
    return render(
        request,
        "duty/_people_search.html",
        {
            "post": post,
            "people": people,
            "query": query,
            # "assign": put on a roster shift (the roster page); otherwise check in now.
            "mode": request.GET.get("mode", ""),
            "template": request.GET.get("template", ""),
            "day": request.GET.get("day", ""),
            "week": request.GET.get("week", ""),
        },
    )


# --- records of a post ---------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def post_records_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A day's records at a post, and a form for a shift served earlier."""
    post = post_get(scope=request.scope, pk=pk)
    day = _day_param(request, "day", _today())
    kinds = list(task_kinds())
    caps = _post_capabilities(request, post)
    people = people_for_post(scope=request.scope, post=post) if caps["can_search_people"] else None
    form = (
        RecordForm(request.POST or None, kinds=kinds, people=people, initial={"day": day})
        if people is not None
        else None
    )
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            starts_at, ends_at = form.times()
            try:
                record_services.duty_record_create(
                    acting_user=request.user,
                    post=post,
                    data=record_services.DutyInput(
                        person=form.cleaned_data["person"],
                        starts_at=starts_at,
                        ends_at=ends_at,
                        tasks=form.task_counts(),
                        notes=form.cleaned_data["notes"],
                    ),
                )
            except ValidationError as error:
                apply_validation_error(form, _times_on_fields(error))
            else:
                messages.success(request, _("Recorded; it waits for verification."))
                return redirect(f"{request.path}?day={form.cleaned_data['day'].isoformat()}")
    return render(
        request,
        "duty/records.html",
        {
            "section": "frontline",
            "post": post,
            "day": day,
            "previous_day": day - dt.timedelta(days=1),
            "next_day": day + dt.timedelta(days=1),
            "records": [
                (record, record_actions(scope=request.scope, record=record))
                for record in post_records(scope=request.scope, post=post, day=day)
            ],
            "form": form,
            **caps,
            "decline_form": DeclineForm(),
        },
        status=400 if form is not None and form.is_bound else 200,
    )


def _times_on_fields(error: ValidationError) -> ValidationError:
    """The services speak of starts_at/ends_at; the forms have start/end."""
    if not hasattr(error, "error_dict"):
        return error
    renamed = {
        {"starts_at": "start", "ends_at": "end"}.get(key, key): value
        for key, value in error.error_dict.items()
    }
    return ValidationError(renamed)


@login_required
@require_http_methods(["GET", "POST"])
def post_day_screen(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Everyone rostered on a day, entered at once: one transaction for the whole screen."""
    post = post_get(scope=request.scope, pk=pk)
    if not _post_capabilities(request, post)["can_record"]:
        raise PermissionDenied
    day = _day_param(request, "day", _today() - dt.timedelta(days=1))
    start = dt.datetime.combine(day, dt.time(0), tzinfo=local_zone())
    rows = list(
        assignments_visible(scope=request.scope)
        .filter(shift__post=post, starts_at__gte=start, starts_at__lt=start + dt.timedelta(days=1))
        .order_by("starts_at", "person__name_sort")
    )
    kinds = list(task_kinds())
    form = DayScreenForm(
        request.POST or None, rows=rows, kinds=kinds, recorded=already_recorded(assignments=rows)
    )
    failed_rows: dict[int, list[str]] = {}
    if request.method == "POST" and form.is_valid():
        chosen = form.chosen(day)
        if form.is_valid() and chosen:
            inputs = [
                record_services.DutyInput(
                    person=row.person, starts_at=s, ends_at=e, tasks=tasks, shift=row.shift
                )
                for row, s, e, tasks in chosen
            ]
            try:
                created = record_services.duty_records_bulk_create(
                    acting_user=request.user, post=post, rows=inputs
                )
            except record_services.BulkEntryError as error:
                failed_rows = {
                    chosen[problem.index][0].pk: problem.messages for problem in error.rows
                }
                messages.error(request, _("Nothing was saved: fix the marked rows and save again."))
            else:
                messages.success(
                    request,
                    _("%(n)d records saved; they wait for verification.") % {"n": len(created)},
                )
                return redirect(f"{reverse_records(post)}?day={day.isoformat()}")
        elif not chosen and form.is_valid():
            messages.warning(request, _("Tick at least one person who served."))
    return render(
        request,
        "duty/day_screen.html",
        {
            "section": "frontline",
            "post": post,
            "day": day,
            "form": form,
            "failed_rows": failed_rows,
            "kinds": kinds,
        },
        status=400 if form.is_bound else 200,
    )


# --- one record ------------------------------------------------------------------------------


@login_required
@require_GET
def record_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    record = record_get(scope=request.scope, pk=pk)
    return _record_page(request, record)


def _record_page(
    request: AuthenticatedHttpRequest,
    record: DutyRecord,
    form: RecordForm | None = None,
    status: int = 200,
) -> HttpResponse:
    zone = local_zone()
    kinds = list(task_kinds())
    counts = {count.kind.code: count.count for count in record.task_counts.all()}
    if form is None and record.ends_at is not None:
        form = RecordForm(
            kinds=kinds,
            task_initial=counts,
            initial={
                "day": record.starts_at.astimezone(zone).date(),
                "start": record.starts_at.astimezone(zone).time(),
                "end": record.ends_at.astimezone(zone).time(),
                "notes": record.notes,
                "version": record.version,
            },
        )
    return render(
        request,
        "duty/record.html",
        {
            "section": "frontline",
            "record": record,
            "actions": record_actions(scope=request.scope, record=record),
            "form": form,
            "decline_form": DeclineForm(),
            "history": describe_events(
                audit_for_record(
                    record=record, listed_in=(record.import_event_id, record.verify_event_id)
                ),
                record,
            ),
            "kinds": kinds,
        },
        status=status,
    )


@login_required
@require_POST
def record_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    record = record_get(scope=request.scope, pk=pk)
    form = RecordForm(request.POST, kinds=list(task_kinds()))
    if form.is_valid():
        starts_at, ends_at = form.times()
        try:
            record_services.duty_record_update(
                acting_user=request.user,
                record=record,
                data=record_services.DutyInput(
                    person=record.person,
                    starts_at=starts_at,
                    ends_at=ends_at,
                    tasks=form.task_counts(),
                    notes=form.cleaned_data["notes"],
                ),
                expected_version=form.cleaned_data.get("version") or 0,
            )
        except ValidationError as error:
            apply_validation_error(form, _times_on_fields(error))
        else:
            messages.success(request, _("Saved; the record waits for verification again."))
            return redirect("duty:record_detail", pk=record.pk)
    return _record_page(request, record, form=form, status=400)


@login_required
@require_POST
def record_verify(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    record = record_get(scope=request.scope, pk=pk)
    try:
        record_services.duty_record_verify(acting_user=request.user, record=record)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("Verified: %(name)s's shift now counts.") % {"name": record.person.name}
        )
    return _back(request, reverse("duty:review"))


@login_required
@require_POST
def record_decline(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    record = record_get(scope=request.scope, pk=pk)
    form = DeclineForm(request.POST)
    if form.is_valid():
        try:
            record_services.duty_record_decline(
                acting_user=request.user, record=record, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("%(name)s's record is declined; it is kept with the reason.")
                % {"name": record.person.name},
            )
            return _back(request, reverse("duty:review"))
    else:
        messages.error(request, _("Say why the record is declined."))
    return redirect("duty:record_detail", pk=record.pk)


def _require_reviewer(request: AuthenticatedHttpRequest) -> None:
    if not (request.scope.can(Capability.DUTY_VERIFY) or request.scope.can(Capability.POST_LEAD)):
        raise PermissionDenied


@login_required
@require_GET
def review_queue_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_reviewer(request)
    form = ReviewFilterForm(request.GET or None, posts=review_posts(scope=request.scope))
    narrowed = form.narrowed()
    queue = review_queue(scope=request.scope, **narrowed)
    page = Paginator(queue, 25).get_page(request.GET.get("page"))
    records = [(record, record_actions(scope=request.scope, record=record)) for record in page]
    return render(
        request,
        "duty/review.html",
        {
            "section": "frontline",
            "form": form,
            "page_obj": page,
            "records": records,
            "selectable": any(actions["verify"] for _record, actions in records),
            # Verifying a whole list at once, only once it is narrowed to a post or a kind.
            "verifiable_count": (
                verifiable(queue, scope=request.scope).count() if narrowed else None
            ),
        },
    )


@login_required
@require_POST
def review_verify(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Verify the ticked records of the review queue, or (``all``) every record of the
    narrowed queue the user may verify, if it still holds as many as they were shown."""
    _require_reviewer(request)
    form = ReviewFilterForm(request.POST, posts=review_posts(scope=request.scope))
    back = _back(request, reverse("duty:review"))
    if "all" in request.POST:
        narrowed = form.narrowed()
        if not narrowed:
            messages.error(request, _("Narrow the list to one post or one kind of entry first."))
            return back
        ids = list(
            verifiable(review_queue(scope=request.scope, **narrowed), scope=request.scope)
            .order_by()
            .values_list("pk", flat=True)
        )
        if str(len(ids)) != request.POST.get("expected"):
            messages.error(
                request,
                ngettext(
                    "The list changed while it was open: %(count)d record can be verified "
                    "now. Look at it again, then verify.",
                    "The list changed while it was open: %(count)d records can be verified "
                    "now. Look at them again, then verify.",
                    len(ids),
                )
                % {"count": len(ids)},
            )
            return back
    else:
        try:
            ids = sorted({int(value) for value in request.POST.getlist("record")})
        except ValueError:
            return HttpResponseBadRequest(_("The records ticked could not be read."))
        if not ids:
            messages.error(request, _("Tick the records to verify first."))
            return back
        found = review_queue(scope=request.scope).filter(pk__in=ids).values_list("pk", flat=True)
        if len(set(found)) != len(ids):
            raise Http404  # out of the user's queue: as a missing record
    try:
        count = record_services.duty_records_verify_many(acting_user=request.user, record_ids=ids)
    except ValidationError as error:
        shown = error.messages[:REFUSALS_SHOWN]
        more = len(error.messages) - len(shown)
        messages.error(
            request,
            _("Nothing was verified: %(problems)s") % {"problems": "；".join(shown)}
            + (_("; and %(count)d more.") % {"count": more} if more else ""),
        )
    else:
        messages.success(
            request,
            ngettext(
                "Verified %(count)d record: it now counts.",
                "Verified %(count)d records: they now count.",
                count,
            )
            % {"count": count},
        )
    return back


# Refusals of a bulk verification named in its message; the rest are counted.
REFUSALS_SHOWN = 5


# --- a person's frontline profile ------------------------------------------------------------


@login_required
@require_GET
def person_profile(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """What the person actually did: the indicators, a calendar of days served and a timeline
    of shifts and deeds — all from the records."""
    person = person_get(scope=request.scope, pk=pk)
    indicators_rows = person_indicators(person=person)
    records = list(person_records(scope=request.scope, person=person)[:100])
    deeds = list(deeds_of(person=person))
    timeline = sorted(
        [("record", record.starts_at.astimezone(local_zone()).date(), record) for record in records]
        + [("deed", deed.date, deed) for deed in deeds],
        key=lambda item: item[1],
        reverse=True,
    )
    return render(
        request,
        "duty/profile.html",
        {
            "section": "people",
            "person": person,
            "overall": next((row for row in indicators_rows if row.campaign_key == 0), None),
            "by_campaign": [row for row in indicators_rows if row.campaign_key],
            "calendar": calendar_months(person_days(person=person)),
            "weekday_names": weekday_names(),
            "timeline": timeline,
            "kinds": {kind.code: kind for kind in task_kinds()},
            "can_add_deed": request.scope.covers(person.village, Capability.DEED_EDIT),
        },
    )
