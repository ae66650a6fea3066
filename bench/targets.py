"""The targets of the suite: each a ratio of figures from the same run (issue: scale)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from typing import Any

Figures = dict[str, dict[str, dict[str, Any]]]  # database → profile → measurement → value


@dataclass(frozen=True)
class Row:
    name: str
    figures: str  # the absolute figures behind the ratio, as printed
    ratio: float
    target: str  # "≤ 2.0" or "≥ 0.25"
    met: bool

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Target:
    name: str
    rows: Callable[[Figures], Iterator[Row]]


def _at_most(name: str, figures: str, ratio: float, limit: float) -> Row:
    return Row(name, figures, ratio, f"≤ {limit:g}", ratio <= limit)


def _export(figures: Figures) -> Iterator[Row]:
    for database, profiles in figures.items():
        for profile, measured in profiles.items():
            export = measured["export"]
            yield _at_most(
                f"Excel export {export['rows']:,} rows, median of {export.get('samples', 1)},"
                f" vs xlsxwriter ({database}, {profile})",
                f"{export['seconds']:.2f} s vs {export['floor_seconds']:.2f} s",
                export["seconds"] / export["floor_seconds"],
                2.0,
            )
            yield _at_most(
                f"Excel export peak memory growth, MB ({database}, {profile})",
                f"{export['peak_mb']:.0f} MB",
                export["peak_mb"] / 250,
                1.0,
            )


def _scale(
    key: str, title: str, limit: float, *, part: str | None = None, statistic: str = "p95"
) -> Callable[[Figures], Iterator[Row]]:
    """City over district (p95 unless told): the cost must not grow with the data."""

    def rows(figures: Figures) -> Iterator[Row]:
        for database, profiles in figures.items():
            if "district" not in profiles or "city" not in profiles:
                continue
            district, city = profiles["district"][key], profiles["city"][key]
            if part is not None:
                district, city = district[part], city[part]
            field = f"{statistic}_ms"
            yield _at_most(
                f"{title}: {statistic} city / district ({database})",
                f"{city[field]:.1f} ms vs {district[field]:.1f} ms",
                city[field] / district[field],
                limit,
            )

    return rows


def _verified_record(figures: Figures) -> Iterator[Row]:
    for database, profiles in figures.items():
        for profile, measured in profiles.items():
            found = measured["verified_record"]
            service, floor = found["service"], found["floor"]
            yield _at_most(
                f"One verified duty record, service vs raw SQL, p50 ({database}, {profile})",
                f"{service['p50_ms']:.2f} ms vs {floor['p50_ms']:.2f} ms",
                service["p50_ms"] / floor["p50_ms"],
                10.0,
            )


def _absolute(key: str, title: str) -> Callable[[Figures], Iterator[Row]]:
    """Reported in every run (the quick one too), with the scale ratio checked separately."""

    def rows(figures: Figures) -> Iterator[Row]:
        for database, profiles in figures.items():
            for profile, measured in profiles.items():
                found = measured[key]
                yield Row(
                    f"{title}: p50 / p95 ({database}, {profile}, {found['people']:,} people)",
                    f"p50 {found['p50_ms']:.1f} ms, p95 {found['p95_ms']:.1f} ms",
                    found["p95_ms"] / found["p50_ms"],
                    "report",
                    True,
                )

    return rows


def _indicators(figures: Figures) -> Iterator[Row]:
    limits = {"postgres": 5.0, "sqlite": 8.0}
    for database, profiles in figures.items():
        for profile, measured in profiles.items():
            if "indicators" not in measured:
                continue  # measured at city scale only
            found = measured["indicators"]
            yield _at_most(
                f"Full indicator recompute, {found['records']:,} records, vs DuckDB "
                f"({database}, {profile})",
                f"{found['seconds']:.1f} s vs {found['floor_seconds']:.1f} s",
                found["seconds"] / found["floor_seconds"],
                limits[database],
            )


def _throughput(figures: Figures) -> Iterator[Row]:
    for database, profiles in figures.items():
        for profile, measured in profiles.items():
            if "throughput" not in measured:
                continue
            found = measured["throughput"]
            ratio = found["dashboard_rps"] / found["bare_rps"]
            yield _at_least(
                f"Dashboard throughput, {found['clients']} clients on gunicorn, vs a bare view "
                f"({database}, {profile})",
                f"{found['dashboard_rps']:.1f} vs {found['bare_rps']:.1f} requests/s",
                ratio,
                0.1,
            )


def _at_least(name: str, figures: str, ratio: float, limit: float) -> Row:
    return Row(name, figures, ratio, f"≥ {limit:g}", ratio >= limit)


def _import(key: str, title: str, limit: float) -> Callable[[Figures], Iterator[Row]]:
    """Rows a second through the importer over rows a second of the raw load."""

    def rows(figures: Figures) -> Iterator[Row]:
        for database, profiles in figures.items():
            for profile, measured in profiles.items():
                if key not in measured:
                    continue
                found = measured[key]
                yield _at_least(
                    f"{title}, {found['rows']:,} rows, median of {found.get('samples', 1)},"
                    f" rate vs a raw load ({database}, {profile})",
                    f"{found['rows'] / found['seconds']:,.0f} vs "
                    f"{found['rows'] / found['floor_seconds']:,.0f} rows/s" + _insert_wait(found),
                    found["floor_seconds"] / found["seconds"],
                    limit,
                )

    return rows


def _insert_wait(found: dict[str, Any]) -> str:
    """Where the import's wait for its records' insert was timed: the seconds of it not
    hidden behind the checks (the database inserts one chunk while the next is checked)."""
    if "insert_wait_seconds" not in found:
        return ""
    return f"; waited {found['insert_wait_seconds']:.2f} s for its insert"


def _recommendation(figures: Figures) -> Iterator[Row]:
    for database, profiles in figures.items():
        for profile, measured in profiles.items():
            if "recommendation" not in measured:
                continue
            town, district = (
                measured["recommendation"]["town"],
                measured["recommendation"]["district"],
            )
            yield _at_most(
                f"Vacancy recommendation: p95 over a district pool ({district['candidates']:,}) "
                f"/ a town pool ({town['candidates']:,}) ({database}, {profile})",
                f"{district['p95_ms']:.1f} ms vs {town['p95_ms']:.1f} ms",
                district["p95_ms"] / town["p95_ms"],
                2.0,
            )
            reviewed = measured["recommendation"].get("reviewed")
            if reviewed:
                yield Row(
                    f"Vacancy recommendation, every town reserve reviewed and passed "
                    f"({reviewed['candidates']:,}, {reviewed['ranked']:,} ranked): p95, and a "
                    f"candidate's share ({database}, {profile})",
                    f"p95 {reviewed['p95_ms']:.1f} ms, "
                    f"{reviewed['p95_ms'] / max(reviewed['candidates'], 1):.2f} ms a candidate",
                    reviewed["p95_ms"] / town["p95_ms"],
                    "report",
                    True,
                )


TARGETS = [
    Target("export", _export),
    Target("name search", _absolute("search", "Name search")),
    Target("name search scale", _scale("search", "Name search", 1.5)),
    Target("dashboard", _absolute("dashboard", "Dashboard server time")),
    Target("dashboard scale", _scale("dashboard", "Dashboard server time", 1.5)),
    Target("dashboard throughput", _throughput),
    Target("recommendation", _recommendation),
    Target("people import", _import("people_import", "People import (workbook)", 0.25)),
    Target("duty import", _import("duty_import", "Duty-record import (CSV)", 0.5)),
    Target(
        "duty import, indicators maintained",
        _import(
            "duty_import_verified",
            "Duty-record import (CSV), then verified whole: indicators maintained",
            0.3,
        ),
    ),
    Target("indicator recompute", _indicators),
    Target("verified record", _verified_record),
    Target(
        "verified record scale",
        _scale("verified_record", "One verified duty record", 1.2, part="service", statistic="p50"),
    ),
]


def evaluate(target: Target, figures: Figures) -> Iterator[Row]:
    return target.rows(figures)
