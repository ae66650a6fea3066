from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from houbei.campaigns.models import Campaign
from houbei.deeds.models import Deed
from houbei.lib.forms import NativeDateInput
from houbei.lib.models import concrete_field
from houbei.people.forms import RegionNameChoiceField
from houbei.pipeline.models import Criterion, Route, ScoreWeights
from houbei.pipeline.services import WEIGHT_FIELDS
from houbei.pipeline.stages import DecidingLevel, ExitReason, TargetPost
from houbei.regions.models import Region
from houbei.teams.models import Team


class NamedChoiceField(forms.ModelChoiceField[Any]):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class DeedChoiceField(forms.ModelMultipleChoiceField[Deed]):
    def label_from_instance(self, obj: Deed) -> str:
        return f"{obj.date:%Y-%m-%d} {obj.title}"


class NominationForm(forms.Form):
    route = forms.ChoiceField(
        label=_("How was the person put forward?"), choices=Route.choices, widget=forms.RadioSelect
    )
    team = NamedChoiceField(
        label=_("Team"), queryset=Team.objects.none(), required=False, empty_label=_("None")
    )
    campaign = NamedChoiceField(
        label=_("Campaign"), queryset=Campaign.objects.none(), required=False, empty_label=_("None")
    )
    criteria = forms.MultipleChoiceField(
        label=_("Criteria met"), choices=Criterion.choices, widget=forms.CheckboxSelectMultiple
    )
    reasons = forms.CharField(
        label=_("Reasons"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What the person did, e.g. 连续值守唐家湾卡点二十多天，主动承担夜班"),
    )
    deeds = DeedChoiceField(
        label=_("Deeds cited"),
        queryset=Deed.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    target_post = forms.ChoiceField(
        label=_("Grown for"),
        choices=[("", _("Not decided yet")), *TargetPost.choices],
        required=False,
    )
    nominated_on = forms.DateField(label=_("Date"), widget=NativeDateInput())

    def __init__(self, *args: Any, teams: Any, campaigns: Any, deeds: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"nominated_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams  # type: ignore[attr-defined]
        self.fields["campaign"].queryset = campaigns  # type: ignore[attr-defined]
        self.fields["deeds"].queryset = deeds  # type: ignore[attr-defined]
        if not deeds.exists():
            del self.fields["deeds"]


class DecisionForm(forms.Form):
    deciding_level = forms.ChoiceField(label=_("Decided by"), choices=DecidingLevel.choices)
    deciding_body = forms.CharField(label=_("Deciding body"), max_length=80)
    decided_on = forms.DateField(label=_("Date of decision"), widget=NativeDateInput())
    document_number = forms.CharField(
        label=_("Document number"),
        max_length=60,
        required=False,
        help_text=_("e.g. 凌委〔2020〕12号"),
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))
    exit_reason = forms.ChoiceField(
        label=_("Exit reason"), choices=[("", _("Choose…")), *ExitReason.choices]
    )
    target_post = forms.ChoiceField(
        label=_("Grown for"), choices=[("", _("Unchanged")), *TargetPost.choices], required=False
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(
        self, *args: Any, levels: list[DecidingLevel], exiting: bool, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["deciding_level"].choices = [(level.value, level.label) for level in levels]  # type: ignore[attr-defined]
        if len(levels) == 1:
            self.fields["deciding_level"].widget = forms.HiddenInput()
        if exiting:
            del self.fields["target_post"]
        else:
            del self.fields["exit_reason"]


class OpinionForm(forms.Form):
    level = forms.ChoiceField(label=_("Level"), choices=DecidingLevel.choices)
    body = forms.CharField(label=_("Given by"), max_length=80)
    text = forms.CharField(label=_("Opinion"), widget=forms.Textarea(attrs={"rows": 4}))
    given_on = forms.DateField(label=_("Date"), widget=NativeDateInput())

    def __init__(self, *args: Any, levels: list[DecidingLevel], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["level"].choices = [(level.value, level.label) for level in levels]  # type: ignore[attr-defined]
        if len(levels) == 1:
            self.fields["level"].widget = forms.HiddenInput()


class PoolTargetForm(forms.Form):
    min_reserves = forms.IntegerField(label=_("Reserves at least"), min_value=0, max_value=20)
    min_secretary_reserves = forms.IntegerField(
        label=_("Reserves for the secretary's seat at least"), min_value=0, max_value=20
    )


class WeightsForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in WEIGHT_FIELDS:
            model_field = concrete_field(ScoreWeights, name)
            self.fields[name] = forms.DecimalField(
                label=model_field.verbose_name,
                min_value=0,
                max_value=1000,
                decimal_places=2,
                widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
            )


class PoolFilterForm(forms.Form):
    region = RegionNameChoiceField(
        label=_("Region"),
        queryset=Region.objects.none(),
        required=False,
        empty_label=_("All my regions"),
    )
    stage = forms.ChoiceField(label=_("Stage"), required=False)
    target_post = forms.ChoiceField(
        label=_("Grown for"), choices=[("", _("Any seat")), *TargetPost.choices], required=False
    )

    def __init__(
        self, *args: Any, regions: Any, stages: list[tuple[str, Any]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions  # type: ignore[attr-defined]
        self.fields["stage"].choices = stages  # type: ignore[attr-defined]
