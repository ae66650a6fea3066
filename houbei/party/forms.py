from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from houbei.lib.forms import NativeDateInput
from houbei.lib.models import concrete_field
from houbei.party.models import PartyTrack
from houbei.party.rules import STEP_FIELDS, Step

_WIDGETS: dict[str, forms.Widget] = {
    "review_conclusion": forms.Textarea(attrs={"rows": 3}),
    "approval_note": forms.Textarea(attrs={"rows": 2}),
    "training_hours": forms.NumberInput(attrs={"step": "0.5", "inputmode": "decimal"}),
}
_HELP: dict[str, Any] = {
    "contacts": _("One or two full Party members, e.g. 李明、王芳"),
    "approval_note": _("Only when approving more than three months after the branch assembly."),
    "training_hours": _("At least 3 days or 24 class hours are needed before admission."),
    "extension_months": _("6 to 12 months."),
}


def step_form(step: Step, track: PartyTrack | None, data: Any = None) -> forms.Form:
    """A form with the fields of one step, filled with what is recorded. The rules are the
    service's; the form only parses."""
    names = STEP_FIELDS[step]
    fields: dict[str, forms.Field] = {}
    for name in names:
        model_field = concrete_field(PartyTrack, name)
        if name == "review_passed":
            field: forms.Field = forms.TypedChoiceField(
                label=model_field.verbose_name,
                choices=[(True, _("Passed")), (False, _("Not passed"))],
                coerce=lambda value: value in (True, "True"),
                widget=forms.RadioSelect,
            )
        else:
            field = model_field.formfield()  # type: ignore[assignment]
            if isinstance(field, forms.DateField):
                field.widget = NativeDateInput()
            elif name in _WIDGETS:
                field.widget = _WIDGETS[name]
            # Every fact of a step is needed, except the reason for a late approval.
            field.required = name != "approval_note"
        if name in _HELP:
            field.help_text = _HELP[name]
        fields[name] = field
    # The version the clerk saw: a step recorded by someone else meanwhile stops the save.
    fields["version"] = forms.IntegerField(required=False, widget=forms.HiddenInput)
    form_class = type("StepForm", (forms.Form,), fields)
    initial: dict[str, Any] = {name: getattr(track, name) for name in names} if track else {}
    initial["version"] = track.version if track else None
    return form_class(data, initial=initial)  # type: ignore[no-any-return]
