"""Importing people from a village roster (花名册): plan (reads and checks, writes nothing),
then apply (saves every accepted row in one transaction, through the registry's services).

Each rejected row keeps its sheet row number, a reason code and a message in the user's
language; ``rejected_workbook`` hands them back as a workbook with a reason column, ready
to fix and import again. An ID number already in the registry is a duplicate (or, in update
mode, an update of that person), so importing the same file twice never creates anyone twice.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import pgettext

from houbei.accounts.models import User
from houbei.accounts.roles import Capability
from houbei.accounts.scoping import Scope
from houbei.audit.models import EventType
from houbei.audit.services import audit_record
from houbei.imports.reader import Cell, Row, Table, read_table
from houbei.lib import crypto
from houbei.lib.bulkwork import collection_paused
from houbei.lib.excel import StreamedTable
from houbei.lib.idnumber import IdNumberError, IdNumberErrorCode, parse_id_number
from houbei.lib.names import clean_name
from houbei.lib.phone import PhoneError, normalize_phone
from houbei.lib.text import to_halfwidth
from houbei.people.choices import (
    Ethnicity,
    PoliticalStatus,
    Sex,
    normalize_education,
    normalize_ethnicity,
    normalize_political_status,
)
from houbei.people.models import BackgroundCategory, Person
from houbei.people.services import (
    ID_PURPOSE,
    BulkRegistrationRefused,
    PersonInput,
    name_problem,
    person_register,
    person_register_many,
    person_update,
)
from houbei.regions.codes import Level
from houbei.regions.models import Region

# Header keys (reader.header_key) → field.
PEOPLE_HEADERS: dict[str, str] = {
    **dict.fromkeys(["序号", "编号", "序"], "serial"),
    **dict.fromkeys(["姓名", "名字", "人员姓名"], "name"),
    **dict.fromkeys(["性别"], "sex"),
    **dict.fromkeys(["民族"], "ethnicity"),
    **dict.fromkeys(["出生年月", "出生日期", "出生年月日", "生日"], "birth"),
    **dict.fromkeys(
        ["身份证号", "身份证号码", "公民身份号码", "身份证", "居民身份证号码", "证件号码"],
        "id_number",
    ),
    **dict.fromkeys(
        ["联系电话", "联系方式", "手机号码", "手机号", "电话", "手机", "电话号码"], "phone"
    ),
    **dict.fromkeys(["学历", "文化程度", "最高学历", "全日制学历"], "education"),
    **dict.fromkeys(["政治面貌", "政治身份"], "political_status"),
    **dict.fromkeys(["人员类别", "身份类别", "类别", "人员身份"], "categories"),
    **dict.fromkeys(
        ["村民小组", "所在村民小组", "组(社)", "组社", "组", "社", "所在组", "村组"], "group"
    ),
    **dict.fromkeys(["村(社区)", "村社区", "所在村", "村", "村名", "所在村(社区)"], "village"),
    **dict.fromkeys(["现住址", "家庭住址", "住址", "居住地址"], "address"),
    **dict.fromkeys(["工作单位及职务", "工作单位", "现工作单位", "职业"], "work_unit"),
    **dict.fromkeys(["特长", "专长", "技能特长"], "skills"),
    **dict.fromkeys(["备注", "说明"], "notes"),
}

REASONS = (
    "name_missing",
    "name_invalid",
    "id_missing",
    "id_length",
    "id_format",
    "id_region",
    "id_date",
    "id_checksum",
    "duplicate_in_file",
    "duplicate_in_db",
    "gender_contradicts_id",
    "birth_contradicts_id",
    "birth_unreadable",
    "phone_invalid",
    "political_status_unknown",
    "education_unknown",
    "ethnicity_unknown",
    "category_unknown",
    "region_unknown",
    "not_saved",
)
_ID_REASONS = {
    IdNumberErrorCode.EMPTY: "id_missing",
    IdNumberErrorCode.LEGACY_15: "id_length",
    IdNumberErrorCode.LENGTH: "id_length",
    IdNumberErrorCode.NOT_DIGITS: "id_format",
    IdNumberErrorCode.REGION: "id_region",
    IdNumberErrorCode.BIRTH_DATE: "id_date",
    IdNumberErrorCode.BIRTH_DATE_FUTURE: "id_date",
    IdNumberErrorCode.BIRTH_DATE_TOO_EARLY: "id_date",
    IdNumberErrorCode.CHECKSUM: "id_checksum",
}
COLUMN_LABELS = {
    "ethnicity": _lazy("Ethnicity"),
    "education": _lazy("Education"),
    "political_status": _lazy("Political status"),
}
_NUMERALS = {c: i for i, c in enumerate("零一二三四五六七八九十", start=0)}


class Rejected(Exception):
    """A row refused, with a reason code (REASONS here, DUTY_REASONS for duty records)."""

    def __init__(self, reason: str, message: str) -> None:
        self.reason = reason
        self.message = message
        super().__init__(message)


@dataclass(frozen=True)
class Rejection:
    row: int
    reason: str
    message: str
    raw: list[str]


@dataclass(frozen=True)
class Accepted:
    row: int
    data: PersonInput
    existing: Person | None  # update mode: the person this row updates


@dataclass
class PeoplePlan:
    region: Region
    update: bool
    table: Table
    accepted: list[Accepted] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        return {
            "accepted": len(self.accepted),
            "rejected": [
                {"row": r.row, "reason": r.reason, "message": r.message} for r in self.rejected
            ],
        }


@dataclass(frozen=True)
class PeopleResult:
    created: int
    updated: int
    plan: PeoplePlan


# --- plan -------------------------------------------------------------------------------------


@collection_paused()
def plan_people_import(
    *, scope: Scope | None, data: bytes, filename: str, region: Region, update: bool = False
) -> PeoplePlan:
    """Read and check every row; writes nothing. ``region``: a village (every row goes
    there) or a town or district (each row names its village). ``scope``: the importing
    user's (None: an operator at the command line). UnreadableFile when the file cannot be
    read at all."""
    table = read_table(data, filename, PEOPLE_HEADERS)
    plan = PeoplePlan(region=region, update=update, table=table)
    checker = _RowChecker(scope, region)
    first_row_of: dict[str, int] = {}
    checked: list[tuple[Row, PersonInput]] = []
    for row in table.rows:
        try:
            person = checker.check(row)
            number = person.id_number or ""
            if number in first_row_of:
                raise Rejected(
                    "duplicate_in_file",
                    _("The same ID number is on row %(row)d of this file.")
                    % {"row": first_row_of[number]},
                )
            first_row_of[number] = row.number
            checked.append((row, person))
        except Rejected as rejection:
            plan.rejected.append(
                Rejection(row.number, rejection.reason, rejection.message, row.raw)
            )
    # Who is registered already: one query per thousand rows, not one per row.
    registered = checker.registered([person.id_number or "" for _row, person in checked])
    for row, person in checked:
        existing = registered.get(person.id_number or "")
        if existing is not None and not update:
            message = checker.duplicate_message(existing)
            plan.rejected.append(Rejection(row.number, "duplicate_in_db", message, row.raw))
        else:
            plan.accepted.append(Accepted(row.number, person, existing))
    plan.rejected.sort(key=lambda rejection: rejection.row)
    return plan


class _RowChecker:
    def __init__(self, scope: Scope | None, region: Region) -> None:
        self.scope = scope
        self.region = region
        self.today = timezone.localdate()  # once for the file, not for each ID number
        villages = Region.objects.filter(
            level=Level.VILLAGE, code__startswith=region.prefix, merged_into__isnull=True
        )
        if scope is not None:
            villages = villages.filter(scope.region_q(Capability.PEOPLE_EDIT, "code"))
        self.villages = {v.name: v for v in villages}
        self.groups: dict[int, list[Region]] = {}
        for group in Region.objects.filter(level=Level.GROUP, parent__in=villages):
            self.groups.setdefault(group.parent_id or 0, []).append(group)
        self.categories = {c.name: c for c in BackgroundCategory.objects.filter(is_active=True)}

    def check(self, row: Row) -> PersonInput:
        values = row.values
        name = clean_name(_str(values.get("name")))
        if not name:
            raise Rejected("name_missing", _("The name is missing."))
        problem = name_problem(name)
        if problem:
            raise Rejected("name_invalid", problem)
        resident = self._resident_id(_str(values.get("id_number")))
        sex = self._sex(_str(values.get("sex")), resident.sex.value)
        self._birth(values.get("birth"), resident.birth_date)
        phone = _str(values.get("phone"))
        if phone:
            try:
                normalize_phone(phone)
            except PhoneError as error:
                raise Rejected("phone_invalid", error.message) from None
        village = self._village(_str(values.get("village")))
        return PersonInput(
            name=name,
            village=village,
            id_number=resident.number,
            phone=phone or None,
            sex=sex,
            birth_date=resident.birth_date,
            ethnicity=self._choice(
                values, "ethnicity", normalize_ethnicity, Ethnicity.HAN, "ethnicity_unknown"
            ),
            education=self._choice(
                values, "education", normalize_education, "", "education_unknown"
            ),
            political_status=self._choice(
                values,
                "political_status",
                normalize_political_status,
                PoliticalStatus.MASSES,
                "political_status_unknown",
            ),
            categories=self._categories(_str(values.get("categories"))),
            villager_group=self._group(village, _str(values.get("group"))),
            address=_str(values.get("address"))[:200],
            work_unit=_str(values.get("work_unit"))[:100],
            skills=_str(values.get("skills"))[:200],
            notes=_str(values.get("notes"))[:500],
        )

    def _resident_id(self, raw: str) -> Any:
        try:
            return parse_id_number(raw, today=self.today)
        except IdNumberError as error:
            raise Rejected(_ID_REASONS[error.code], error.message) from None

    def _sex(self, raw: str, from_id: str) -> str:
        if not raw:
            return from_id
        given = {"男": Sex.MALE, "女": Sex.FEMALE, "M": Sex.MALE, "F": Sex.FEMALE}.get(
            to_halfwidth(raw).strip().upper()
        )
        if given is None or given != from_id:
            raise Rejected(
                "gender_contradicts_id",
                _("The sex column says %(given)s, but the ID number belongs to a %(sex)s.")
                % {"given": raw, "sex": Sex(from_id).label.lower()},
            )
        return from_id

    def _birth(self, cell: Cell, from_id: dt.date) -> None:
        if cell in (None, ""):
            return
        parsed = parse_birth(cell)
        if parsed is None:
            raise Rejected(
                "birth_unreadable",
                _("The date of birth %(value)s cannot be read; write it as 1990.05 or 1990-05-03.")
                % {"value": cell},
            )
        year, month, day = parsed
        if (year, month) != (from_id.year, from_id.month) or (day and day != from_id.day):
            raise Rejected(
                "birth_contradicts_id",
                _("The date of birth %(value)s differs from the ID number's %(date)s.")
                % {"value": cell, "date": from_id.isoformat()},
            )

    def _village(self, raw: str) -> Region:
        if self.region.level == Level.VILLAGE:
            if raw and to_halfwidth(raw).strip() not in (self.region.name, ""):
                raise Rejected(
                    "region_unknown",
                    _("The row names %(village)s, but this file is imported into %(region)s.")
                    % {"village": raw, "region": self.region.name},
                )
            return self.region
        village = self.villages.get(to_halfwidth(raw).strip())
        if village is None:
            raise Rejected(
                "region_unknown",
                _("%(village)s is not a village of %(region)s that you may register people in.")
                % {"village": raw or "—", "region": self.region.name},
            )
        return village

    def _group(self, village: Region, raw: str) -> Region | None:
        if not raw:
            return None
        wanted = group_number(raw)
        for group in self.groups.get(village.pk, []):
            if group.name == raw or (wanted is not None and group_number(group.name) == wanted):
                return group
        raise Rejected(
            "region_unknown",
            _("%(village)s has no villager group %(group)s.")
            % {"village": village.name, "group": raw},
        )

    def _choice(
        self,
        values: dict[str, Cell],
        key: str,
        normalize: Callable[[str], Any],
        default: str,
        reason: str,
    ) -> str:
        raw = _str(values.get(key))
        if not raw:
            return default
        found = normalize(raw)
        if found is None:
            raise Rejected(
                reason,
                _("%(column)s “%(value)s” is not recognised.")
                % {"column": COLUMN_LABELS[key], "value": raw},
            )
        return str(found)

    def _categories(self, raw: str) -> list[BackgroundCategory]:
        chosen = []
        for part in re.split(r"[、,，;；/ ]+", to_halfwidth(raw)):
            if not part:
                continue
            category = self.categories.get(part)
            if category is None:
                raise Rejected(
                    "category_unknown",
                    _("%(value)s is not a background category (%(known)s).")
                    % {"value": part, "known": "、".join(self.categories)},
                )
            chosen.append(category)
        return chosen

    def registered(self, numbers: list[str], chunk: int = 1000) -> dict[str, Person]:
        """ID number → the person registered with it, for those of ``numbers`` that are."""
        digests = {crypto.lookup_digest(n, purpose=ID_PURPOSE): n for n in numbers}
        found: dict[str, Person] = {}
        keys = list(digests)
        for start in range(0, len(keys), chunk):
            people = Person.objects.select_related("village").filter(
                id_number_digest__in=keys[start : start + chunk]
            )
            found.update({digests[p.id_number_digest]: p for p in people})
        return found

    def duplicate_message(self, existing: Person) -> str:
        if self.scope is None or self.scope.covers(existing.village, Capability.PEOPLE_VIEW):
            return _("Already registered: %(name)s, %(village)s.") % {
                "name": existing.name,
                "village": existing.village.name,
            }
        return _("This ID number is already registered in another region.")


def _str(cell: Cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, dt.date):
        return cell.isoformat()
    return str(cell).strip()


def parse_birth(cell: Cell) -> tuple[int, int, int] | None:
    """(year, month, day or 0) from an Excel date, 1990.05, 1990.5, 1990年5月, 1990年5月3日,
    1990-05-03, 1990/5/3 or 199005 / 19900503."""
    if isinstance(cell, dt.date):
        return cell.year, cell.month, cell.day
    text = to_halfwidth(str(cell)).strip().replace(" ", "")
    match = re.fullmatch(r"(\d{4})[.\-/年](\d{1,2})(?:[.\-/月](\d{1,2})日?|月)?", text)
    if match is None:
        match = re.fullmatch(r"(\d{4})(\d{2})(\d{2})?", text)
    if match is None:
        return None
    year, month, day = int(match[1]), int(match[2]), int(match[3] or 0)
    try:
        dt.date(year, month, day or 1)
    except ValueError:
        return None
    return year, month, day


def group_number(text: str) -> int | None:
    """九社 / 9组 / 第九村民小组 / 九 → 9; None when the name holds no number."""
    digits = re.search(r"\d+", to_halfwidth(text))
    if digits:
        return int(digits[0])
    numerals = [_NUMERALS[c] for c in text if c in _NUMERALS]
    if not numerals:
        return None
    if numerals[0] == 10:  # 十, 十一 …
        return 10 + sum(numerals[1:])
    if len(numerals) >= 2 and numerals[1] == 10:  # 二十, 二十三 …
        return numerals[0] * 10 + sum(numerals[2:])
    return numerals[0]


# --- apply --------------------------------------------------------------------------------------


REGISTER_BATCH = 500  # people registered with one set of bulk inserts


@collection_paused()
def apply_people_import(
    *,
    acting_user: User | None,
    plan: PeoplePlan,
    progress: Callable[[int, int], None] | None = None,
) -> PeopleResult:
    """Save every accepted row in one transaction, through the registry's services (audit and
    checks included): new people in batches (``person_register_many``), updates one by one.
    A row the service still refuses (registered meanwhile, say) joins the rejected rows; the
    others are saved."""
    created = updated = 0
    total = len(plan.accepted)
    saved: list[Accepted] = []
    done = 0
    with transaction.atomic():
        # New people in batches (a few bulk inserts each); a batch the registry refuses in
        # part (someone registered one of them meanwhile) is saved row by row below instead.
        new = [row for row in plan.accepted if row.existing is None]
        one_by_one = [row for row in plan.accepted if row.existing is not None]
        for start in range(0, len(new), REGISTER_BATCH):
            batch = new[start : start + REGISTER_BATCH]
            try:
                with transaction.atomic():
                    person_register_many(
                        acting_user=acting_user, inputs=[row.data for row in batch]
                    )
            except BulkRegistrationRefused:
                one_by_one += batch
                continue
            created += len(batch)
            saved += batch
            done += len(batch)
            if progress is not None:
                progress(done, total)
        for row in one_by_one:
            done += 1
            try:
                with transaction.atomic():
                    if row.existing is None:
                        person_register(acting_user=acting_user, data=row.data)
                        created += 1
                    else:
                        current = Person.objects.get(pk=row.existing.pk)
                        data = _keep_missing_columns(row.data, current, plan.table)
                        person_update(
                            acting_user=acting_user,
                            person=current,
                            data=data,
                            expected_version=current.version,
                        )
                        updated += 1
                saved.append(row)
            except Exception as error:
                messages = getattr(error, "messages", None) or [str(error)]
                raw = next(r.raw for r in plan.table.rows if r.number == row.row)
                plan.rejected.append(Rejection(row.row, "not_saved", "；".join(messages), raw))
            if progress is not None and (done % 200 == 0 or done == total):
                progress(done, total)
        plan.accepted = sorted(saved, key=lambda accepted: accepted.row)
        plan.rejected.sort(key=lambda r: r.row)
        audit_record(
            acting_user=acting_user,
            event_type=EventType.PEOPLE_IMPORTED,
            target=plan.region,
            region=plan.region,
            new={"created": created, "updated": updated, "rejected": len(plan.rejected)},
        )
    return PeopleResult(created, updated, plan)


# Columns of a roster → what they fill in PersonInput; a column the file lacks keeps the
# stored value when a person is updated (a file without phones must not erase them).
_COLUMN_ATTRIBUTES = {
    "ethnicity": "ethnicity",
    "education": "education",
    "political_status": "political_status",
    "categories": "categories",
    "group": "villager_group",
    "address": "address",
    "work_unit": "work_unit",
    "skills": "skills",
    "notes": "notes",
}


def _keep_missing_columns(data: PersonInput, current: Person, table: Table) -> PersonInput:
    present = {f for f in table.fields if f}
    for column, attribute in _COLUMN_ATTRIBUTES.items():
        if column in present:
            continue
        if attribute == "categories":
            data.categories = list(current.categories.all())
        else:
            setattr(data, attribute, getattr(current, attribute))
    if "phone" not in present:
        data.phone = None  # None keeps the stored number
    return data


# --- the rejected rows, to fix and import again -----------------------------------------------


class _WithRejections(Protocol):
    @property
    def table(self) -> Table: ...

    @property
    def rejected(self) -> list[Rejection]: ...


def write_rejected(plan: _WithRejections, path: str) -> None:
    headers = [h or "" for h in plan.table.headers]
    with StreamedTable(
        path,
        title=_("Rows not imported"),
        subtitle=_("Fix the rows and import this file again; the last two columns are ignored."),
        headers=[*headers, _("Sheet row"), pgettext("rejected rows", "Reason")],
        widths=[12] * len(headers) + [8, 40],
    ) as table:
        for rejection in plan.rejected:
            cells = (rejection.raw + [""] * len(headers))[: len(headers)]
            table.append([*cells, rejection.row, f"{rejection.message}（{rejection.reason}）"])
