from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from houbei.audit.models import EventType
from houbei.lib.forms import NativeDateInput


class AuditFilterForm(forms.Form):
    event_type = forms.ChoiceField(
        label=_("Event"), required=False, choices=[("", _("All events")), *EventType.choices]
    )
    actor = forms.CharField(label=_("By (username)"), required=False, max_length=150)
    record = forms.CharField(label=_("Record"), required=False, max_length=100)
    date_from = forms.DateField(label=_("From"), required=False, widget=NativeDateInput())
    date_to = forms.DateField(label=_("To"), required=False, widget=NativeDateInput())
