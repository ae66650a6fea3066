from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from houbei.accounts.scoping import Scope
from houbei.campaigns.models import Campaign
from houbei.lib.forms import NativeDateInput, SeenEventField, VocabularyChoiceField
from houbei.lib.i18n import in_interface_script
from houbei.lib.idnumber import IdNumberError, parse_id_number
from houbei.lib.phone import PhoneError, normalize_phone
from houbei.people.models import Person
from houbei.regions.forms import RegionChoiceField
from houbei.regions.models import Region
from houbei.teams.models import TeamKind
from houbei.teams.selectors import active_team_kinds, regions_for_teams


class PersonChoiceField(forms.ModelChoiceField[Person]):
    def label_from_instance(self, obj: Person) -> str:
        return f"{obj.name}（{in_interface_script(obj.village.name)}）"


class CampaignChoiceField(forms.ModelMultipleChoiceField[Campaign]):
    def label_from_instance(self, obj: Campaign) -> str:
        return obj.name


class TeamForm(forms.Form):
    seen_event = SeenEventField()
    name = forms.CharField(
        label=pgettext_lazy("thing", "Name"), max_length=80, help_text=_("e.g. 花红村志愿服务队")
    )
    kind = VocabularyChoiceField(label=_("Kind"), queryset=TeamKind.objects.none())
    region = RegionChoiceField(
        label=_("Village or town"), queryset=Region.objects.none(), empty_label=_("Choose…")
    )
    leader = PersonChoiceField(
        label=_("Team leader"),
        queryset=Person.objects.none(),
        required=False,
        empty_label=_("Not given"),
    )
    campaigns = CampaignChoiceField(
        label=_("Campaigns"),
        queryset=Campaign.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(
        self,
        *args: Any,
        scope: Scope,
        people: Any,
        campaigns: Any,
        editing: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].queryset = active_team_kinds()  # type: ignore[attr-defined]
        self.fields["leader"].queryset = people  # type: ignore[attr-defined]
        self.fields["campaigns"].queryset = campaigns  # type: ignore[attr-defined]
        if editing:
            del self.fields["region"]
        else:
            self.fields["region"].queryset = regions_for_teams(scope=scope)  # type: ignore[attr-defined]


class MemberForm(forms.Form):
    person = PersonChoiceField(
        label=_("Add a member"), queryset=Person.objects.none(), empty_label=_("Choose…")
    )

    def __init__(self, *args: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people  # type: ignore[attr-defined]


class LinkForm(forms.Form):
    expires_on = forms.DateField(
        label=_("Closes on"),
        required=False,
        widget=NativeDateInput(),
        help_text=_("Leave empty to keep it open until you close it."),
    )


class DeclineApplicationForm(forms.Form):
    reason = forms.CharField(label=_("Why is it declined?"), max_length=200)


class GroupChoiceField(forms.ModelChoiceField[Region]):
    def label_from_instance(self, obj: Region) -> str:
        parent = obj.parent.name if obj.parent else ""
        return in_interface_script(f"{parent} {obj.name}".strip())


class VillageChoiceField(forms.ModelChoiceField[Region]):
    def label_from_instance(self, obj: Region) -> str:
        return in_interface_script(obj.name)


class SignupForm(forms.Form):
    """The public form a resident fills in on a phone."""

    name = forms.CharField(label=_("Name"), max_length=40)
    id_number = forms.CharField(
        label=_("ID number"),
        max_length=30,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    phone = forms.CharField(
        label=_("Phone"),
        max_length=30,
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel"}),
    )
    village = VillageChoiceField(
        label=_("Village"), queryset=Region.objects.none(), empty_label=_("Choose…")
    )
    villager_group = GroupChoiceField(
        label=_("Villager group"),
        queryset=Region.objects.none(),
        required=False,
        empty_label=_("Not given"),
    )
    skills = forms.CharField(
        label=_("Skills"),
        max_length=200,
        required=False,
        help_text=_("e.g. driving, first aid, typing"),
    )
    availability = forms.CharField(
        label=_("When can you help?"),
        max_length=200,
        required=False,
        help_text=_("e.g. every day, weekends, nights"),
    )
    consent = forms.BooleanField(
        label=_(
            "I agree that the village keeps these details to organise volunteers and contact me."
        ),
    )

    def clean_id_number(self) -> str:
        # Checked here too, so that every problem shows at once; the service checks again.
        value: str = self.cleaned_data["id_number"]
        try:
            parse_id_number(value)
        except IdNumberError as error:
            raise forms.ValidationError(error.message) from None
        return value

    def clean_phone(self) -> str:
        value: str = self.cleaned_data["phone"]
        try:
            normalize_phone(value)
        except PhoneError as error:
            raise forms.ValidationError(error.message) from None
        return value

    def __init__(self, *args: Any, villages: Any, groups: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = villages  # type: ignore[attr-defined]
        self.fields["villager_group"].queryset = groups  # type: ignore[attr-defined]
        if villages.count() == 1:
            self.fields["village"].initial = villages.first().pk
