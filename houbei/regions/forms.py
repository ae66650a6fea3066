from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from houbei.lib.forms import NativeDateInput, SeenEventField
from houbei.lib.i18n import in_interface_script as zh
from houbei.regions.codes import PREFIX_LENGTH, Level
from houbei.regions.models import Region, RegionKind

REGION_IMPORT_MAX_BYTES = 2 * 1024 * 1024


class RegionChoiceField(forms.ModelChoiceField[Region]):
    """Regions in a select, indented by level, with their short code: 　花红村（511002102220）."""

    def label_from_instance(self, obj: Region) -> str:
        indent = "\u3000" * max(0, obj.level - Level.DISTRICT)
        return f"{indent}{zh(obj.name)}（{obj.short_code}）"


class RegionChildForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=20)
    name = forms.CharField(label=_("Name"), max_length=60)
    kind = forms.ChoiceField(label=_("Kind"), choices=RegionKind.choices)
    urban_rural_class = forms.CharField(label=_("Urban-rural class"), max_length=3, required=False)
    valid_from = forms.DateField(label=_("Valid from"), required=False, widget=NativeDateInput())

    def __init__(self, *args: Any, parent: Region, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.level = Level(parent.level + 1)
        length = 15 if self.level == Level.GROUP else 12
        self.fields["code"].help_text = _(
            "%(length)d digits starting with %(prefix)s; "
            "for a villager group the village code plus a 3-digit number."
        ) % {"length": length, "prefix": parent.prefix}
        self.fields["code"].initial = parent.prefix
        self.fields["code"].widget.attrs.update({"inputmode": "numeric", "maxlength": str(length)})
        del_kinds = {
            Level.TOWN: [RegionKind.SUBDISTRICT, RegionKind.TOWN, RegionKind.TOWNSHIP],
            Level.VILLAGE: [RegionKind.VILLAGE, RegionKind.COMMUNITY],
            Level.GROUP: [RegionKind.GROUP],
        }.get(self.level)
        if del_kinds:
            kind_field: forms.ChoiceField = self.fields["kind"]  # type: ignore[assignment]
            kind_field.choices = [(kind.value, kind.label) for kind in del_kinds]
        self.prefix_length = PREFIX_LENGTH[self.level]


class RegionEditForm(forms.Form):
    seen_event = SeenEventField()
    name = forms.CharField(label=_("Name"), max_length=60)
    kind = forms.ChoiceField(label=_("Kind"), choices=RegionKind.choices)
    urban_rural_class = forms.CharField(label=_("Urban-rural class"), max_length=3, required=False)
    valid_from = forms.DateField(label=_("Valid from"), required=False, widget=NativeDateInput())
    valid_to = forms.DateField(
        label=_("Valid to"),
        required=False,
        widget=NativeDateInput(),
        help_text=_("Leave empty while the region exists. To merge it into another, use “Merge”."),
    )


class RegionMergeForm(forms.Form):
    into = RegionChoiceField(
        label=_("Merge into"), queryset=Region.objects.none(), empty_label=_("Choose…")
    )
    on = forms.DateField(
        label=_("Last day of validity"),
        widget=NativeDateInput(),
        help_text=_("As in the merger document, e.g. 内市区府发〔2020〕40号."),
    )

    def __init__(self, *args: Any, targets: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: RegionChoiceField = self.fields["into"]  # type: ignore[assignment]
        field.queryset = targets


class RegionImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "Columns: code, name, level, parent_code, valid_from, valid_to (Chinese headers "
            "代码, 名称, 级别, 上级代码, 生效日期, 失效日期 work too). UTF-8 or GBK."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > REGION_IMPORT_MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 2 MB."))
        return upload
