from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from houbei.accounts.models import User
from houbei.lib.forms import NativeDateInput
from houbei.lib.i18n import in_interface_script, term_label
from houbei.people.models import Person
from houbei.review.models import Department, NegativeCategory, NegativeListItem, Resolution, Verdict


class DepartmentsField(forms.ModelMultipleChoiceField[Department]):
    def label_from_instance(self, obj: Department) -> str:
        return term_label(obj)


class PeopleField(forms.ModelMultipleChoiceField[Person]):
    def label_from_instance(self, obj: Person) -> str:
        stage = obj.standing.get_stage_display() if hasattr(obj, "standing") else ""
        return f"{obj.name} · {in_interface_script(obj.village.name)} · {stage}"


class BatchForm(forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=80, help_text=_("e.g. 2026年第一批区级集中联审")
    )
    opened_on = forms.DateField(label=_("Opened on"), widget=NativeDateInput())
    deadline = forms.DateField(label=_("Verdicts due by"), widget=NativeDateInput())
    departments = DepartmentsField(
        label=_("Departments taking part"),
        queryset=Department.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    people = PeopleField(
        label=_("People to review"),
        queryset=Person.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, departments: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["departments"].queryset = departments  # type: ignore[attr-defined]
        self.fields["people"].queryset = people  # type: ignore[attr-defined]


class ItemsField(forms.ModelMultipleChoiceField[NegativeListItem]):
    def label_from_instance(self, obj: NegativeListItem) -> str:
        return f"{obj.code} {obj.wording}"


class VerdictForm(forms.Form):
    verdict = forms.ChoiceField(
        label=_("Verdict"),
        choices=[(v.value, v.label) for v in Verdict if v != Verdict.PENDING],
        widget=forms.RadioSelect,
    )
    items = ItemsField(
        label=_("Negative-list items found (for a fail)"),
        queryset=NegativeListItem.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "plain-choices"}),
    )
    notes = forms.CharField(
        label=_("Notes"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("What was found, or what needs clarifying (required for a query)."),
    )

    def __init__(self, *args: Any, items: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["items"].queryset = items  # type: ignore[attr-defined]


class PublishForm(forms.Form):
    starts_on = forms.DateField(label=_("Public notice from"), widget=NativeDateInput())
    ends_on = forms.DateField(
        label=_("until"),
        widget=NativeDateInput(),
        help_text=_("Five working days by default; move it for public holidays."),
    )


class ObjectionForm(forms.Form):
    received_on = forms.DateField(label=_("Received on"), widget=NativeDateInput())
    summary = forms.CharField(label=_("What is objected"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"received_on": timezone.localdate()})
        super().__init__(*args, **kwargs)


class ResolveForm(forms.Form):
    resolution = forms.ChoiceField(
        label=_("Resolution"),
        choices=[
            (Resolution.DISMISSED.value, Resolution.DISMISSED.label),
            (Resolution.UPHELD.value, Resolution.UPHELD.label),
        ],
        widget=forms.RadioSelect,
    )
    resolved_on = forms.DateField(label=_("Resolved on"), widget=NativeDateInput())
    notes = forms.CharField(label=_("Findings"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"resolved_on": timezone.localdate()})
        super().__init__(*args, **kwargs)


class ClerksField(forms.ModelMultipleChoiceField[User]):
    def label_from_instance(self, obj: User) -> str:
        return f"{obj.display_name or obj.username} ({obj.username})"


class DepartmentForm(forms.Form):
    code = forms.SlugField(label=_("Code"), max_length=40)
    name = forms.CharField(label=_("Name"), max_length=40)
    name_en = forms.CharField(label=_("English name"), max_length=80, required=False)
    is_active = forms.BooleanField(label=_("Takes part in reviews"), required=False, initial=True)
    clerks = ClerksField(
        label=_("Clerks"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Accounts with a joint-review clerk's grant in the district."),
    )

    def __init__(self, *args: Any, clerks: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["clerks"].queryset = clerks  # type: ignore[attr-defined]


class DepartmentField(forms.ModelChoiceField[Department]):
    def label_from_instance(self, obj: Department) -> str:
        return term_label(obj)


class ItemForm(forms.Form):
    code = forms.SlugField(label=_("Code"), max_length=20)
    category = forms.ChoiceField(label=_("Category"), choices=NegativeCategory.choices)
    wording = forms.CharField(label=_("Wording"), widget=forms.Textarea(attrs={"rows": 3}))
    lookback_years = forms.IntegerField(
        label=_("Look-back years"),
        min_value=1,
        max_value=30,
        required=False,
        help_text=_("Blank: no limit."),
    )
    department = DepartmentField(
        label=_("Responsible department"), queryset=Department.objects.all()
    )
    is_active = forms.BooleanField(label=_("In use"), required=False, initial=True)
