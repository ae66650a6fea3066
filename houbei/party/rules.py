"""The statutory clocks of Party development (《中国共产党发展党员工作细则》, 2014), in one
place: what each step needs, the earliest date it can happen, and when it is due.

Dates: periods in months and years end on the corresponding day, or the month's last day
when there is none (民法典 202条; see docs/decisions/0004-party-clocks.md); an applicant is
18 from the 18th birthday, and someone born on 29 February from 1 March in a common year.

``check_step`` refuses impossible entries with the rule they break; ``clock`` says what
comes next for a track. Neither reads the database.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from houbei.lib.dates import add_months, add_years, age_on, birthday_in
from houbei.party.models import PartyStage, PartyTrack

MIN_AGE = 18
ACTIVIST_YEARS = 1  # Art. 13
TALK_WITHIN_MONTHS = 1
MIN_TRAINING_DAYS = 3  # Art. 17: at least three days …
MIN_TRAINING_HOURS = Decimal(24)  # … or at least 24 class hours
APPROVAL_DUE_MONTHS = 3
APPROVAL_LATEST_MONTHS = 6  # special cases (an election period); later, start again
PROBATION_MONTHS = 12
EXTENSION_MONTHS = (6, 12)
FULL_MEMBERSHIP_DUE_MONTHS = 3


class Step(models.TextChoices):
    APPLY = "apply", gettext_lazy("Application submitted")
    TALK = "talk", gettext_lazy("Party talk")
    ACTIVIST = "activist", gettext_lazy("Confirmed as activist")
    DEVELOPMENT_TARGET = "development_target", gettext_lazy("Confirmed as development target")
    SPONSORS = "sponsors", gettext_lazy("Sponsors assigned")
    REVIEW = "review", gettext_lazy("Political review")
    TRAINING = "training", gettext_lazy("Concentrated training")
    ADMIT = "admit", gettext_lazy("Admitted as probationary member")
    APPROVE = "approve", gettext_lazy("Admission approved")
    EXTEND = "extend", gettext_lazy("Probation extended")
    FULL_MEMBER = "full_member", gettext_lazy("Full membership approved")


# The fields each step writes; the first one says whether the step is recorded.
STEP_FIELDS: dict[Step, tuple[str, ...]] = {
    Step.APPLY: ("applied_on",),
    Step.TALK: ("talked_on",),
    Step.ACTIVIST: ("activist_on", "contacts"),
    Step.DEVELOPMENT_TARGET: ("development_target_on",),
    Step.SPONSORS: ("sponsor_1", "sponsor_2"),
    Step.REVIEW: ("review_on", "review_passed", "review_conclusion"),
    Step.TRAINING: ("training_started_on", "training_ended_on", "training_hours"),
    Step.ADMIT: ("admitted_on",),
    Step.APPROVE: ("approved_on", "approval_note"),
    Step.EXTEND: ("extended_on", "extension_months"),
    Step.FULL_MEMBER: ("full_member_approved_on",),
}

# Steps of one phase may come in any order; a phase needs the one before it.
PHASE: dict[Step, int] = {
    Step.APPLY: 0,
    Step.TALK: 1,
    Step.ACTIVIST: 2,
    Step.DEVELOPMENT_TARGET: 3,
    Step.SPONSORS: 4,
    Step.REVIEW: 4,
    Step.TRAINING: 4,
    Step.ADMIT: 5,
    Step.APPROVE: 6,
    Step.EXTEND: 7,
    Step.FULL_MEMBER: 8,
}
_NEEDS: dict[Step, Step] = {
    Step.TALK: Step.APPLY,
    Step.ACTIVIST: Step.TALK,
    Step.DEVELOPMENT_TARGET: Step.ACTIVIST,
    Step.SPONSORS: Step.DEVELOPMENT_TARGET,
    Step.REVIEW: Step.DEVELOPMENT_TARGET,
    Step.TRAINING: Step.DEVELOPMENT_TARGET,
    Step.ADMIT: Step.DEVELOPMENT_TARGET,
    Step.APPROVE: Step.ADMIT,
    Step.EXTEND: Step.APPROVE,
    Step.FULL_MEMBER: Step.APPROVE,
}


def _iso(day: dt.date) -> str:
    return day.isoformat()


def is_recorded(track: PartyTrack | None, step: Step) -> bool:
    if track is None:
        return False
    value = getattr(track, STEP_FIELDS[step][0])
    return value not in (None, "")


def may_enter(track: PartyTrack | None, step: Step) -> bool:
    """A step may be entered (or corrected) when the step it needs is recorded and no step
    of a later phase is: correcting a date under a later step would change its basis."""
    needed = step == Step.APPLY or is_recorded(track, _NEEDS[step])
    later = any(is_recorded(track, other) for other in Step if PHASE[other] > PHASE[step])
    return needed and not later


def review_valid_until(track: PartyTrack) -> dt.date | None:
    if track.review_on is None:
        return None
    return add_months(track.review_on, settings.HOUBEI_PARTY_REVIEW_VALID_MONTHS)


def training_sufficient(track: PartyTrack) -> bool:
    return (
        track.training_days >= MIN_TRAINING_DAYS
        or (track.training_hours or 0) >= MIN_TRAINING_HOURS
    )


def count_names(raw: str) -> int:
    return len([part for part in _split_names(raw) if part])


def _split_names(raw: str) -> list[str]:
    for separator in "、,，;；/":
        raw = raw.replace(separator, " ")
    return raw.split()


def admission_blockers(track: PartyTrack, on: dt.date | None = None) -> list[str]:
    """What still stands between a development target and admission (empty: ready)."""
    blockers: list[str] = []
    if not (track.sponsor_1.strip() and track.sponsor_2.strip()):
        blockers.append(_("Two sponsors are needed (Art. 14)."))
    if not track.review_passed:
        blockers.append(_("A passed political review is needed (Art. 16)."))
    else:
        valid_until = review_valid_until(track)
        if on is not None and valid_until is not None and on > valid_until:
            blockers.append(
                _("The political review of %(date)s was valid until %(until)s: review again.")
                % {"date": _iso(track.review_on), "until": _iso(valid_until)}  # type: ignore[arg-type]
            )
    if not training_sufficient(track):
        blockers.append(
            _(
                "Concentrated training of at least 3 days or 24 class hours is needed "
                "(Art. 17); recorded: %(days)s days, %(hours)s hours."
            )
            % {"days": track.training_days, "hours": track.training_hours or 0}
        )
    return blockers


def earliest_admission(track: PartyTrack) -> dt.date | None:
    days = [track.development_target_on, track.review_on, track.training_ended_on]
    known = [day for day in days if day is not None]
    return max(known) if known else None


def earliest_application(birth_date: dt.date) -> dt.date:
    return birthday_in(birth_date, birth_date.year + MIN_AGE)


@dataclass
class Problems:
    by_field: dict[str, list[str]] = field(default_factory=dict)

    def add(self, name: str, message: str) -> None:
        self.by_field.setdefault(name, []).append(message)

    def __bool__(self) -> bool:
        return bool(self.by_field)


def check_step(track: PartyTrack, step: Step, *, birth_date: dt.date, today: dt.date) -> Problems:
    """Problems with ``track`` after ``step``'s values have been put on it (unsaved)."""
    problems = Problems()
    first_field = STEP_FIELDS[step][0]
    for name in STEP_FIELDS[step]:
        value = getattr(track, name)
        if isinstance(value, dt.date) and value > today:
            problems.add(name, _("A date cannot be in the future."))
    if problems:
        return problems
    checker = _CHECKERS[step]
    checker(track, problems, birth_date)
    if not getattr(track, first_field) and first_field not in problems.by_field:
        problems.add(first_field, _("This field is required."))
    return problems


