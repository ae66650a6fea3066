from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from houbei.cultivation.models import AssignmentKind, MentorRole, Outcome
from houbei.lib.forms import NativeDateInput, SeenEventField


class MentorForm(forms.Form):
    mentor_name = forms.CharField(label=_("Mentor"), max_length=40)
    mentor_position = forms.CharField(
        label=_("Mentor's position"),
        max_length=80,
        required=False,
        help_text=_("e.g. 凌家镇党委副书记"),
    )
    role = forms.ChoiceField(label=_("Role"), choices=MentorRole.choices)
    started_on = forms.DateField(label=_("From"), widget=NativeDateInput())


class EndForm(forms.Form):
    ended_on = forms.DateField(label=_("Until"), widget=NativeDateInput())


class TalkForm(forms.Form):
    held_on = forms.DateField(label=_("Date"), widget=NativeDateInput())
    summary = forms.CharField(label=_("What was said"), widget=forms.Textarea(attrs={"rows": 4}))


class AssignmentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=AssignmentKind.choices)
    title = forms.CharField(
        label=_("Post or task"), max_length=80, help_text=_("e.g. 防汛抢险一线岗")
    )
    place = forms.CharField(label=_("Place"), max_length=120, required=False)
    started_on = forms.DateField(label=_("From"), widget=NativeDateInput())
    ended_on = forms.DateField(label=_("Until"), widget=NativeDateInput(), required=False)
    decided_by_body = forms.CharField(
        label=_("Assigned by"), max_length=80, required=False, help_text=_("e.g. 凌家镇党委")
    )


class OutcomeForm(forms.Form):
    seen_event = SeenEventField()
    place = forms.CharField(label=_("Place"), max_length=120, required=False)
    ended_on = forms.DateField(label=_("Until"), widget=NativeDateInput(), required=False)
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Outcome.choices, required=False)
    outcome_notes = forms.CharField(
        label=_("Appraisal"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )


class TrainingForm(forms.Form):
    name = forms.CharField(
        label=_("Course"), max_length=80, help_text=_("e.g. 村级后备力量示范培训班")
    )
    organizer = forms.CharField(label=_("Organiser"), max_length=80, required=False)
    started_on = forms.DateField(label=_("From"), widget=NativeDateInput())
    ended_on = forms.DateField(label=_("Until"), widget=NativeDateInput())
    hours = forms.DecimalField(
        label=_("Class hours"),
        min_value=0,
        max_digits=5,
        decimal_places=1,
        widget=forms.NumberInput(attrs={"step": "0.5", "inputmode": "decimal"}),
    )
