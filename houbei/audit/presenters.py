"""Turning events' stored old/new values into lines a person can read.

Snapshots store relations by code (regions) and categories by their code, so that history
survives renames; here they are shown by their current names. ``describe_events`` resolves
the codes of a whole page of events in two queries.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.core.paginator import Page, Paginator
from django.utils import timezone
from django.utils.translation import gettext as _

from houbei.accounts.roles import Role
from houbei.audit.models import AuditEvent
from houbei.duty.models import TaskKind
from houbei.lib.i18n import in_interface_script as zh
from houbei.lib.i18n import term_label as category_label
from houbei.people.models import BackgroundCategory, RevealReason
from houbei.regions.models import Region

# Snapshot keys whose values are region codes.
REGION_KEYS = frozenset(
    {"village", "villager_group", "parent", "merged_into", "region", "managed_in"}
)
CATEGORY_KEY = "categories"
_EMPTY: tuple[Any, ...] = (None, "", [], False)


@dataclass(frozen=True)
class Change:
    label: str
    old: str
    new: str


@dataclass(frozen=True)
class DescribedEvent:
    event: AuditEvent
    changes: list[Change]


@dataclass
class _Names:
    regions: dict[str, str]
    categories: dict[str, str]
    tasks: dict[str, str]


def _field(model: Any, key: str) -> Any:
    """The model field behind a snapshot key (``id_number`` is stored as ``id_number_masked``)."""
    for name in (key, f"{key}_masked"):
        try:
            return model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
    return None


def _display(model: Any, key: str, value: Any, names: _Names) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if key == "role":
        return str(Role(value).label) if value in Role.values else str(value)
    if key in REGION_KEYS:
        return names.regions.get(str(value), str(value))
    if key == CATEGORY_KEY and isinstance(value, list):
        return "、".join(names.categories.get(str(code), str(code)) for code in value)
    if isinstance(value, str) and _ISO_MOMENT.match(value):
        moment = dt.datetime.fromisoformat(value)
        return (
            f"{timezone.localtime(moment):%Y-%m-%d %H:%M}" if timezone.is_aware(moment) else value
        )
    if isinstance(value, dict):  # task counts {code: n}
        return (
            "、".join(
                f"{names.tasks.get(str(code), str(code))} {count}" for code, count in value.items()
            )
            or "—"
        )
    if isinstance(value, list):
        return "、".join(str(item) for item in value)
    field = _field(model, key) if model is not None else None
    choices = dict(getattr(field, "flatchoices", []) or [])
    if isinstance(value, str | int) and value in choices:
        return str(choices[value])
    return str(value)


# Labels of snapshot keys that are not model fields.
_KEY_LABELS = {
    "role": lambda: _("role"),
    "region": lambda: _("region"),
    "tasks": lambda: _("Tasks done"),
    "person": lambda: _("person"),
    "post": lambda: _("post"),
    "member": lambda: _("member"),
    "applicant": lambda: _("applicant"),
    "files": lambda: _("files"),
    "evidence": lambda: _("files"),
}
_ISO_MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


def _label(model: Any, key: str) -> str:
    field = _field(model, key) if model is not None else None
    # A field's own verbose name, unless it is only Django's default (the field's name).
    if field is not None and str(field.verbose_name) != key.replace("_", " "):
        return str(field.verbose_name)
    if key in _KEY_LABELS:
        return str(_KEY_LABELS[key]())
    return str(field.verbose_name) if field is not None else key


def _lists_records(data: dict[str, Any]) -> bool:
    """Whether an event lists many records (a duty import's, a verification of many)
    instead of changing one. An import lists each record's values as imported; an event
    that changed many records alike names each and holds the change once (old / new)."""
    return "records" in data and "columns" in data


def _listed_model(data: dict[str, Any]) -> Any:
    return apps.get_model(data["model"]) if data.get("model") else None


def _task_names() -> dict[str, str]:
    return {kind.code: category_label(kind) for kind in TaskKind.objects.all()}


def _sides(event: AuditEvent, record_id: str | None) -> tuple[dict[str, Any], dict[str, Any]]:
    """An event's old and new values; for an event listing many records, the change it
    made to all of them, or (a duty import's) the values it lists for ``record_id`` as new."""
    data = event.extra_data
    if _lists_records(data) and "new" in data:
        return data.get("old") or {}, data["new"]
    if _lists_records(data):
        listed = data["records"].get(record_id) if record_id is not None else None
        return {}, (
            {**dict(zip(data["columns"], listed, strict=True)), **data.get("common", {})}
            if listed is not None
            else {}
        )
    return data.get("old") or {}, data.get("new") or {}


def _collect_names(events: list[AuditEvent], record_id: str | None) -> _Names:
    region_codes: set[str] = set()
    category_codes: set[str] = set()
    task_kinds_needed = False
    for event in events:
        for values in _sides(event, record_id):
            for key, value in values.items():
                if key in REGION_KEYS and value:
                    region_codes.add(str(value))
                elif key == CATEGORY_KEY and isinstance(value, list):
                    category_codes.update(value)
                elif isinstance(value, dict) and value:
                    task_kinds_needed = True
    regions = (
        {
            code: zh(name)
            for code, name in Region.objects.filter(code__in=region_codes).values_list(
                "code", "name"
            )
        }
        if region_codes
        else {}
    )
    categories = (
        {
            category.code: category_label(category)
            for category in BackgroundCategory.objects.filter(code__in=category_codes)
        }
        if category_codes
        else {}
    )
    tasks = _task_names() if task_kinds_needed else {}
    return _Names(regions=regions, categories=categories, tasks=tasks)


def _changes(event: AuditEvent, names: _Names, record: Any) -> list[Change]:
    record_id = str(record.pk) if record is not None else None
    old, new = _sides(event, record_id)
    lists_records = _lists_records(event.extra_data)
    # The values an event lists for one of its records are fields of the records' model.
    if lists_records:
        model = _listed_model(event.extra_data)
    else:
        model = event.target_type.model_class() if event.target_type_id else None
    # A record's first event lists only the fields that were filled in.
    keys = [
        key
        for key in dict.fromkeys([*old.keys(), *new.keys()])
        if old.get(key) not in _EMPTY or new.get(key) not in _EMPTY
    ]
    changes = [
        Change(
            _label(model, key),
            _display(model, key, old.get(key), names),
            _display(model, key, new.get(key), names),
        )
        for key in keys
    ]
    if lists_records and record_id is None:  # the event itself, not one record's line of it
        changes.append(Change(_("records"), "—", str(event.extra_data.get("count", ""))))
    reason = event.extra_data.get("reason")
    if reason:
        label = str(RevealReason(reason).label) if reason in RevealReason.values else str(reason)
        note = event.extra_data.get("note")
        changes.append(Change(_("reason"), "—", f"{label}（{note}）" if note else label))
    return changes


def describe_events(events: Iterable[AuditEvent], record: Any = None) -> list[DescribedEvent]:
    """The events as lines; ``record``, when they are its history, picks its own values out
    of an event that lists many records."""
    listed = list(events)
    names = _collect_names(listed, str(record.pk) if record is not None else None)
    return [DescribedEvent(event, _changes(event, names, record)) for event in listed]


# Records of an event shown a page at a time: an import's event lists up to 2 000.
LISTED_PER_PAGE = 100


@dataclass(frozen=True)
class ListedRecords:
    """The records an event lists (a duty import's), as a table, a page at a time: labels,
    then each record's id and values, and the page (of all the event's records)."""

    title: str
    labels: list[str]
    rows: list[tuple[str, list[str]]]
    page: Page[tuple[str, list[Any]]]


def describe_listed(event: AuditEvent, page_number: str | int | None = 1) -> ListedRecords | None:
    data = event.extra_data
    if not _lists_records(data):
        return None
    model = _listed_model(data)
    columns: list[str] = data["columns"]
    records: dict[str, list[Any]] = data["records"]
    page = Paginator(list(records.items()), LISTED_PER_PAGE).get_page(page_number)
    has_tasks = any(isinstance(value, dict) and value for _pk, row in page for value in row)
    names = _Names(regions={}, categories={}, tasks=_task_names() if has_tasks else {})
    return ListedRecords(
        title=_("Records it changed") if "new" in data else _("Records as imported"),
        labels=[_label(model, key) for key in columns],
        page=page,
        rows=[
            (
                pk,
                [
                    _display(model, key, value, names)
                    for key, value in zip(columns, values, strict=True)
                ],
            )
            for pk, values in page
        ],
    )


def describe_changes(event: AuditEvent) -> list[Change]:
    return describe_events([event])[0].changes
