"""The roster as the 排班表 workbook villages and towns exchange."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from houbei.campaigns.models import Post
from houbei.duty.indicators import local_zone
from houbei.duty.selectors import RosterDay
from houbei.lib.excel import table_workbook
from houbei.people.models import Person


def roster_workbook(*, post: Post, week: list[RosterDay], first_day: dt.date) -> bytes:
    zone = local_zone()
    leaders = "、".join(user.display_name or user.username for user in post.leaders.all())
    rows = []
    for day in week:
        for cell in day.cells:
            names: list[Person | None] = [a.person for a in cell.assignments] or [None]
            for person in names:
                rows.append(
                    [
                        post.name,
                        post.region.name,
                        day.day.isoformat(),
                        cell.template.label,
                        f"{cell.starts_at.astimezone(zone):%H:%M}–{cell.ends_at.astimezone(zone):%H:%M}",
                        person.name if person else "",
                        person.get_political_status_display() if person else "",
                        person.phone_masked if person else "",
                        leaders,
                        "",
                        "",
                        _("understaffed: %(have)d of %(need)d")
                        % {"have": cell.total_assigned, "need": cell.people_needed}
                        if cell.understaffed
                        else "",
                    ]
                )
    last_day = first_day + dt.timedelta(days=len(week) - 1)
    return table_workbook(
        title=_("%(post)s duty roster") % {"post": post.name},
        subtitle=_("%(campaign)s · %(first)s to %(last)s · place: %(place)s")
        % {
            "campaign": post.campaign.name,
            "first": first_day.isoformat(),
            "last": last_day.isoformat(),
            "place": post.place or post.region.name,
        },
        headers=[
            _("Post"),
            _("Village / town"),
            _("Date"),
            _("Shift"),
            _("Hours"),
            _("On duty"),
            _("Political status"),
            _("Phone"),
            _("Post leader"),
            _("Check-in"),
            _("Check-out"),
            _("Remarks"),
        ],
        rows=rows,
        widths=[16, 12, 12, 8, 13, 10, 12, 14, 14, 10, 10, 18],
    )
