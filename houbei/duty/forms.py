from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from houbei.campaigns.models import Post, ShiftTemplate
from houbei.duty.indicators import local_zone
from houbei.duty.models import Source, TaskKind
from houbei.lib.forms import NativeDateInput, NativeTimeInput
from houbei.lib.i18n import term_label
from houbei.people.models import Person

DATE = NativeDateInput()
TIME = NativeTimeInput()


class PersonChoiceField(forms.ModelChoiceField[Person]):
    def label_from_instance(self, obj: Person) -> str:
        return obj.name


def combine(day: dt.date, start: dt.time, end: dt.time) -> tuple[dt.datetime, dt.datetime]:
    """Local date and times to aware datetimes; an end at or before the start is the next
    day (a night shift 22:00–06:00)."""
    zone = local_zone()
    starts_at = dt.datetime.combine(day, start, tzinfo=zone)
    ends_at = dt.datetime.combine(day, end, tzinfo=zone)
    if ends_at <= starts_at:
        ends_at += dt.timedelta(days=1)
    return starts_at, ends_at


class TaskCountsMixin(forms.Form):
    """One optional number per task kind (households screened …), as ``task_<code>``."""

    def add_task_fields(self, kinds: list[TaskKind], initial: dict[str, int] | None = None) -> None:
        self.task_kinds = kinds
        for kind in kinds:
            self.fields[f"task_{kind.code}"] = forms.IntegerField(
                label=term_label(kind),
                min_value=0,
                max_value=100000,
                required=False,
                initial=(initial or {}).get(kind.code),
                widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
            )

    def task_counts(self) -> dict[TaskKind, int]:
        return {kind: self.cleaned_data.get(f"task_{kind.code}") or 0 for kind in self.task_kinds}

    def task_fields(self) -> list[forms.BoundField]:
        return [self[f"task_{kind.code}"] for kind in self.task_kinds]


