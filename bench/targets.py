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
                f"Excel export {export['rows']:,} rows vs xlsxwriter ({database}, {profile})",
                f"{export['seconds']:.2f} s vs {export['floor_seconds']:.2f} s",
                export["seconds"] / export["floor_seconds"],
                2.0,
            )
            yield _at_most(
                f"Excel export peak memory, MB ({database}, {profile})",
                f"{export['peak_mb']:.0f} MB",
                export["peak_mb"] / 250,
                1.0,
            )


def _scale(key: str, title: str, limit: float) -> Callable[[Figures], Iterator[Row]]:
    """City p95 over district p95: the cost must not grow with the data."""

    def rows(figures: Figures) -> Iterator[Row]:
        for database, profiles in figures.items():
            if "district" not in profiles or "city" not in profiles:
                continue
            district, city = profiles["district"][key], profiles["city"][key]
            yield _at_most(
                f"{title}: p95 city / district ({database})",
                f"{city['p95_ms']:.1f} ms vs {district['p95_ms']:.1f} ms",
                city["p95_ms"] / district["p95_ms"],
                limit,
            )

    return rows


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


TARGETS = [
    Target("export", _export),
    Target("name search", _absolute("search", "Name search")),
    Target("name search scale", _scale("search", "Name search", 1.5)),
    Target("dashboard", _absolute("dashboard", "Dashboard server time")),
    Target("dashboard scale", _scale("dashboard", "Dashboard server time", 1.5)),
]


def evaluate(target: Target, figures: Figures) -> Iterator[Row]:
    return target.rows(figures)
