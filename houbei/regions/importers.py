"""Region import from CSV, in two steps: ``regions_import_parse`` checks every row and writes
nothing; ``regions_import_apply`` writes a parsed plan in one transaction.

Columns (English or Chinese headers, any order): code/代码, name/名称, level/级别,
parent_code/上级代码, valid_from/生效日期, valid_to/失效日期, and optionally kind/类型,
urban_rural_class/城乡分类, merged_into/并入代码, demo/演示. A row whose code exists is an
update of that region (name, kind, class, dates); importing the same file twice changes
nothing the second time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from houbei.accounts.roles import Capability
from houbei.lib.csvio import CsvDecodeError, decode_csv_bytes, iter_csv_rows
from houbei.lib.dates import parse_day
from houbei.regions.codes import LEVEL_ALIASES, CodeError, Level, normalize_code, validate_code
from houbei.regions.models import Region, RegionKind
from houbei.regions.services import default_kind, region_create, region_merge, region_update

if TYPE_CHECKING:
    import datetime as dt

    from houbei.accounts.models import User
    from houbei.accounts.scoping import Scope

COLUMN_ALIASES = {
    "code": "code",
    "代码": "code",
    "区划代码": "code",
    "统计用区划代码": "code",
    "name": "name",
    "名称": "name",
    "level": "level",
    "级别": "level",
    "层级": "level",
    "parent_code": "parent_code",
    "parent": "parent_code",
    "上级代码": "parent_code",
    "valid_from": "valid_from",
    "生效日期": "valid_from",
    "valid_to": "valid_to",
    "失效日期": "valid_to",
    "kind": "kind",
    "类型": "kind",
    "urban_rural_class": "urban_rural_class",
    "城乡分类": "urban_rural_class",
    "城乡分类代码": "urban_rural_class",
    "merged_into": "merged_into",
    "并入代码": "merged_into",
    "demo": "demo",
    "演示": "demo",
}
REQUIRED_COLUMNS = ("code", "name", "level", "parent_code")
_TRUE_WORDS = {"1", "true", "yes", "y", "是", "demo"}


@dataclass
class RegionRow:
    line: int
    code: str
    name: str
    level: Level
    parent_code: str | None
    valid_from: dt.date | None
    valid_to: dt.date | None
    kind: str
    urban_rural_class: str
    merged_into_code: str | None
    is_demo: bool
    action: str = "create"  # create | update | unchanged


@dataclass
class RowError:
    line: int
    reason: str
    message: str


@dataclass
class RegionImportPlan:
    rows: list[RegionRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class RegionImportResult:
    created: int
    updated: int
    unchanged: int


def _pad_parent(raw: str) -> str:
    digits = "".join(raw.split())
    if digits.isdigit() and len(digits) < 12:
        return digits.ljust(12, "0")
    return digits


def regions_import_parse(data: bytes, *, scope: Scope | None = None) -> RegionImportPlan:
    """Check every row; ``scope`` (None on the command line) limits where rows may go."""
    plan = RegionImportPlan()
    try:
        text = decode_csv_bytes(data)
    except CsvDecodeError:
        plan.errors.append(
            RowError(0, "encoding", _("The file is not a CSV text file (UTF-8 or GBK)."))
        )
        return plan

    rows_iter = iter_csv_rows(text)
    columns: dict[str, int] | None = None
    candidates: list[RegionRow] = []
    for line, cells in rows_iter:
        if not any(cells):
            continue
        if columns is None:
            columns = {}
            for index, header in enumerate(cells):
                key = COLUMN_ALIASES.get(header.strip().lower())
                if key and key not in columns:
                    columns[key] = index
            missing = [name for name in REQUIRED_COLUMNS if name not in columns]
            if missing:
                plan.errors.append(
                    RowError(
                        line,
                        "header",
                        _("The header row lacks the columns: %(columns)s.")
                        % {"columns": ", ".join(missing)},
                    )
                )
                return plan
            continue
        row = _parse_row(line, cells, columns, plan.errors)
        if row:
            candidates.append(row)
    if columns is None:
        plan.errors.append(RowError(0, "empty", _("The file holds no rows.")))
        return plan

    _resolve(candidates, plan, scope)
    return plan


def _cell(cells: list[str], columns: dict[str, int], name: str) -> str:
    index = columns.get(name)
    return cells[index].strip() if index is not None and index < len(cells) else ""


def _parse_row(
    line: int, cells: list[str], columns: dict[str, int], errors: list[RowError]
) -> RegionRow | None:
    level_text = _cell(cells, columns, "level")
    level = LEVEL_ALIASES.get(level_text.lower())
    if level is None and level_text.isdigit() and int(level_text) in Level.values:
        level = Level(int(level_text))
    if level is None:
        errors.append(
            RowError(line, "level", _("Unknown level “%(level)s”.") % {"level": level_text})
        )
        return None
    name = _cell(cells, columns, "name")
    if not name:
        errors.append(RowError(line, "name", _("The name is empty.")))
        return None
    try:
        code = normalize_code(_cell(cells, columns, "code"), level)
        validate_code(code, level)
    except CodeError as error:
        errors.append(RowError(line, f"code_{error.code}", error.message))
        return None
    try:
        valid_from = parse_day(_cell(cells, columns, "valid_from"))
        valid_to = parse_day(_cell(cells, columns, "valid_to"))
    except ValueError:
        errors.append(RowError(line, "date", _("A date must be written as 2020-05-31.")))
        return None
    if valid_from and valid_to and valid_from > valid_to:
        errors.append(RowError(line, "dates", _("The end date cannot be before the start date.")))
        return None
    kind = _cell(cells, columns, "kind") or default_kind(code, level)
    if kind not in RegionKind.values:
        errors.append(RowError(line, "kind", _("Unknown kind “%(kind)s”.") % {"kind": kind}))
        return None
    parent_code = _pad_parent(_cell(cells, columns, "parent_code")) or None
    merged_into_code = _cell(cells, columns, "merged_into") or None
    if merged_into_code:
        merged_into_code = (
            normalize_code(merged_into_code, level)
            if merged_into_code.isdigit()
            else merged_into_code
        )
    return RegionRow(
        line=line,
        code=code,
        name=name,
        level=level,
        parent_code=parent_code,
        valid_from=valid_from,
        valid_to=valid_to,
        kind=kind,
        urban_rural_class=_cell(cells, columns, "urban_rural_class"),
        merged_into_code=merged_into_code,
        is_demo=_cell(cells, columns, "demo").lower() in _TRUE_WORDS,
    )


def _resolve(candidates: list[RegionRow], plan: RegionImportPlan, scope: Scope | None) -> None:
    """Check each row against its parent, the database and the importer's scope."""
    in_file: dict[str, RegionRow] = {}
    for row in candidates:
        if row.code in in_file:
            plan.errors.append(
                RowError(
                    row.line,
                    "duplicate",
                    _("The code %(code)s already appears on line %(other)d.")
                    % {"code": row.code, "other": in_file[row.code].line},
                )
            )
        else:
            in_file[row.code] = row
    referenced = {
        c
        for row in in_file.values()
        for c in (row.code, row.parent_code, row.merged_into_code)
        if c
    }
    existing = {
        region.code: region
        for region in Region.objects.filter(code__in=referenced).select_related(
            "parent", "merged_into"
        )
    }
    for region in list(existing.values()):
        if region.merged_into is not None:
            existing.setdefault(region.merged_into.code, region.merged_into)

    accepted: dict[str, RegionRow] = {}
    # Parents before children, so a rejected parent rejects its children.
    for row in sorted(in_file.values(), key=lambda r: (r.level, r.line)):
        error = _row_problem(row, accepted, existing, scope)
        if error:
            plan.errors.append(error)
            continue
        current = existing.get(row.code)
        if current is not None:
            row.action = "unchanged" if _same(current, row) else "update"
        accepted[row.code] = row
    plan.rows = sorted(accepted.values(), key=lambda r: r.line)
    plan.errors.sort(key=lambda e: e.line)


