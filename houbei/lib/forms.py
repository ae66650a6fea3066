from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import HttpRequest, QueryDict
from django.utils.translation import gettext_lazy as _

from houbei.lib.i18n import term_label


def apply_validation_error(form: forms.BaseForm, error: ValidationError) -> None:
    """Put a service's ValidationError on the form: keyed messages next to their field when
    the form has it, everything else at the top of the form."""
    latest = getattr(error, "latest", None)  # audit/conflicts.py StaleEdit
    if latest is not None and "seen_event" in form.fields and form.is_bound:
        # Shown again with the newest change as seen: saving again overwrites knowingly.
        data = form.data.copy() if isinstance(form.data, QueryDict) else dict(form.data)
        data["seen_event"] = str(latest.pk)
        form.data = data
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        target = field if field in form.fields else None
        if field == NON_FIELD_ERRORS:
            target = None
        for item in errors:
            form.add_error(target, item)


class SeenEventField(forms.IntegerField):
    """Hidden on edit forms: the newest audit event of the record as the form showed it
    (audit/conflicts.py). Empty on forms that create."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(required=False, min_value=0, **kwargs)


class VocabularyChoiceField(forms.ModelChoiceField[Any]):
    """A configurable vocabulary (lib/choices.py) in the interface language."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("empty_label", _("Choose…"))
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj: Any) -> str:
        return term_label(obj)


class NativeDateInput(forms.DateInput):
    """The phone's own date picker. Its value must be ISO (2020-05-31) whatever the locale:
    Django's localized format (2020/05/31 in Chinese) leaves the picker empty."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class NativeTimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%H:%M")


class _NotSaved:
    def __bool__(self) -> bool:
        return False


NOT_SAVED: Any = _NotSaved()


def save_form(
    request: HttpRequest, form: forms.BaseForm, save: Callable[[dict[str, Any]], Any]
) -> Any:
    """The common shape of a form view: on a POST of a valid form, call the service
    (``save(cleaned_data)``) and return what it returns; a ValidationError it raises goes
    onto the form. ``NOT_SAVED`` (falsy) when nothing was saved: a GET, an invalid form, or a
    refused save — render the form again, with ``form_status(form)``."""
    if request.method != "POST" or not form.is_valid():
        return NOT_SAVED
    try:
        return save(form.cleaned_data)
    except ValidationError as error:
        apply_validation_error(form, error)
        return NOT_SAVED


def form_status(form: forms.BaseForm) -> int:
    """400 for a form sent back with errors, 200 for a blank one."""
    return 400 if form.is_bound else 200
