"""ECharts options for the dashboard, built from the figures already counted (and two
grouped queries of their own: hours per day and shifts per post type).

Every bar or slice that stands for a figure carries the URL of its list: charts.js opens it
on a click, like a click on a number in the tables."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import Count, DurationField, F, Sum
from django.utils.translation import gettext as _

from houbei.campaigns.models import PostType
from houbei.duty.models import DutyRecord, PersonDay, Status
from houbei.pipeline.selectors import VillagePool
from houbei.reports.figures import Breakdown, Filters, Section, people_in

PALETTE = ["#b83a2e", "#d98b3a", "#6b8f71", "#4f6d8f", "#8a6fa8", "#c2a83e", "#7a7a7a"]
Option = dict[str, Any]
UrlOf = Callable[[str], str]


def _base(title: str, *, legend: list[str] | None = None) -> Option:
    """Title at the top left, the legend (if any) under it, the plot below both."""
    option: Option = {
        "color": PALETTE,
        "title": {"text": title, "left": 0, "top": 0, "textStyle": {"fontSize": 14}},
        "tooltip": {"trigger": "axis"},
        "grid": {"left": 8, "right": 24, "bottom": 8, "top": 56 if legend else 36},
    }
    option["grid"]["containLabel"] = True
    if legend:
        option["legend"] = {"top": 24, "left": 0, "data": legend}
    return option


def _bars(title: str, rows: list[tuple[str, int, str]], *, horizontal: bool = False) -> Option:
    labels = [label for label, _n, _url in rows]
    data = [{"value": n, "url": url} for _label, n, url in rows]
    category = {"type": "category", "data": labels, "axisLabel": {"interval": 0}}
    value = {"type": "value", "minInterval": 1}
    return {
        **_base(title),
        "xAxis": value if horizontal else {**category, "axisLabel": {"interval": 0, "rotate": 30}},
        "yAxis": category if horizontal else value,
        "series": [
            {
                "type": "bar",
                "data": data,
                "barMaxWidth": 28,
                "label": {"show": True, "position": "right" if horizontal else "top"},
            }
        ],
    }


def _rows(
    section: Section, counts: dict[str, Breakdown], url_of: UrlOf, prefix: str
) -> list[tuple[str, int, str]]:
    return [
        (str(figure.label), counts[figure.key].total, url_of(figure.key))
        for figure in section.figures
        if figure.key.startswith(prefix)
    ]


def _empty_note(option: Option, empty: bool) -> Option:
    """Say so when a chart has nothing to draw, instead of showing bare axes."""
    if empty:
        option["graphic"] = {
            "type": "text",
            "left": "center",
            "top": "middle",
            "style": {"text": _("No data for this period."), "fill": "#6b7280", "fontSize": 14},
        }
    return option


def hours_per_day(filters: Filters) -> Option:
    days = PersonDay.objects.filter(
        person__in=people_in(filters),
        campaign_key=filters.campaign.pk if filters.campaign else 0,
        day__gte=filters.start,
        day__lte=filters.end,
    )
    rows = list(days.values_list("day").annotate(seconds=Sum("seconds")).order_by("day"))
    return _empty_note(
        {
            **_base(_("Frontline hours per day")),
            "xAxis": {"type": "category", "data": [day.isoformat() for day, _s in rows]},
            "yAxis": {"type": "value"},
            "series": [
                {
                    "type": "line",
                    "name": _("hours"),
                    "areaStyle": {"opacity": 0.15},
                    "showSymbol": False,
                    "data": [round(seconds / 3600, 1) for _day, seconds in rows],
                }
            ],
        },
        not rows,
    )


def post_coverage(filters: Filters) -> tuple[Option, list[dict[str, Any]]]:
    """Shifts and hours per post type, as a chart and as table rows."""
    first, after = filters.local_bounds()
    records = DutyRecord.objects.filter(
        person__in=people_in(filters),
        status=Status.VERIFIED,
        starts_at__gte=first,
        starts_at__lt=after,
    )
    if filters.campaign is not None:
        records = records.filter(campaign=filters.campaign)
    totals = {
        type_id: (shifts, duration)
        for type_id, shifts, duration in records.values_list("post__post_type_id")
        .annotate(
            shifts=Count("pk"),
            duration=Sum(F("ends_at") - F("starts_at"), output_field=DurationField()),
        )
        .values_list("post__post_type_id", "shifts", "duration")
    }
    rows = []
    for post_type in PostType.objects.filter(is_active=True):
        shifts, duration = totals.get(post_type.pk, (0, None))
        hours = round(duration.total_seconds() / 3600, 1) if duration else 0
        rows.append(
            {"code": post_type.code, "name": post_type.name, "shifts": shifts, "hours": hours}
        )
    option = {
        **_base(_("Shifts and hours by kind of post"), legend=[_("shifts"), _("hours")]),
        "xAxis": {"type": "value"},
        "yAxis": {"type": "category", "data": [row["name"] for row in rows]},
        "series": [
            {"type": "bar", "name": _("shifts"), "data": [row["shifts"] for row in rows]},
            {"type": "bar", "name": _("hours"), "data": [row["hours"] for row in rows]},
        ],
    }
    return option, rows


def funnel(section: Section, counts: dict[str, Breakdown], url_of: UrlOf) -> Option:
    """The pipeline stage by stage, in its order (bars: the stages are not nested, so a
    funnel's shape would mislead)."""
    option = _bars(_("The pipeline"), _rows(section, counts, url_of, "stage_"), horizontal=True)
    option["yAxis"]["inverse"] = True
    return option


def pool_against_target(rows: list[VillagePool], url_of: Callable[[str, str], str]) -> Option:
    """Reserves now against the target of each village (一职一备), for the region's villages."""
    names = [row.village.name for row in rows]
    return {
        **_base(_("Reserves against target by village (now)"), legend=[_("reserves"), _("target")]),
        "xAxis": {"type": "value", "minInterval": 1},
        "yAxis": {"type": "category", "data": names, "inverse": True},
        "series": [
            {
                "type": "bar",
                "name": _("reserves"),
                "data": [
                    {
                        "value": row.reserves,
                        "url": url_of("pool_total", row.village.code),
                        "itemStyle": {"color": PALETTE[0] if row.below_target else PALETTE[2]},
                    }
                    for row in rows
                ],
            },
            {
                "type": "scatter",
                "name": _("target"),
                "symbol": "rect",
                "symbolSize": [3, 18],
                "data": [row.min_reserves for row in rows],
            },
        ],
    }


def breakdown_charts(
    sections: dict[str, Section], counts: dict[str, Breakdown], url_of: UrlOf
) -> dict[str, Option]:
    composition = sections["composition"]
    political = _rows(composition, counts, url_of, "pool_political_")
    return {
        "chart-political": {
            **_base(_("Reserves by political status")),
            "tooltip": {"trigger": "item"},
            # A legend, not outside labels: long names would be cut off on a phone.
            "legend": {"type": "scroll", "bottom": 0, "left": 0},
            "series": [
                {
                    "type": "pie",
                    "radius": ["30%", "58%"],
                    "top": 24,
                    "bottom": 28,
                    "label": {"position": "inside", "formatter": "{c}", "color": "#fff"},
                    "data": [
                        {"name": label, "value": n, "url": url} for label, n, url in political if n
                    ],
                }
            ],
        },
        "chart-age": _bars(_("Reserves by age"), _rows(composition, counts, url_of, "pool_age_")),
        "chart-education": _bars(
            _("Reserves by education"),
            _rows(composition, counts, url_of, "pool_education_"),
            horizontal=True,
        ),
        "chart-sources": _bars(
            _("Reserves by background"),
            _rows(sections["sources"], counts, url_of, "pool_source_"),
            horizontal=True,
        ),
        "chart-party": _bars(
            _("Party-track steps in the period"),
            _rows(sections["use"], counts, url_of, "party_"),
        ),
    }
