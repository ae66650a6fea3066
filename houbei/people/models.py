from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from houbei.lib.models import TimeStampedModel
from houbei.people.choices import Education, Ethnicity, PoliticalStatus, Sex


class BackgroundCategory(models.Model):
    """身份类别: 返乡农民工, 退役军人 … A configurable list; a person may have several."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=40)  # Simplified Chinese
    name_en = models.CharField(_("English name"), max_length=80, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("background category")
        verbose_name_plural = _("background categories")

    def __str__(self) -> str:
        return self.name


def photo_upload_path(instance: Person, filename: str) -> str:
    # Random names: a photo's URL must not tell whose it is or how many there are.
    return f"people/photos/{uuid.uuid4().hex}.jpg"


class Person(TimeStampedModel):
    """One human being, once in the whole system (unique resident ID number).

    The ID and phone numbers are stored encrypted, with a keyed digest for lookups and a
    masked form for display; the plain values exist only in services (lib/crypto.py).
    """

    ENCRYPTED_FIELDS = ("id_number_encrypted", "phone_encrypted")  # see people/keys.py

    name = models.CharField(pgettext_lazy("person", "name"), max_length=40)
    name_sort = models.CharField(max_length=160, editable=False)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    ethnicity = models.CharField(
        _("ethnicity"), max_length=2, choices=Ethnicity.choices, default=Ethnicity.HAN
    )
    birth_date = models.DateField(_("date of birth"))
    id_number_encrypted = models.TextField(editable=False)
    id_number_digest = models.CharField(max_length=64, unique=True, editable=False)
    id_number_masked = models.CharField(_("ID number"), max_length=18, editable=False)
    phone_encrypted = models.TextField(blank=True, editable=False)
    phone_digest = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    phone_masked = models.CharField(_("phone"), max_length=20, blank=True, editable=False)
    education = models.CharField(
        _("education"), max_length=24, choices=Education.choices, blank=True
    )
    political_status = models.CharField(
        _("political status"),
        max_length=20,
        choices=PoliticalStatus.choices,
        default=PoliticalStatus.MASSES,
    )
    categories = models.ManyToManyField(
        BackgroundCategory, verbose_name=_("background"), blank=True, related_name="people"
    )
    village = models.ForeignKey(
        "regions.Region",
        verbose_name=_("village"),
        on_delete=models.PROTECT,
        related_name="people",
    )
    villager_group = models.ForeignKey(
        "regions.Region",
        verbose_name=_("villager group"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="group_people",
    )
    address = models.CharField(_("current address"), max_length=120, blank=True)
    # 是否在村居住: the registration form asks it; recommendations for a seat prefer it.
    lives_in_village = models.BooleanField(_("lives in the village"), default=True)
    work_unit = models.CharField(_("workplace and position"), max_length=120, blank=True)
    skills = models.CharField(_("skills"), max_length=200, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    photo = models.ImageField(_("photo"), upload_to=photo_upload_path, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Optimistic locking: an edit based on an older version is refused, not silently merged.
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["name_sort", "id"]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        constraints = [
            models.CheckConstraint(condition=Q(sex__in=Sex.values), name="people_person_sex_valid"),
        ]
        indexes = [
            # The people list of a village, in pinyin order.
            models.Index(fields=["village", "name_sort"], name="people_village_sort_idx"),
        ]

    def __str__(self) -> str:
        return self.name


class PersonNameKey(models.Model):
    """One point a name search may start from: 强, qiang, wq … (lib/names.name_match_keys).
    A search is a prefix lookup on this index, so its cost follows the people it finds, not
    the size of the registry. Written by people/services with the name."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="name_keys")
    key = models.CharField(max_length=255)
    # Copies of the person's, so that a search scopes, counts and orders its matches from
    # this table's index alone and reads only the people on the page it shows
    # (selectors.NameSearch). Rewritten with the keys when the name or the village changes.
    village_code = models.CharField(max_length=12)
    name_sort = models.CharField(max_length=160)

    class Meta:
        indexes = [
            # Pattern operator classes on PostgreSQL: LIKE 'q%' (indexed_prefix) and the
            # scope's LIKE '5110%' served by the index whatever the database's collation.
            models.Index(
                fields=["key", "village_code", "name_sort", "person"],
                name="people_namekey_search_idx",
                opclasses=["varchar_pattern_ops", "varchar_pattern_ops", "varchar_ops", "int8_ops"],
            ),
        ]

    def __str__(self) -> str:
        return self.key