def _check_apply(track: PartyTrack, problems: Problems, birth_date: dt.date) -> None:
    if track.applied_on and age_on(birth_date, track.applied_on) < MIN_AGE:
        problems.add(
            "applied_on",
            _(
                "Under 18 on %(date)s: an application can be made from the 18th birthday, "
                "%(birthday)s (Art. 5)."
            )
            % {"date": _iso(track.applied_on), "birthday": _iso(earliest_application(birth_date))},
        )


def _check_talk(track: PartyTrack, problems: Problems, birth_date: dt.date) -> None:
    if track.talked_on and track.talked_on < track.applied_on:
        problems.add(
            "talked_on",
            _("The Party talk cannot come before the application (%(date)s).")
            % {"date": _iso(track.applied_on)},
        )


def _check_activist(track: PartyTrack, problems: Problems, birth_date: dt.date) -> None:
    if track.activist_on and track.talked_on and track.activist_on < track.talked_on:
        problems.add(
            "activist_on",
            _("An activist is confirmed after the Party talk (%(date)s).")
            % {"date": _iso(track.talked_on)},
        )
    if not 1 <= count_names(track.contacts) <= 2:
        problems.add("contacts", _("Name one or two cultivation contacts (full Party members)."))


def _check_development_target(track: PartyTrack, problems: Problems, birth_date: dt.date) -> None:
    if track.development_target_on and track.activist_on:
        earliest = add_years(track.activist_on, ACTIVIST_YEARS)
        if track.development_target_on < earliest:
            problems.add(
                "development_target_on",
                _(
                    "At least one year as an activist is required (Art. 13): confirmed as "
                    "activist on %(activist)s, so the earliest date is %(earliest)s."
                )
                % {"activist": _iso(track.activist_on), "earliest": _iso(earliest)},
            )


