from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from houbei.assessments.models import Dimension, Grade, RaterGroup
from houbei.lib.forms import NativeDateInput
from houbei.lib.i18n import in_interface_script
from houbei.people.models import Person
from houbei.regions.models import Region


class RegionField(forms.ModelChoiceField[Region]):
    def label_from_instance(self, obj: Region) -> str:
        return in_interface_script(obj.name)


class SubjectsField(forms.ModelMultipleChoiceField[Person]):
    def label_from_instance(self, obj: Person) -> str:
        return f"{obj.name} · {in_interface_script(obj.village.name)}"


class RoundForm(forms.Form):
    region = RegionField(
        label=_("Held by"),
        queryset=Region.objects.none(),
        help_text=_(
            "A village for its own round, a town for its half-yearly one, "
            "the district for the yearly one."
        ),
    )
    name = forms.CharField(label=_("Name"), max_length=80, help_text=_("e.g. 2020年上半年镇级评估"))
    held_on = forms.DateField(label=_("Date"), widget=NativeDateInput())
    subjects = SubjectsField(
        label=_("People assessed"),
        queryset=Person.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    min_anonymous_raters = forms.IntegerField(
        label=_("Fewest anonymous ballots shown"),
        min_value=1,
        max_value=99,
        initial=5,
        help_text=_("A group's anonymous result stays hidden until this many ballots are in."),
    )

    def __init__(self, *args: Any, regions: Any, subjects: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("held_on", timezone.localdate())
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions  # type: ignore[attr-defined]
        self.fields["subjects"].queryset = subjects  # type: ignore[attr-defined]


class SubjectField(forms.ModelChoiceField[Person]):
    def label_from_instance(self, obj: Person) -> str:
        return obj.name


class BallotForm(forms.Form):
    subject = SubjectField(
        label=_("Person assessed"), queryset=Person.objects.none(), empty_label=_("Choose…")
    )
    rater_group = forms.ChoiceField(label=_("Rater group"), choices=RaterGroup.choices)
    is_anonymous = forms.BooleanField(label=_("Anonymous ballot (民主测评)"), required=False)
    rater_name = forms.CharField(label=_("Rater"), max_length=40, required=False)
    grade = forms.ChoiceField(
        label=_("Overall grade"), choices=Grade.choices, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label=_("Comment"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args: Any, subjects: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["subject"].queryset = subjects  # type: ignore[attr-defined]
        for dimension in Dimension:
            self.fields[f"score_{dimension.value}"] = forms.IntegerField(
                label=dimension.label,
                min_value=0,
                max_value=10,
                required=False,
                widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 0, "max": 10}),
            )

    def score_fields(self) -> list[forms.BoundField]:
        return [self[f"score_{d.value}"] for d in Dimension]

    def head_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in ("subject", "rater_group", "is_anonymous", "rater_name")]

    def scores(self) -> dict[str, int | None]:
        return {d.value: self.cleaned_data.get(f"score_{d.value}") for d in Dimension}
