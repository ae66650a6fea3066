from __future__ import annotations

from typing import Any, cast

from django import forms
from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from houbei.regions.models import Region


class RegionChoiceField(forms.ModelChoiceField[Region]):
    def label_from_instance(self, obj: Region) -> str:
        return obj.name


class _UploadForm(forms.Form):
    """A workbook to check: at most HOUBEI_IMPORT_MAX_BYTES."""

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > settings.HOUBEI_IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(mb)d MB; split it by village.")
                % {"mb": settings.HOUBEI_IMPORT_MAX_BYTES // (1024 * 1024)}
            )
        return upload


class DutyUploadForm(_UploadForm):
    file = forms.FileField(
        label=gettext_lazy("Duty log workbook"),
        help_text=gettext_lazy(
            "Excel (.xlsx, .xls) or CSV, one shift per row. Nothing is saved before you "
            "confirm; the shifts saved wait for verification."
        ),
    )


class PeopleUploadForm(_UploadForm):
    file = forms.FileField(
        label=gettext_lazy("Roster workbook"),
        help_text=gettext_lazy(
            "Excel (.xlsx, .xls) or CSV. Title rows, merged cells and the usual column names "
            "are fine; nothing is saved before you confirm."
        ),
    )
    region = forms.ModelChoiceField(
        label=gettext_lazy("Import into"), queryset=Region.objects.none()
    )
    update_existing = forms.BooleanField(
        label=gettext_lazy("Update people already registered (by ID number)"), required=False
    )

    def __init__(self, *args: Any, regions: QuerySet[Region], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(RegionChoiceField, self.fields["region"])
        field.queryset = regions
        if regions.count() == 1:
            field.initial = regions.first()