class CheckInForm(forms.Form):
    person = PersonChoiceField(queryset=Person.objects.none(), widget=forms.HiddenInput)

    def __init__(self, *args: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people  # type: ignore[attr-defined]


class CheckOutForm(TaskCountsMixin):
    def __init__(self, *args: Any, kinds: list[TaskKind], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.add_task_fields(kinds)


class RecordForm(TaskCountsMixin):
    """A past shift entered by hand, or the correction of a record."""

    person = PersonChoiceField(
        label=_("Person"), queryset=Person.objects.none(), empty_label=_("Choose…")
    )
    day = forms.DateField(label=_("Date"), widget=DATE)
    start = forms.TimeField(label=_("From"), widget=TIME)
    end = forms.TimeField(
        label=_("To"), widget=TIME, help_text=_("An end before the start is the next morning.")
    )
    notes = forms.CharField(label=_("Notes"), max_length=200, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self,
        *args: Any,
        kinds: list[TaskKind],
        people: Any = None,
        task_initial: dict[str, int] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if people is None:
            del self.fields["person"]  # editing: the person stays
        else:
            self.fields["person"].queryset = people  # type: ignore[attr-defined]
            del self.fields["version"]
        self.add_task_fields(kinds, task_initial)

    def times(self) -> tuple[dt.datetime, dt.datetime]:
        return combine(
            self.cleaned_data["day"], self.cleaned_data["start"], self.cleaned_data["end"]
        )


class _PostChoice(forms.ModelChoiceField[Post]):
    def label_from_instance(self, obj: Post) -> str:
        return f"{obj.campaign.name} · {obj.name}"


class ReviewFilterForm(forms.Form):
    """Narrows the review queue to one post or one kind of entry (an import, say): a
    narrowed queue can be verified all at once."""

    post = _PostChoice(
        label=_("Post"), queryset=Post.objects.none(), required=False, empty_label=_("All posts")
    )
    source = forms.ChoiceField(
        label=_("How it was entered"), choices=[("", _("Any way")), *Source.choices], required=False
    )

    def __init__(self, *args: Any, posts: QuerySet[Post], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["post"].queryset = posts  # type: ignore[attr-defined]

    def narrowed(self) -> dict[str, Any]:
        """The post and source asked for, when the form is valid and asks for either."""
        if not self.is_valid():
            return {}
        chosen = {key: value for key, value in self.cleaned_data.items() if value}
        return {"post": chosen.get("post"), "source": chosen.get("source", "")} if chosen else {}


class DeclineForm(forms.Form):
    reason = forms.CharField(label=_("Why is it declined?"), max_length=200)


class AssignForm(forms.Form):
    template = forms.ModelChoiceField(
        queryset=ShiftTemplate.objects.none(), widget=forms.HiddenInput
    )
    day = forms.DateField(widget=forms.HiddenInput)
    person = PersonChoiceField(
        label=_("Person"), queryset=Person.objects.none(), empty_label=_("Add a person…")
    )

    def __init__(self, *args: Any, post: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = post.shift_templates.all()  # type: ignore[attr-defined]
        self.fields["person"].queryset = people  # type: ignore[attr-defined]


class CopyForm(forms.Form):
    source_day = forms.DateField(label=_("Copy from"), widget=DATE)
    days = forms.TypedChoiceField(
        label=_("How much"), coerce=int, choices=[(1, _("one day")), (7, _("one week"))], initial=1
    )
    target_day = forms.DateField(label=_("To"), widget=DATE)


class DayScreenForm(forms.Form):
    """Everyone rostered at a post on a day, one row each: tick who served, adjust times."""

    def __init__(
        self, *args: Any, rows: list[Any], kinds: list[TaskKind], recorded: set[int], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        # Rows already recorded are shown, not offered again (the screen saves all or none).
        self.recorded_rows = [row for row in rows if row.pk in recorded]
        rows = [row for row in rows if row.pk not in recorded]
        self.rows = rows
        self.kinds = kinds
        zone = local_zone()
        for row in rows:
            key = row.pk
            self.fields[f"served_{key}"] = forms.BooleanField(
                required=False, initial=True, label=row.person.name
            )
            self.fields[f"start_{key}"] = forms.TimeField(
                required=False, widget=TIME, initial=row.starts_at.astimezone(zone).time()
            )
            self.fields[f"end_{key}"] = forms.TimeField(
                required=False, widget=TIME, initial=row.ends_at.astimezone(zone).time()
            )
            for kind in kinds:
                self.fields[f"task_{key}_{kind.code}"] = forms.IntegerField(
                    required=False, min_value=0, max_value=100000, label=term_label(kind)
                )

    def row_fields(self) -> list[dict[str, Any]]:
        return [
            {
                "row": row,
                "served": self[f"served_{row.pk}"],
                "start": self[f"start_{row.pk}"],
                "end": self[f"end_{row.pk}"],
                "tasks": [self[f"task_{row.pk}_{kind.code}"] for kind in self.kinds],
            }
            for row in self.rows
        ]

    def chosen(
        self, day: dt.date
    ) -> list[tuple[Any, dt.datetime, dt.datetime, dict[TaskKind, int]]]:
        chosen = []
        for row in self.rows:
            if not self.cleaned_data.get(f"served_{row.pk}"):
                continue
            start, end = (
                self.cleaned_data.get(f"start_{row.pk}"),
                self.cleaned_data.get(f"end_{row.pk}"),
            )
            if start is None or end is None:
                self.add_error(f"start_{row.pk}", _("Give the start and end of the shift."))
                continue
            starts_at, ends_at = combine(row.starts_at.astimezone(local_zone()).date(), start, end)
            tasks = {
                kind: self.cleaned_data.get(f"task_{row.pk}_{kind.code}") or 0
                for kind in self.kinds
            }
            chosen.append((row, starts_at, ends_at, tasks))
        return chosen
