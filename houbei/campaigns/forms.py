from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from houbei.accounts.models import User
from houbei.accounts.scoping import Scope
from houbei.campaigns.models import Campaign, CampaignStatus, CampaignType, Post, PostType
from houbei.campaigns.selectors import (
    active_campaign_types,
    active_post_types,
    regions_for_campaigns,
    regions_for_posts,
)
from houbei.campaigns.services import ShiftSpec, pattern_round_the_clock
from houbei.lib.forms import NativeDateInput, SeenEventField, VocabularyChoiceField
from houbei.lib.text import to_halfwidth
from houbei.regions.forms import RegionChoiceField
from houbei.regions.models import Region

DATE = NativeDateInput()


class CampaignForm(forms.Form):
    seen_event = SeenEventField()
    name = forms.CharField(label=pgettext_lazy("thing", "Name"), max_length=80)
    campaign_type = VocabularyChoiceField(label=_("Type"), queryset=CampaignType.objects.none())
    region = RegionChoiceField(
        label=_("Region"), queryset=Region.objects.none(), empty_label=_("Choose…")
    )
    start_date = forms.DateField(label=_("Start date"), widget=DATE)
    end_date = forms.DateField(label=_("End date"), widget=DATE, required=False)
    status = forms.ChoiceField(
        label=_("Status"), choices=CampaignStatus.choices, initial=CampaignStatus.ACTIVE
    )
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(
        self, *args: Any, scope: Scope, campaign: Campaign | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["campaign_type"].queryset = active_campaign_types()  # type: ignore[attr-defined]
        if campaign is None:
            self.fields["region"].queryset = regions_for_campaigns(scope=scope)  # type: ignore[attr-defined]
            del self.fields["status"]
        else:
            del self.fields["region"]  # a campaign stays where it was opened

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The end date cannot be before the start date."))
        return cleaned


PATTERNS = [
    ("3x8", _("3 × 8 hours, round the clock")),
    ("2x12", _("2 × 12 hours, round the clock")),
    ("1x24", _("1 × 24 hours")),
    ("custom", _("Custom shifts")),
]
_SHIFT_LINE = re.compile(
    r"^\s*(?:(?P<label>[^\d\s][^\s]*)\s+)?(?P<start>\d{1,2}:\d{2})\s*[-–~至]\s*(?P<end>\d{1,2}:\d{2})(?:\s+(?P<people>\d+))?\s*$"
)


def parse_custom_shifts(text: str, default_people: int) -> list[ShiftSpec]:
    """One shift per line: ``[label] 06:00-14:00 [people]``; an end at or before the start
    runs past midnight (22:00-06:00)."""
    specs: list[ShiftSpec] = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        match = _SHIFT_LINE.match(to_halfwidth(line))
        if not match:
            raise forms.ValidationError(
                _(
                    "Line %(n)d: write a shift as 06:00-14:00, optionally with a name "
                    "before and the number of people after."
                )
                % {"n": number}
            )
        try:
            start = dt.time.fromisoformat(match["start"].zfill(5))
            end = dt.time.fromisoformat(match["end"].zfill(5))
        except ValueError:
            raise forms.ValidationError(
                _("Line %(n)d: %(time)s is not a time of day.")
                % {"n": number, "time": line.strip()}
            ) from None
        minutes = (end.hour * 60 + end.minute - start.hour * 60 - start.minute) % (
            24 * 60
        ) or 24 * 60
        specs.append(
            ShiftSpec(
                label=match["label"] or f"{start:%H:%M}",
                start=start,
                minutes=minutes,
                people_needed=int(match["people"] or default_people),
            )
        )
    if not specs:
        raise forms.ValidationError(_("Write at least one shift."))
    return specs


def pattern_text(post: Post) -> str:
    lines = []
    for template in post.shift_templates.all():
        start = dt.datetime.combine(dt.date(2000, 1, 1), template.start_time)
        end = start + dt.timedelta(minutes=template.duration_minutes)
        lines.append(f"{template.label} {start:%H:%M}-{end:%H:%M} {template.people_needed}")
    return "\n".join(lines)


class LeaderChoiceField(forms.ModelMultipleChoiceField[User]):
    def label_from_instance(self, obj: User) -> str:
        return str(obj)


class PostForm(forms.Form):
    seen_event = SeenEventField()
    name = forms.CharField(
        label=pgettext_lazy("thing", "Name"), max_length=80, help_text=_("e.g. 唐家湾卡点")
    )
    post_type = VocabularyChoiceField(label=_("Type"), queryset=PostType.objects.none())
    region = RegionChoiceField(
        label=_("Village or town"), queryset=Region.objects.none(), empty_label=_("Choose…")
    )
    place = forms.CharField(label=_("Place"), max_length=120, required=False)
    pattern = forms.ChoiceField(
        label=_("Shifts"), choices=PATTERNS, initial="3x8", widget=forms.RadioSelect
    )
    people_needed = forms.IntegerField(
        label=_("People per shift"), min_value=1, max_value=50, initial=2
    )
    custom_shifts = forms.CharField(
        label=_("Custom shifts"),
        required=False,
        widget=forms.Textarea(
            attrs={"rows": 3, "placeholder": "白班 06:00-14:00 2\n夜班 22:00-06:00 1"}
        ),
        help_text=_("One shift per line: name, start-end, people. 22:00-06:00 runs past midnight."),
    )
    leaders = LeaderChoiceField(
        label=_("Post leaders"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    max_shift_hours = forms.IntegerField(
        label=_("Longest shift (hours)"),
        min_value=1,
        max_value=24,
        initial=12,
        help_text=_("A check-in left open longer than this is closed and flagged for review."),
    )
    is_active = forms.BooleanField(label=_("In use"), required=False, initial=True)
    change_pattern = forms.BooleanField(
        label=_("Change the shift pattern"),
        required=False,
        help_text=_("Shifts already on the roster keep their times."),
    )

    def __init__(
        self,
        *args: Any,
        scope: Scope,
        campaign: Campaign,
        post: Post | None = None,
        leaders: Any,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["post_type"].queryset = active_post_types()  # type: ignore[attr-defined]
        self.fields["leaders"].queryset = leaders  # type: ignore[attr-defined]
        if post is None:
            self.fields["region"].queryset = regions_for_posts(scope=scope, campaign=campaign)  # type: ignore[attr-defined]
            del self.fields["is_active"], self.fields["change_pattern"]
        else:
            del self.fields["region"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if "change_pattern" in self.fields and not cleaned.get("change_pattern"):
            cleaned["shift_specs"] = None
            return cleaned
        pattern, people = cleaned.get("pattern"), cleaned.get("people_needed") or 1
        try:
            if pattern == "custom":
                cleaned["shift_specs"] = parse_custom_shifts(
                    cleaned.get("custom_shifts", ""), people
                )
            elif pattern:
                cleaned["shift_specs"] = pattern_round_the_clock(int(pattern.split("x")[0]), people)
        except forms.ValidationError as error:
            self.add_error("custom_shifts", error)
        return cleaned
