from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from houbei.accounts.scoping import Scope
from houbei.lib.forms import NativeDateInput
from houbei.lib.i18n import in_interface_script as zh
from houbei.lib.i18n import term_label as category_label
from houbei.people.choices import Education, Ethnicity, PoliticalStatus, Sex
from houbei.people.models import BackgroundCategory, Kinship, Person, RevealReason
from houbei.people.selectors import PARTY_MEMBERS, active_categories, villages_for_registration
from houbei.people.services import PersonInput
from houbei.regions.models import Region


class VillageChoiceField(forms.ModelChoiceField[Region]):
    def label_from_instance(self, obj: Region) -> str:
        town = zh(obj.parent.name) if obj.parent else ""
        return f"{town} · {zh(obj.name)}" if town else zh(obj.name)


class RegionNameChoiceField(forms.ModelChoiceField[Region]):
    def label_from_instance(self, obj: Region) -> str:
        return zh(obj.name)


class CategoryChoiceField(forms.ModelMultipleChoiceField[BackgroundCategory]):
    def label_from_instance(self, obj: BackgroundCategory) -> str:
        return category_label(obj)


class CategoryFilterField(forms.ModelChoiceField[BackgroundCategory]):
    def label_from_instance(self, obj: BackgroundCategory) -> str:
        return category_label(obj)


