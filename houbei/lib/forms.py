from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from houbei.lib.i18n import term_label


def apply_validation_error(form: forms.BaseForm, error: ValidationError) -> None:
    """Put a service's ValidationError on the form: keyed messages next to their field when
    the form has it, everything else at the top of the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        target = field if field in form.fields else None
        if field == NON_FIELD_ERRORS:
            target = None
        for item in errors:
            form.add_error(target, item)


class VocabularyChoiceField(forms.ModelChoiceField[Any]):
    """A configurable vocabulary (lib/choices.py) in the interface language."""

    def label_from_instance(self, obj: Any) -> str:
        return term_label(obj)