def _check_sponsors(track: PartyTrack, problems: Problems, birth_date: dt.date) -> None:
    first, second = track.sponsor_1.strip(), track.sponsor_2.strip()
    if not first or not second:
        problems.add("sponsor_1", _("Two sponsors are needed (Art. 14)."))
    elif first == second:
        problems.add("sponsor_2", _("The two sponsors must be different people."))


def _not_before_target(track: PartyTrack, problems: Problems, name: str, message: str) -> None:
    day = getattr(track, name)
    if day and track.development_target_on and day < track.development_target_on:
        problems.add(name, message % {"date": _iso(track.development_target_on)})


def _check_review(track: PartyTrack, problems: Problems, birth_date: dt.date) -> None:
    _not_before_target(
        track,
        problems,
        "review_on",
        _("The political review comes after confirming the development target (%(date)s)."),
    )
    if track.review_passed is None:
        problems.add("review_passed", _("Say whether the review was passed."))
    if not track.review_conclusion.strip():
        problems.add(
            "review_conclusion",
            _("Write the review's conclusion (Art. 16 asks for it in writing)."),
        )


def _check_training(track: PartyTrack, problems: Problems, birth_date: dt.date) -> None:
    _not_before_target(
        track,
        problems,
        "training_started_on",
        _("The concentrated training is for development targets: it cannot start before %(date)s."),
    )
    if not track.training_ended_on:
        problems.add("training_ended_on", _("This field is required."))
    elif track.training_started_on and track.training_ended_on < track.training_started_on:
        problems.add("training_ended_on", _("The training cannot end before it starts."))
    if track.training_hours is None or track.training_hours <= 0:
        problems.add("training_hours", _("Enter the class hours attended."))


def _check_admit(track: PartyTrack, problems: Problems, birth_date: dt.date) -> None:
    if not track.admitted_on:
        return
    for blocker in admission_blockers(track, track.admitted_on):
        problems.add("admitted_on", blocker)
    earliest = earliest_admission(track)
    if earliest and track.admitted_on < earliest:
        problems.add(
            "admitted_on",
            _(
                "Admission cannot come before %(date)s (the development target, the review and "
                "the training come first)."
            )
            % {"date": _iso(earliest)},
        )


def _check_approve(track: PartyTrack, problems: Problems, birth_date: dt.date) -> None:
    if not (track.approved_on and track.admitted_on):
        return
    due = add_months(track.admitted_on, APPROVAL_DUE_MONTHS)
    latest = add_months(track.admitted_on, APPROVAL_LATEST_MONTHS)
    if track.approved_on < track.admitted_on:
        problems.add(
            "approved_on",
            _("Approval cannot come before the branch assembly admitted the person (%(date)s).")
            % {"date": _iso(track.admitted_on)},
        )
    elif track.approved_on > latest:
        problems.add(
            "approved_on",
            _(
                "More than six months after the branch assembly (%(date)s): the admission "
                "procedure must start again."
            )
            % {"date": _iso(track.admitted_on)},
        )
    elif track.approved_on > due and not track.approval_note.strip():
        problems.add(
            "approval_note",
            _(
                "Approval is due within three months, by %(due)s; a later approval needs the "
                "special reason (for example an election period)."
            )
            % {"due": _iso(due)},
        )


