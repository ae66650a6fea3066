from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from houbei.lib.forms import NativeDateInput
from houbei.people.models import Person
from houbei.seats.models import Method, VacancyReason


class SetUpForm(forms.Form):
    party_deputies = forms.IntegerField(
        label=_("Deputy Party secretaries"), min_value=0, max_value=2, initial=0
    )
    party_members = forms.IntegerField(
        label=_("Other Party committee members"), min_value=0, max_value=6, initial=2
    )
    committee_deputies = forms.IntegerField(
        label=_("Deputy directors"), min_value=0, max_value=2, initial=0
    )
    committee_members = forms.IntegerField(
        label=_("Other villagers' committee members"),
        min_value=0,
        max_value=6,
        initial=2,
        help_text=_("With the director and deputies, 3 to 7 in all."),
    )


class PersonChoiceField(forms.ModelChoiceField[Person]):
    def label_from_instance(self, obj: Person) -> str:
        return f"{obj.name} · {obj.birth_date:%Y.%m}"


class IncumbentForm(forms.Form):
    person = PersonChoiceField(label=_("Holder"), queryset=Person.objects.none())
    started_on = forms.DateField(label=_("Since"), widget=NativeDateInput())
    term_ends_on = forms.DateField(
        label=_("Term ends"),
        widget=NativeDateInput(),
        required=False,
        help_text=_("Blank: the next general election."),
    )

    def __init__(self, *args: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people  # type: ignore[attr-defined]


class VacancyForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason"), choices=VacancyReason.choices)
    opened_on = forms.DateField(label=_("Vacant since"), widget=NativeDateInput())
    notes = forms.CharField(
        label=_("Notes"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"opened_on": timezone.localdate()})
        super().__init__(*args, **kwargs)


class AppointmentForm(forms.Form):
    person = forms.TypedChoiceField(label=_("Who fills the seat"), coerce=int)
    method = forms.ChoiceField(label=_("How"), choices=Method.choices, initial=Method.BY_ELECTION)
    decided_on = forms.DateField(label=_("Date"), widget=NativeDateInput())
    document_number = forms.CharField(label=_("Document number"), max_length=60, required=False)

    def __init__(self, *args: Any, choices: list[tuple[int, str]], **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("decided_on", timezone.localdate())
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [("", _("Choose…")), *choices]  # type: ignore[attr-defined]
