"""The joint-review ledger (联审台账) of a batch: one row per person reviewed, one column
per department with its verdict, the outcome computed for the day (results.py), the public
notice, objections and notes. Written as a workbook (lib/excel.py) and as an A4-landscape
PDF (lib/pdf.py) whose header row repeats on every page.

Only for those who manage the batch's district (the views check ``may_manage`` after
``batch_get``): departments' verdicts and notes stay with the district. ID numbers are
masked, as everywhere."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from houbei.lib.excel import table_workbook
from houbei.lib.i18n import in_interface_script as zh
from houbei.lib.i18n import term_label
from houbei.lib.pdf import render_pdf
from houbei.pipeline.models import Standing
from houbei.pipeline.stages import Stage
from houbei.review.models import Department, DepartmentVerdict, ReviewBatch, Verdict
from houbei.review.results import FAILED
from houbei.review.selectors import SubjectRow, batch_rows

# Column widths of the workbook (characters): the fixed columns before and after the
# departments, and each department.
LEADING_WIDTHS = [6, 10, 6, 10, 21, 12, 14]
DEPARTMENT_WIDTH = 11
TRAILING_WIDTHS = [16, 24, 28, 30]


@dataclass(frozen=True)
class LedgerCell:
    verdict: str  # a Verdict value, "" when the department was not asked
    label: str  # 通过 / 不通过 / 存疑 / 待审
    codes: str = ""  # the negative-list items a fail cites: N01、N03

    @property
    def text(self) -> str:
        return f"{self.label} {self.codes}" if self.codes else self.label


@dataclass(frozen=True)
class LedgerRow:
    number: int
    name: str
    sex: str
    born: str
    id_number: str  # masked
    village: str
    stage: str
    verdicts: list[LedgerCell]  # in the order of ``Ledger.departments``
    outcome: str
    notice: str
    objections: str
    notes: str

    def values(self) -> list[object]:
        return [
            self.number,
            self.name,
            self.sex,
            self.born,
            self.id_number,
            self.village,
            self.stage,
            *(cell.text for cell in self.verdicts),
            self.outcome,
            self.notice,
            self.objections,
            self.notes,
        ]


@dataclass(frozen=True)
class Ledger:
    batch: ReviewBatch
    departments: list[str]  # names, in the batch's order
    rows: list[LedgerRow]
    title: str
    subtitle: str

    @property
    def leading_headers(self) -> list[str]:
        return [
            _("No."),
            _("Name"),
            _("Sex"),
            _("Born"),
            _("ID number"),
            _("Village"),
            _("Current stage"),
        ]

    @property
    def trailing_headers(self) -> list[str]:
        return [_("Overall result"), _("Public notice"), _("Objection"), _("Notes")]

    @property
    def headers(self) -> list[str]:
        return [*self.leading_headers, *self.departments, *self.trailing_headers]


def _cell(verdict: DepartmentVerdict | None) -> LedgerCell:
    if verdict is None:  # the department was not asked about this person
        return LedgerCell("", "")
    if verdict.verdict == Verdict.PENDING:
        return LedgerCell(verdict.verdict, pgettext("joint-review ledger", "Pending"))
    label = str(Verdict(verdict.verdict).label)
    if verdict.verdict != Verdict.FAIL:
        return LedgerCell(verdict.verdict, label)
    return LedgerCell(verdict.verdict, label, "、".join(item.code for item in verdict.items.all()))


def _row(
    number: int, row: SubjectRow, departments: list[Department], stages: dict[int, str]
) -> LedgerRow:
    subject, result = row.subject, row.result
    person, batch = subject.person, subject.batch
    stage = stages.get(person.pk, "")
    notice = ""
    # Vetoed people are not published (the batch page says so); the others are.
    if batch.publication_starts_on and batch.publication_ends_on and result.outcome not in FAILED:
        notice = f"{batch.publication_starts_on:%Y-%m-%d} – {batch.publication_ends_on:%Y-%m-%d}"
    objections = "；".join(
        f"{objection.received_on:%m-%d} {objection.summary}（{objection.get_resolution_display()}）"
        for objection in subject.objections.all()
    )
    notes = [
        f"{term_label(verdict.department)}：{verdict.notes}"
        for department in departments
        if (verdict := row.verdicts.get(department.pk)) is not None and verdict.notes
    ]
    if result.valid_until:
        notes.insert(0, _("valid until %(date)s") % {"date": f"{result.valid_until:%Y-%m-%d}"})
    return LedgerRow(
        number=number,
        name=person.name,
        sex=person.get_sex_display(),
        born=f"{person.birth_date:%Y.%m}",
        id_number=person.id_number_masked,
        village=zh(person.village.name),
        stage=str(Stage(stage).label) if stage else "",
        verdicts=[_cell(row.verdicts.get(department.pk)) for department in departments],
        outcome=str(result.outcome.label),
        notice=notice,
        objections=objections,
        notes="；".join(notes),
    )


def batch_ledger(*, batch: ReviewBatch, today: dt.date) -> Ledger:
    """The ledger of ``batch`` as it stands on ``today`` (rows by village, then name)."""
    departments = list(batch.departments.all())
    rows = batch_rows(batch=batch, today=today)
    # The people's current stage, in one query (they are all in the batch's district).
    stages = dict(
        Standing.objects.filter(person__in=[row.subject.person_id for row in rows]).values_list(
            "person_id", "stage"
        )
    )
    return Ledger(
        batch=batch,
        departments=[term_label(department) for department in departments],
        rows=[_row(n, row, departments, stages) for n, row in enumerate(rows, 1)],
        title=_("%(district)s joint qualification review ledger")
        % {"district": zh(batch.region.name)},
        subtitle=_("%(batch)s · opened %(opened)s · as of %(today)s")
        % {
            "batch": batch.name,
            "opened": f"{batch.opened_on:%Y-%m-%d}",
            "today": f"{today:%Y-%m-%d}",
        },
    )


def ledger_workbook(ledger: Ledger) -> bytes:
    return table_workbook(
        title=ledger.title,
        subtitle=ledger.subtitle,
        headers=ledger.headers,
        rows=[row.values() for row in ledger.rows],
        widths=[
            *LEADING_WIDTHS,
            *[DEPARTMENT_WIDTH] * len(ledger.departments),
            *TRAILING_WIDTHS,
        ],
    )


def ledger_pdf(ledger: Ledger, *, request: HttpRequest | None = None) -> bytes:
    return render_pdf("review/ledger_pdf.html", {"ledger": ledger}, request=request)
