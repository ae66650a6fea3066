"""Turning an event's stored old/new values into lines a person can read."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext as _

from houbei.accounts.roles import Role
from houbei.audit.models import AuditEvent
from houbei.people.models import RevealReason


@dataclass(frozen=True)
class Change:
    label: str
    old: str
    new: str


def _display(model: Any, key: str, value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if key == "role":
        return str(Role(value).label) if value in Role.values else str(value)
    if isinstance(value, list):
        return "、".join(str(item) for item in value) or "—"
    if model is not None:
        try:
            field = model._meta.get_field(key)
        except FieldDoesNotExist:
            return str(value)
        choices = dict(getattr(field, "flatchoices", []) or [])
        if value in choices:
            return str(choices[value])
    return str(value)


def _label(model: Any, key: str) -> str:
    if key == "role":
        return _("role")
    if model is not None:
        try:
            return str(model._meta.get_field(key).verbose_name)
        except FieldDoesNotExist:
            pass
    return key


def describe_changes(event: AuditEvent) -> list[Change]:
    model = event.target_type.model_class() if event.target_type_id else None
    old: dict[str, Any] = event.extra_data.get("old") or {}
    new: dict[str, Any] = event.extra_data.get("new") or {}
    keys = list(dict.fromkeys([*old.keys(), *new.keys()]))
    changes = [
        Change(
            _label(model, key),
            _display(model, key, old.get(key)),
            _display(model, key, new.get(key)),
        )
        for key in keys
    ]
    reason = event.extra_data.get("reason")
    if reason:
        label = str(RevealReason(reason).label) if reason in RevealReason.values else str(reason)
        note = event.extra_data.get("note")
        changes.append(Change(_("reason"), "—", f"{label}（{note}）" if note else label))
    return changes