def _check_extend(track: PartyTrack, problems: Problems, birth_date: dt.date) -> None:
    low, high = EXTENSION_MONTHS
    if track.extension_months is None or not low <= track.extension_months <= high:
        problems.add("extension_months", _("A probation can be extended by 6 to 12 months."))
    if track.extended_on and track.admitted_on:
        end = add_months(track.admitted_on, PROBATION_MONTHS)
        if not track.admitted_on <= track.extended_on <= end:
            problems.add(
                "extended_on",
                _("The extension is decided during the probation, by its end (%(date)s).")
                % {"date": _iso(end)},
            )


def _check_full_member(track: PartyTrack, problems: Problems, birth_date: dt.date) -> None:
    end = track.probation_ends_on
    if not (track.full_member_approved_on and end):
        return
    if track.full_member_approved_on < end:
        problems.add(
            "full_member_approved_on",
            _("Full membership can be approved from the end of the probation, %(date)s.")
            % {"date": _iso(end)},
        )
    elif track.full_member_approved_on > add_months(end, FULL_MEMBERSHIP_DUE_MONTHS):
        problems.add(
            "full_member_approved_on",
            _(
                "Full membership is approved within three months of the end of the probation "
                "(%(date)s); later than that, the branch must discuss it again."
            )
            % {"date": _iso(end)},
        )


_CHECKERS = {
    Step.APPLY: _check_apply,
    Step.TALK: _check_talk,
    Step.ACTIVIST: _check_activist,
    Step.DEVELOPMENT_TARGET: _check_development_target,
    Step.SPONSORS: _check_sponsors,
    Step.REVIEW: _check_review,
    Step.TRAINING: _check_training,
    Step.ADMIT: _check_admit,
    Step.APPROVE: _check_approve,
    Step.EXTEND: _check_extend,
    Step.FULL_MEMBER: _check_full_member,
}


# --- what comes next ------------------------------------------------------------------------


class Urgency(models.TextChoices):
    OVERDUE = "overdue", gettext_lazy("Overdue")
    DUE = "due", gettext_lazy("Due")
    BLOCKED = "blocked", gettext_lazy("Waiting for a requirement")
    LATER = "later", gettext_lazy("Not yet")


@dataclass(frozen=True)
class Clock:
    """The next step of a track: from when it may happen, by when it should."""

    step: Step
    earliest: dt.date | None
    due: dt.date | None = None
    blockers: tuple[str, ...] = ()

    def urgency(self, today: dt.date) -> Urgency:
        if self.due is not None and self.due < today:
            return Urgency.OVERDUE
        if self.blockers:
            return Urgency.BLOCKED
        if self.earliest is None or self.earliest <= today:
            return Urgency.DUE
        return Urgency.LATER

    def falls_by(self, day: dt.date) -> bool:
        """Does the step open, or fall due, by ``day``?"""
        return (self.earliest is not None and self.earliest <= day) or (
            self.due is not None and self.due <= day
        )


def clock(track: PartyTrack, today: dt.date) -> Clock | None:
    """The next step of ``track`` and its dates; None for a full member."""
    if track.full_member_approved_on:
        return None
    end = track.probation_ends_on
    if track.approved_on and end is not None:
        return Clock(Step.FULL_MEMBER, end, add_months(end, FULL_MEMBERSHIP_DUE_MONTHS))
    if track.admitted_on:
        return Clock(
            Step.APPROVE, track.admitted_on, add_months(track.admitted_on, APPROVAL_DUE_MONTHS)
        )
    if track.development_target_on:
        return Clock(
            Step.ADMIT,
            earliest_admission(track),
            blockers=tuple(admission_blockers(track, today)),
        )
    if track.activist_on:
        return Clock(Step.DEVELOPMENT_TARGET, add_years(track.activist_on, ACTIVIST_YEARS))
    if track.talked_on:
        return Clock(Step.ACTIVIST, track.talked_on)
    return Clock(Step.TALK, track.applied_on, add_months(track.applied_on, TALK_WITHIN_MONTHS))


def qualifies_for_next_step(track: PartyTrack, today: dt.date) -> bool:
    """Ready for the next development step today, every rule met: what "priority admission"
    (优先发展) flags for reserves. It never moves a date."""
    if track.stage not in (PartyStage.ACTIVIST, PartyStage.DEVELOPMENT_TARGET):
        return False
    next_step = clock(track, today)
    return next_step is not None and next_step.urgency(today) in (Urgency.DUE, Urgency.OVERDUE)
