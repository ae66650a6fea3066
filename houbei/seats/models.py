"""The seats of a village — its Party organization, its villagers' committee, its villager
groups — who holds them, the vacancies and how they were filled."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from houbei.lib.models import TimeStampedModel


class Body(models.TextChoices):
    PARTY = "party", _("Village Party organization")
    COMMITTEE = "committee", _("Villagers' committee")
    GROUP = "group", _("Villager group")


class SeatRole(models.TextChoices):
    SECRETARY = "secretary", _("Party secretary")
    DEPUTY_SECRETARY = "deputy_secretary", _("Deputy Party secretary")
    PARTY_MEMBER = "party_member", _("Party committee member")
    DIRECTOR = "director", _("Villagers' committee director")
    DEPUTY_DIRECTOR = "deputy_director", _("Deputy director")
    COMMITTEE_MEMBER = "committee_member", _("Villagers' committee member")
    GROUP_LEADER = "group_leader", _("Villager-group leader")


ROLE_BODY: dict[str, Body] = {
    SeatRole.SECRETARY: Body.PARTY,
    SeatRole.DEPUTY_SECRETARY: Body.PARTY,
    SeatRole.PARTY_MEMBER: Body.PARTY,
    SeatRole.DIRECTOR: Body.COMMITTEE,
    SeatRole.DEPUTY_DIRECTOR: Body.COMMITTEE,
    SeatRole.COMMITTEE_MEMBER: Body.COMMITTEE,
    SeatRole.GROUP_LEADER: Body.GROUP,
}
# The two committees (村"两委"): close-relative avoidance applies among their members.
TWO_COMMITTEES = frozenset({Body.PARTY, Body.COMMITTEE})


class Seat(models.Model):
    village = models.ForeignKey(
        "regions.Region", verbose_name=_("village"), on_delete=models.PROTECT, related_name="seats"
    )
    role = models.CharField(_("seat"), max_length=20, choices=SeatRole.choices)
    ordinal = models.PositiveSmallIntegerField(_("number"), default=1)
    # A villager-group leader's group.
    group = models.ForeignKey(
        "regions.Region",
        verbose_name=_("villager group"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    title = models.CharField(
        _("portfolio"), max_length=40, blank=True, help_text=_("e.g. 妇女委员")
    )
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["village__code", "role", "ordinal"]
        verbose_name = _("seat")
        verbose_name_plural = _("seats")
        constraints = [
            models.UniqueConstraint(
                fields=["village", "role", "ordinal"], name="seats_seat_unique"
            ),
            models.CheckConstraint(
                condition=Q(role="group_leader", group__isnull=False)
                | ~Q(role="group_leader") & Q(group__isnull=True),
                name="seats_group_leader_has_group",
            ),
        ]

    def __str__(self) -> str:
        label = self.get_role_display()
        if self.group_id:
            return f"{self.group.name}{label}"  # type: ignore[union-attr]
        return f"{label}{self.title and f'（{self.title}）'}"

    @property
    def body(self) -> Body:
        return ROLE_BODY[self.role]

    # Selectors prefetch these as ``open_tenures`` / ``open_vacancies``; without, one query.
    @property
    def holder(self) -> Tenure | None:
        prefetched: list[Tenure] | None = getattr(self, "open_tenures", None)
        if prefetched is not None:
            return prefetched[0] if prefetched else None
        return self.tenures.filter(ended_on__isnull=True).select_related("person").first()

    @property
    def open_vacancy(self) -> Vacancy | None:
        prefetched: list[Vacancy] | None = getattr(self, "open_vacancies", None)
        if prefetched is not None:
            return prefetched[0] if prefetched else None
        return self.vacancies.filter(status=VacancyStatus.OPEN).first()


class EndReason(models.TextChoices):
    RESIGNED = "resigned", _("Resigned")
    REMOVED = "removed", _("Removed")
    DIED = "died", _("Died")
    TERM_ENDED = "term_ended", _("Term ended")
    OTHER = "other", _("Other")


class Tenure(TimeStampedModel):
    """Someone holding a seat: since when, until when the term runs, when it ended."""

    seat = models.ForeignKey(Seat, on_delete=models.PROTECT, related_name="tenures")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="tenures")
    started_on = models.DateField(_("since"))
    term_ends_on = models.DateField(_("term ends"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    end_reason = models.CharField(
        _("why it ended"), max_length=12, choices=EndReason.choices, blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["seat", "-started_on"]
        verbose_name = _("tenure")
        verbose_name_plural = _("tenures")
        constraints = [
            models.UniqueConstraint(
                fields=["seat"],
                condition=Q(ended_on__isnull=True),
                name="seats_one_holder_per_seat",
            ),
            models.CheckConstraint(
                condition=Q(term_ends_on__gt=F("started_on")), name="seats_tenure_term_after_start"
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True)
                | Q(ended_on__gte=F("started_on")) & ~Q(end_reason=""),
                name="seats_tenure_end_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.seat}"


class VacancyReason(models.TextChoices):
    RESIGNATION = "resignation", _("Resignation")
    REMOVAL = "removal", _("Removal")
    DEATH = "death", _("Death")
    TERM_END = "term_end", _("End of term")
    NEW_SEAT = "new_seat", _("New seat")


class VacancyStatus(models.TextChoices):
    OPEN = "open", _("Open")
    FILLED = "filled", _("Filled")


class Vacancy(TimeStampedModel):
    seat = models.ForeignKey(Seat, on_delete=models.PROTECT, related_name="vacancies")
    reason = models.CharField(_("reason"), max_length=12, choices=VacancyReason.choices)
    opened_on = models.DateField(_("vacant since"))
    notes = models.TextField(_("notes"), blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=VacancyStatus.choices, default=VacancyStatus.OPEN
    )
    closed_on = models.DateField(_("filled on"), null=True, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-opened_on", "-id"]
        verbose_name = _("vacancy")
        verbose_name_plural = _("vacancies")
        constraints = [
            models.UniqueConstraint(
                fields=["seat"], condition=Q(status="open"), name="seats_one_open_vacancy_per_seat"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.seat.village} {self.seat}"


class Method(models.TextChoices):
    ELECTION = "election", _("Election")
    BY_ELECTION = "by_election", _("By-election (补选)")
    APPOINTMENT = "appointment", _("Appointment")


class Appointment(TimeStampedModel):
    """How a vacancy was filled; the tenure it began and the joint-review pass it rested on."""

    vacancy = models.OneToOneField(Vacancy, on_delete=models.PROTECT, related_name="appointment")
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="appointments"
    )
    tenure = models.OneToOneField(Tenure, on_delete=models.PROTECT, related_name="appointment")
    method = models.CharField(_("method"), max_length=12, choices=Method.choices)
    decided_on = models.DateField(_("date"))
    document_number = models.CharField(_("document number"), max_length=60, blank=True)
    review_subject = models.ForeignKey(
        "review.ReviewSubject",
        verbose_name=_("joint review"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The person's place on the shortlist when appointed (None: not on it, e.g. elected anyway).
    shortlist_rank = models.PositiveSmallIntegerField(
        _("rank on the shortlist"), null=True, blank=True
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-decided_on", "-id"]
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")

    def __str__(self) -> str:
        return f"{self.person} → {self.vacancy}"