class PersonForm(forms.Form):
    """Registration and edit. Field checks that need the domain (ID number, phone, village)
    are the service's; their messages come back onto the fields (lib/forms.py)."""

    name = forms.CharField(label=_("Name"), max_length=40)
    id_number = forms.CharField(
        label=_("ID number"),
        max_length=30,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "inputmode": "text", "spellcheck": "false"}
        ),
        help_text=_("18 characters; sex and date of birth are read from it."),
    )
    phone = forms.CharField(
        label=_("Phone"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off", "inputmode": "tel"}),
    )
    village = VillageChoiceField(
        label=_("Village"), queryset=Region.objects.none(), empty_label=_("Choose…")
    )
    villager_group = RegionNameChoiceField(
        label=_("Villager group"),
        queryset=Region.objects.none(),
        required=False,
        empty_label=_("Not given"),
    )
    political_status = forms.ChoiceField(
        label=_("Political status"), choices=PoliticalStatus.choices, initial=PoliticalStatus.MASSES
    )
    categories = CategoryChoiceField(
        label=_("Background"),
        queryset=BackgroundCategory.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    # Below: "more details", folded away on the registration form.
    ethnicity = forms.ChoiceField(
        label=_("Ethnicity"), choices=Ethnicity.choices, initial=Ethnicity.HAN
    )
    education = forms.ChoiceField(
        label=_("Education"), choices=[("", "—"), *Education.choices], required=False
    )
    sex = forms.ChoiceField(
        label=_("Sex"),
        choices=[("", _("From the ID number")), *Sex.choices],
        required=False,
        help_text=_("Only to double-check: a sex that contradicts the ID number is refused."),
    )
    birth_date = forms.DateField(
        label=_("Date of birth"),
        required=False,
        widget=NativeDateInput(),
        help_text=_("Only to double-check against the ID number."),
    )
    address = forms.CharField(label=_("Current address"), max_length=120, required=False)
    lives_in_village = forms.BooleanField(
        label=_("Lives in the village"), required=False, initial=True
    )
    work_unit = forms.CharField(label=_("Workplace and position"), max_length=120, required=False)
    skills = forms.CharField(label=_("Skills"), max_length=200, required=False)
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    photo = forms.FileField(
        label=_("Photo"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*"}),
        help_text=_("A recent head-and-shoulders photo; up to 5 MB."),
    )
    remove_photo = forms.BooleanField(label=_("Remove the photo"), required=False)
    clear_phone = forms.BooleanField(label=_("Remove the phone number"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    QUICK_FIELDS = (
        "name",
        "id_number",
        "phone",
        "village",
        "villager_group",
        "political_status",
        "categories",
    )

    def __init__(
        self, *args: Any, scope: Scope, person: Person | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.person = person
        villages = villages_for_registration(scope=scope)
        if person is not None:
            # Someone in a village that has since merged can still be edited where they are.
            villages = (villages | Region.objects.filter(pk=person.village_id)).distinct()
        village_field: VillageChoiceField = self.fields["village"]  # type: ignore[assignment]
        village_field.queryset = villages.select_related("parent")
        village_ids = list(villages.values_list("pk", flat=True))
        if len(village_ids) == 1 and person is None:
            self.fields["village"].initial = village_ids[0]
        group_field: RegionNameChoiceField = self.fields["villager_group"]  # type: ignore[assignment]
        selected_village = self._selected_village_id(village_ids)
        group_field.queryset = (
            Region.objects.filter(parent_id=selected_village, valid_to__isnull=True).order_by(
                "code"
            )
            if selected_village
            else Region.objects.none()
        )
        categories: CategoryChoiceField = self.fields["categories"]  # type: ignore[assignment]
        categories.queryset = active_categories()
        if person is None:
            for name in ("remove_photo", "clear_phone", "version"):
                del self.fields[name]
        else:
            # Sex and birth date come from the stored ID number; a corrected number brings
            # its own.
            del self.fields["sex"], self.fields["birth_date"]
            self.fields["id_number"].required = False
            self.fields["id_number"].help_text = _(
                "Stored: %(masked)s. Leave empty to keep it; type the full number to correct it."
            ) % {"masked": person.id_number_masked}
            if person.phone_masked:
                self.fields["phone"].help_text = _(
                    "Stored: %(masked)s. Leave empty to keep it."
                ) % {"masked": person.phone_masked}
            else:
                del self.fields["clear_phone"]
            if not person.photo:
                del self.fields["remove_photo"]

    def _selected_village_id(self, village_ids: list[int]) -> int | None:
        raw = self.data.get("village") if self.is_bound else None
        if raw is None:
            raw = self.initial.get("village") or self.fields["village"].initial
        try:
            value = int(raw.pk if isinstance(raw, Region) else raw)
        except (TypeError, ValueError):
            return None
        return value if value in village_ids else None

    def quick_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.QUICK_FIELDS if name in self.fields]

    def more_fields(self) -> list[forms.BoundField]:
        return [field for field in self.visible_fields() if field.name not in self.QUICK_FIELDS]

    def to_input(self) -> PersonInput:
        data = self.cleaned_data
        editing = self.person is not None
        phone: str | None = data["phone"]
        if editing and not phone:
            phone = "" if data.get("clear_phone") else None
        return PersonInput(
            name=data["name"],
            id_number=data["id_number"] or (None if editing else ""),
            phone=phone,
            sex=data.get("sex", ""),
            birth_date=data.get("birth_date"),
            ethnicity=data["ethnicity"],
            education=data["education"],
            political_status=data["political_status"],
            categories=list(data["categories"]),
            village=data["village"],
            villager_group=data["villager_group"],
            address=data["address"],
            work_unit=data["work_unit"],
            skills=data["skills"],
            lives_in_village=bool(data.get("lives_in_village")),
            notes=data["notes"],
            photo=data.get("photo") or None,
            remove_photo=bool(data.get("remove_photo")),
        )


def person_initial(person: Person) -> dict[str, Any]:
    return {
        "name": person.name,
        "village": person.village_id,
        "villager_group": person.villager_group_id,
        "political_status": person.political_status,
        "categories": list(person.categories.all()),
        "ethnicity": person.ethnicity,
        "education": person.education,
        "address": person.address,
        "work_unit": person.work_unit,
        "skills": person.skills,
        "lives_in_village": person.lives_in_village,
        "notes": person.notes,
        "version": person.version,
    }


class PersonFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=60)
    region = RegionNameChoiceField(
        label=_("Region"),
        queryset=Region.objects.none(),
        required=False,
        empty_label=_("All my regions"),
    )
    category = CategoryFilterField(
        label=_("Background"),
        queryset=BackgroundCategory.objects.none(),
        required=False,
        empty_label=_("Any background"),
    )
    political_status = forms.ChoiceField(label=_("Political status"), required=False)

    def __init__(self, *args: Any, regions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        region_field: RegionNameChoiceField = self.fields["region"]  # type: ignore[assignment]
        region_field.queryset = regions
        category_field: CategoryFilterField = self.fields["category"]  # type: ignore[assignment]
        category_field.queryset = active_categories()
        status_field: forms.ChoiceField = self.fields["political_status"]  # type: ignore[assignment]
        status_field.choices = [
            ("", _("Any political status")),
            (PARTY_MEMBERS, _("Party members (incl. probationary)")),
            *PoliticalStatus.choices,
        ]


class RevealForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Why do you need the full number?"), choices=RevealReason.choices
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=200)


class RelativeField(forms.ModelChoiceField[Person]):
    def label_from_instance(self, obj: Person) -> str:
        return f"{obj.name} · {obj.birth_date:%Y.%m} · {zh(obj.village.name)}"


class RelationshipForm(forms.Form):
    relative = RelativeField(
        label=_("Relative"), queryset=Person.objects.none(), empty_label=_("Choose…")
    )
    kind = forms.ChoiceField(label=_("is this person's"), choices=Kinship.choices)

    def __init__(self, *args: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["relative"].queryset = people  # type: ignore[attr-defined]