class RevealReason(models.TextChoices):
    VERIFY_IDENTITY = "verify_identity", _("Verify identity")
    CONTACT = "contact", _("Contact the person")
    POLITICAL_REVIEW = "political_review", _("Political review")
    JOINT_REVIEW = "joint_review", _("Joint qualification review")
    PAPERWORK = "paperwork", _("Forms for a higher authority")
    OTHER = "other", _("Other")


class RevealedField(models.TextChoices):
    ID_NUMBER = "id_number", _("ID number")
    PHONE = "phone", _("Phone")


class PersonalDataReveal(models.Model):
    """Every time someone saw an ID or phone number in full: who, when, why (PIPL)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="reveals")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    field = models.CharField(_("field"), max_length=12, choices=RevealedField.choices)
    reason = models.CharField(_("reason"), max_length=20, choices=RevealReason.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)
    revealed_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        ordering = ["-revealed_at"]
        verbose_name = _("personal data reveal")
        verbose_name_plural = _("personal data reveals")
        constraints = [
            models.CheckConstraint(
                condition=~Q(reason="other") | ~Q(note=""),
                name="people_reveal_other_reason_has_note",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.person} ({self.field})"


class Kinship(models.TextChoices):
    """家庭主要成员及社会关系, as the close-relative avoidance rule (近亲属回避) needs them."""

    SPOUSE = "spouse", _("Spouse")
    PARENT = "parent", _("Parent")
    CHILD = "child", _("Child")
    SIBLING = "sibling", _("Brother or sister")
    GRANDPARENT = "grandparent", _("Grandparent")
    GRANDCHILD = "grandchild", _("Grandchild")
    UNCLE_AUNT = "uncle_aunt", _("Uncle or aunt")
    NEPHEW_NIECE = "nephew_niece", _("Nephew or niece")
    COUSIN = "cousin", _("Cousin")
    IN_LAW = "in_law", _("Close in-law")


# Read from the relative's side: if A is B's parent, B is A's child.
KINSHIP_CONVERSE: dict[str, str] = {
    Kinship.SPOUSE: Kinship.SPOUSE,
    Kinship.PARENT: Kinship.CHILD,
    Kinship.CHILD: Kinship.PARENT,
    Kinship.SIBLING: Kinship.SIBLING,
    Kinship.GRANDPARENT: Kinship.GRANDCHILD,
    Kinship.GRANDCHILD: Kinship.GRANDPARENT,
    Kinship.UNCLE_AUNT: Kinship.NEPHEW_NIECE,
    Kinship.NEPHEW_NIECE: Kinship.UNCLE_AUNT,
    Kinship.COUSIN: Kinship.COUSIN,
    Kinship.IN_LAW: Kinship.IN_LAW,
}


class Relationship(models.Model):
    """``relative`` is ``person``'s <kind> (王芳 is 钟利洪's spouse). Stored once per pair;
    read in both directions through KINSHIP_CONVERSE."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="relationships")
    relative = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("relationship"), max_length=16, choices=Kinship.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("relationship")
        verbose_name_plural = _("relationships")
        constraints = [
            models.CheckConstraint(
                condition=~Q(person=F("relative")), name="people_relationship_not_self"
            ),
            models.UniqueConstraint(fields=["person", "relative"], name="people_relationship_once"),
        ]

    def __str__(self) -> str:
        return f"{self.person} — {self.relative} ({self.get_kind_display()})"