def _row_problem(
    row: RegionRow,
    accepted: dict[str, RegionRow],
    existing: dict[str, Region],
    scope: Scope | None,
) -> RowError | None:
    current = existing.get(row.code)
    if current is not None and current.level != row.level:
        return RowError(
            row.line,
            "level_changed",
            _("Region %(code)s exists at another level.") % {"code": row.code},
        )
    parent_level: Level | None = None
    parent_region: Region | None = None
    if row.parent_code:
        if row.parent_code in accepted:
            parent_level = accepted[row.parent_code].level
        elif row.parent_code in existing:
            parent_region = existing[row.parent_code]
            parent_level = Level(parent_region.level)
        else:
            return RowError(
                row.line,
                "parent_missing",
                _(
                    "The parent region %(code)s is neither in the system nor in the file "
                    "(or its row was rejected)."
                )
                % {"code": row.parent_code},
            )
        try:
            validate_code(row.code, row.level, (row.parent_code, parent_level))
        except CodeError as error:
            return RowError(row.line, f"code_{error.code}", error.message)
        if (
            current is not None
            and (current.parent.code if current.parent else None) != row.parent_code
        ):
            return RowError(
                row.line,
                "parent_changed",
                _("Region %(code)s exists under another parent.") % {"code": row.code},
            )
    elif current is None and scope is not None:
        return RowError(row.line, "root", _("Only the command line can create a top-level region."))
    if scope is not None:
        anchor = current or parent_region
        anchor_code = anchor.code if anchor else (row.parent_code or row.code)
        if not any(anchor_code.startswith(p) for p in scope.prefixes(Capability.REGIONS_MANAGE)):
            return RowError(row.line, "scope", _("This region is outside the regions you manage."))
    if current is not None and current.merged_into_id:
        merged_code = current.merged_into.code if current.merged_into else None
        if row.merged_into_code and row.merged_into_code != merged_code:
            return RowError(
                row.line,
                "already_merged",
                _("Region %(code)s has already been merged into %(target)s.")
                % {"code": row.code, "target": merged_code},
            )
        # A merge is never undone by an import: the row's dates are taken as recorded.
        row.merged_into_code = merged_code
        row.valid_to = current.valid_to
    if row.merged_into_code:
        target_level = (
            accepted[row.merged_into_code].level
            if row.merged_into_code in accepted
            else Level(existing[row.merged_into_code].level)
            if row.merged_into_code in existing
            else None
        )
        if target_level is None:
            return RowError(
                row.line,
                "merged_into_missing",
                _("The region merged into (%(code)s) is not known.")
                % {"code": row.merged_into_code},
            )
        if target_level != row.level or row.merged_into_code == row.code:
            return RowError(
                row.line,
                "merged_into_level",
                _("A region can only be merged into another region of the same level."),
            )
        if not row.valid_to:
            return RowError(
                row.line,
                "merged_without_end",
                _("A merged region needs the date its validity ended."),
            )
    return None


