from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from houbei.campaigns.models import Campaign
from houbei.deeds.models import CommendationLevel
from houbei.lib.forms import NativeDateInput, SeenEventField


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*,application/pdf"}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


class CampaignChoiceField(forms.ModelChoiceField[Campaign]):
    def label_from_instance(self, obj: Campaign) -> str:
        return obj.name


class DeedForm(forms.Form):
    seen_event = SeenEventField()
    date = forms.DateField(label=_("Date"), widget=NativeDateInput())
    title = forms.CharField(
        label=_("Title"), max_length=80, help_text=_("e.g. 连续多日为卡点志愿者送爱心午餐")
    )
    narrative = forms.CharField(label=_("What happened"), widget=forms.Textarea(attrs={"rows": 5}))
    level = forms.ChoiceField(
        label=_("Commendation"), choices=CommendationLevel.choices, initial=CommendationLevel.NONE
    )
    campaign = CampaignChoiceField(
        label=_("Campaign"), queryset=Campaign.objects.none(), required=False, empty_label=_("None")
    )
    attachments = MultipleFileField(
        label=_("Evidence"), required=False, help_text=_("Photos or PDF files, up to 10 MB each.")
    )

    def __init__(self, *args: Any, campaigns: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["campaign"].queryset = campaigns  # type: ignore[attr-defined]
        if editing:
            del self.fields["attachments"]


class EvidenceForm(forms.Form):
    attachments = MultipleFileField(
        label=_("Add evidence"), help_text=_("Photos or PDF files, up to 10 MB each.")
    )
