"""The reserve pipeline as data: the stages, which moves are allowed, and who decides each.

candidate (人选) → village reserve (村级后备力量) → key cultivation target (重点培养对象)
→ town-level reserve (镇级后备) → district-level reserve (区级后备) → appointed (已任用);
exited (退出, with a reason) from any stage; re-entry from exited by a new decision.

The village Party organization decides up to key cultivation target, the town Party
committee up to town-level reserve, the district for district-level reserves. Appointment
comes from a vacancy (the vacancy issue), never from this table's forms. Exits are decided
by the level that owns the stage being left (or above).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from houbei.accounts.roles import Capability


class Stage(models.TextChoices):
    CANDIDATE = "candidate", _("Candidate")
    VILLAGE_RESERVE = "village_reserve", _("Village reserve")
    KEY_TARGET = "key_target", _("Key cultivation target")
    TOWN_RESERVE = "town_reserve", _("Town-level reserve")
    DISTRICT_RESERVE = "district_reserve", _("District-level reserve")
    APPOINTED = "appointed", _("Appointed")
    EXITED = "exited", _("Exited")


class DecidingLevel(models.TextChoices):
    VILLAGE = "village", pgettext_lazy("deciding body", "Village Party organization")
    TOWN = "town", pgettext_lazy("deciding body", "Town Party committee")
    DISTRICT = "district", pgettext_lazy("deciding body", "District organization department")


class ExitReason(models.TextChoices):
    NEGATIVE_LIST = "negative_list", _("Negative-list finding")
    UNFIT = "unfit", _("Unfit for the role")
    MOVED_AWAY = "moved_away", _("Moved away")
    DECLINED = "declined", _("Declined to continue")
    APPOINTED_ELSEWHERE = "appointed_elsewhere", _("Appointed elsewhere")
    DECEASED = "deceased", _("Deceased")
    OTHER = "other", _("Other")


class TargetPost(models.TextChoices):
    """拟培养方向: the seat a reserve is grown for."""

    SECRETARY = "secretary", _("Village Party secretary")
    DIRECTOR = "director", _("Villagers' committee director")
    MEMBER = "member", _("Two-committee member")
    GROUP_LEADER = "group_leader", _("Villager-group leader")


# Stages in the pool (a reserve, in the sense of pool targets and rankings).
POOL_STAGES = frozenset(
    {Stage.VILLAGE_RESERVE, Stage.KEY_TARGET, Stage.TOWN_RESERVE, Stage.DISTRICT_RESERVE}
)

# Which level owns a stage: its moves out (exits included) are that level's or above.
STAGE_OWNER: dict[Stage, DecidingLevel] = {
    Stage.CANDIDATE: DecidingLevel.VILLAGE,
    Stage.VILLAGE_RESERVE: DecidingLevel.VILLAGE,
    Stage.KEY_TARGET: DecidingLevel.VILLAGE,
    Stage.TOWN_RESERVE: DecidingLevel.TOWN,
    Stage.DISTRICT_RESERVE: DecidingLevel.DISTRICT,
    Stage.APPOINTED: DecidingLevel.DISTRICT,
    Stage.EXITED: DecidingLevel.VILLAGE,
}

# (from, to) → the level that decides. The only place moves are defined.
MOVES: dict[tuple[Stage, Stage], DecidingLevel] = {
    (Stage.CANDIDATE, Stage.VILLAGE_RESERVE): DecidingLevel.VILLAGE,
    (Stage.VILLAGE_RESERVE, Stage.KEY_TARGET): DecidingLevel.VILLAGE,
    (Stage.VILLAGE_RESERVE, Stage.TOWN_RESERVE): DecidingLevel.TOWN,
    (Stage.KEY_TARGET, Stage.TOWN_RESERVE): DecidingLevel.TOWN,
    (Stage.TOWN_RESERVE, Stage.DISTRICT_RESERVE): DecidingLevel.DISTRICT,
    (Stage.EXITED, Stage.CANDIDATE): DecidingLevel.VILLAGE,
    (Stage.EXITED, Stage.VILLAGE_RESERVE): DecidingLevel.VILLAGE,
    **{
        (stage, Stage.EXITED): owner
        for stage, owner in STAGE_OWNER.items()
        if stage not in (Stage.EXITED, Stage.APPOINTED)
    },
}

LEVEL_CAPABILITY: dict[DecidingLevel, Capability] = {
    DecidingLevel.VILLAGE: Capability.DECIDE_VILLAGE,
    DecidingLevel.TOWN: Capability.DECIDE_TOWN,
    DecidingLevel.DISTRICT: Capability.DECIDE_DISTRICT,
}

# A higher level may also make a lower level's exit decisions (removal from the pool after
# a negative-list finding is often the town's or district's), but never its promotions.
_LEVEL_RANK = {DecidingLevel.VILLAGE: 0, DecidingLevel.TOWN: 1, DecidingLevel.DISTRICT: 2}


def deciding_levels(move: tuple[Stage, Stage]) -> frozenset[DecidingLevel]:
    """Levels allowed to make ``move`` (empty when the move is not allowed at all)."""
    level = MOVES.get(move)
    if level is None:
        return frozenset()
    if move[1] == Stage.EXITED:
        return frozenset(other for other, rank in _LEVEL_RANK.items() if rank >= _LEVEL_RANK[level])
    return frozenset({level})


def next_stages(stage: Stage) -> list[Stage]:
    return [to for (frm, to) in MOVES if frm == stage]