def _same(region: Region, row: RegionRow) -> bool:
    return (
        region.name == row.name
        and region.kind == row.kind
        and region.urban_rural_class == row.urban_rural_class
        and region.valid_from == row.valid_from
        and region.valid_to == row.valid_to
        and region.is_demo == row.is_demo
        and (region.merged_into.code if region.merged_into else None) == row.merged_into_code
    )


@transaction.atomic
def regions_import_apply(*, plan: RegionImportPlan, acting_user: User | None) -> RegionImportResult:
    """Write every row of a plan without errors; all or nothing."""
    if plan.errors:
        raise ValidationError(_("The file has rejected rows; fix them before importing."))
    by_code: dict[str, Region] = {}
    created = updated = 0
    merges: list[tuple[RegionRow, Region]] = []
    for row in sorted(plan.rows, key=lambda r: (r.level, r.line)):
        region = Region.objects.filter(code=row.code).select_related("merged_into").first()
        if region is None:
            parent = by_code.get(row.parent_code or "") or (
                Region.objects.get(code=row.parent_code) if row.parent_code else None
            )
            region = region_create(
                acting_user=acting_user,
                code=row.code,
                name=row.name,
                level=row.level,
                parent=parent,
                kind=row.kind,
                urban_rural_class=row.urban_rural_class,
                valid_from=row.valid_from,
                # A merged region gets its end date together with the merge below.
                valid_to=None if row.merged_into_code else row.valid_to,
                is_demo=row.is_demo,
            )
            created += 1
        elif not _same(region, row):
            region_update(
                acting_user=acting_user,
                region=region,
                name=row.name,
                kind=row.kind,
                urban_rural_class=row.urban_rural_class,
                valid_from=row.valid_from,
                valid_to=region.valid_to
                if row.merged_into_code and not region.merged_into_id
                else row.valid_to,
                is_demo=row.is_demo,
            )
            updated += 1
        by_code[row.code] = region
        if row.merged_into_code and not region.merged_into_id:
            merges.append((row, region))
    for row, region in merges:
        target = by_code.get(row.merged_into_code or "") or Region.objects.get(
            code=row.merged_into_code
        )
        if row.valid_to is None:  # the parser refuses a merge without an end date
            raise ValidationError(_("A merged region needs the date its validity ended."))
        region_merge(acting_user=acting_user, region=region, into=target, on=row.valid_to)
    return RegionImportResult(
        created=created, updated=updated, unchanged=len(plan.rows) - created - updated
    )
