"""No lost updates on records without a version number: the edit form remembers the newest
audit event of the record it showed (``seen_event``); the service, holding the record's row
lock, refuses the save when a newer event exists — someone else changed the record meanwhile
— and says who, when and what. The trail is written in the same transaction as every change
(services.py), so "a newer event" is exactly "a newer change".

The person registry and the pipeline use version numbers instead (people/services.py)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from houbei.audit.models import AuditEvent, EventType
from houbei.audit.presenters import describe_changes
from houbei.audit.selectors import audit_for_record


class StaleEdit(ValidationError):
    """The record changed after the editor opened the form. ``latest`` is the newest change;
    a form shown again takes its id as ``seen_event``, so saving again overwrites knowingly."""

    def __init__(self, latest: AuditEvent) -> None:
        self.latest = latest
        who = str(latest.acting_user) if latest.acting_user else _("the system")
        changes = "；".join(
            f"{change.label}：{change.old} → {change.new}" for change in describe_changes(latest)
        )
        super().__init__(
            _(
                "%(who)s changed this record at %(when)s while you were editing it%(changes)s. "
                "Nothing was saved. Your entries are still in the form: check them against "
                "that change and save again to keep them."
            )
            % {
                "who": who,
                "when": formats.date_format(timezone.localtime(latest.event_time), "Y-m-d H:i"),
                "changes": f"（{changes}）" if changes else "",
            },
            code="stale_edit",
        )


def latest_event_id(record: models.Model) -> int:
    """What an edit form remembers as ``seen_event``: 0 when the record has no events."""
    return audit_for_record(record=record).order_by("-pk").values_list("pk", flat=True).first() or 0


def refuse_stale_edit(record: models.Model, seen_event: int | None, edit: EventType) -> None:
    """Call with the record's row locked. Only a newer ``edit`` event conflicts (a member
    added to a team meanwhile does not stop its renaming). ``seen_event`` None: the caller
    did not show the record first (an import, the API): nothing to compare with."""
    if seen_event is None:
        return
    newer = (
        audit_for_record(record=record)
        .filter(pk__gt=seen_event, event_type=edit)
        .order_by("-pk")
        .first()
    )
    if newer is not None:
        raise StaleEdit(newer)
