"""The district's joint qualification review (区级集中联审): the departments taking part, the
negative list they check against, batches of people, each department's verdict on each
person, the publication window (公示) and objections. What a person's review comes to is
computed in results.py from these facts, so a pass expires by itself."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from houbei.lib.models import TimeStampedModel


class Department(models.Model):
    """A 联审单位 (公安分局, 区法院, 区纪委监委 …); its clerks see only its queue."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=40)  # Simplified Chinese
    name_en = models.CharField(_("English name"), max_length=80, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("takes part"), default=True)
    clerks = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("clerks"),
        blank=True,
        related_name="review_departments",
    )

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("review department")
        verbose_name_plural = _("review departments")

    def __str__(self) -> str:
        return self.name


class NegativeCategory(models.TextChoices):
    CANNOT = "cannot", _("Cannot be a candidate (不能)")
    UNSUITABLE = "unsuitable", _("Not suitable as a candidate (不宜)")


class NegativeListItem(models.Model):
    code = models.SlugField(_("code"), max_length=20, unique=True)
    wording = models.TextField(_("wording"))
    category = models.CharField(_("category"), max_length=12, choices=NegativeCategory.choices)
    # How far back the department looks (blank: no limit, e.g. a criminal penalty).
    lookback_years = models.PositiveSmallIntegerField(_("look-back years"), null=True, blank=True)
    department = models.ForeignKey(
        Department,
        verbose_name=_("responsible department"),
        on_delete=models.PROTECT,
        related_name="items",
    )
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["category", "sort_order", "code"]
        verbose_name = _("negative-list item")
        verbose_name_plural = _("negative-list items")

    def __str__(self) -> str:
        return f"{self.code} {self.wording[:30]}"


class ReviewBatch(TimeStampedModel):
    name = models.CharField(_("name"), max_length=80)
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("district"), on_delete=models.PROTECT, related_name="+"
    )
    opened_on = models.DateField(_("opened on"))
    deadline = models.DateField(_("verdicts due by"))
    departments = models.ManyToManyField(
        Department, verbose_name=_("departments taking part"), related_name="batches"
    )
    validity_months = models.PositiveSmallIntegerField(
        _("a pass is valid for (months)"), default=12
    )
    publication_starts_on = models.DateField(_("public notice from"), null=True, blank=True)
    publication_ends_on = models.DateField(_("public notice until"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-opened_on", "-id"]
        verbose_name = _("review batch")
        verbose_name_plural = _("review batches")
        constraints = [
            models.CheckConstraint(
                condition=Q(publication_ends_on__isnull=True)
                | Q(publication_ends_on__gte=F("publication_starts_on")),
                name="review_batch_publication_start_before_end",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_published(self) -> bool:
        return self.publication_starts_on is not None


class Purpose(models.TextChoices):
    POOL = "pool", _("Pool (priority appointment)")
    VACANCY = "vacancy", _("A vacancy")


class ReviewSubject(TimeStampedModel):
    """One person in one batch."""

    batch = models.ForeignKey(ReviewBatch, on_delete=models.CASCADE, related_name="subjects")
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="review_subjects"
    )
    purpose = models.CharField(
        _("reviewed for"), max_length=10, choices=Purpose.choices, default=Purpose.POOL
    )
    vacancy = models.ForeignKey(
        "seats.Vacancy",
        verbose_name=_("vacancy"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["batch", "person__village__code", "person__name_sort"]
        verbose_name = _("person reviewed")
        verbose_name_plural = _("people reviewed")
        constraints = [
            models.UniqueConstraint(
                fields=["batch", "person"], name="review_subject_once_per_batch"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} @ {self.batch}"


class Verdict(models.TextChoices):
    PENDING = "pending", _("Not yet checked")
    PASS = "pass", _("Pass")
    FAIL = "fail", _("Fail")
    QUERY = "query", _("Query")


class DepartmentVerdict(TimeStampedModel):
    """One department's finding on one person of a batch."""

    subject = models.ForeignKey(ReviewSubject, on_delete=models.CASCADE, related_name="verdicts")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="verdicts")
    verdict = models.CharField(
        _("verdict"), max_length=8, choices=Verdict.choices, default=Verdict.PENDING
    )
    items = models.ManyToManyField(
        NegativeListItem, verbose_name=_("negative-list items found"), blank=True
    )
    notes = models.TextField(_("notes"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        ordering = ["subject", "department__sort_order"]
        verbose_name = _("department verdict")
        verbose_name_plural = _("department verdicts")
        constraints = [
            models.UniqueConstraint(fields=["subject", "department"], name="review_verdict_once"),
        ]
        indexes = [
            # A department's queue.
            models.Index(fields=["department", "verdict"], name="review_verdict_queue_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.subject} · {self.department}: {self.get_verdict_display()}"


class Resolution(models.TextChoices):
    PENDING = "pending", _("Being looked into")
    UPHELD = "upheld", _("Upheld")
    DISMISSED = "dismissed", _("Dismissed")


class Objection(TimeStampedModel):
    """An objection raised during the public notice."""

    subject = models.ForeignKey(ReviewSubject, on_delete=models.CASCADE, related_name="objections")
    received_on = models.DateField(_("received on"))
    summary = models.TextField(_("what is objected"))
    resolution = models.CharField(
        _("resolution"), max_length=10, choices=Resolution.choices, default=Resolution.PENDING
    )
    resolved_on = models.DateField(_("resolved on"), null=True, blank=True)
    resolution_notes = models.TextField(_("findings"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["received_on", "id"]
        verbose_name = _("objection")
        verbose_name_plural = _("objections")

    def __str__(self) -> str:
        return f"{self.subject}: {self.get_resolution_display()}"
