"""Browser libraries ship inside the package, never from a CDN (decision 0005)."""

import json
import re
from pathlib import Path

from django.contrib.staticfiles import finders

import houbei

ROOT = Path(__file__).resolve().parents[2]
ECHARTS = (
    Path(houbei.__file__).resolve().parent / "static" / "vendor" / "echarts" / "echarts.min.js"
)


def _pinned_version() -> str:
    return str(json.loads((ROOT / "package.json").read_text())["dependencies"]["echarts"])


def test_echarts_is_pinned_exactly_and_locked():
    version = _pinned_version()
    assert re.fullmatch(r"\d+\.\d+\.\d+", version), f"pin an exact version, not {version!r}"
    lock = json.loads((ROOT / "package-lock.json").read_text())
    assert lock["packages"]["node_modules/echarts"]["version"] == version


def test_the_shipped_echarts_is_the_full_minified_build_of_the_pinned_version():
    assert ECHARTS.is_file(), "built by hatch_build.py: run `make .venv/.dev` or `pip install -e .`"
    assert ECHARTS.stat().st_size > 500 * 1024
    assert f'"{_pinned_version()}"' in ECHARTS.read_text(encoding="utf-8")
    assert (ECHARTS.parent / "LICENSE").is_file()


def test_staticfiles_finders_find_echarts_and_the_chart_loader():
    found = finders.find("vendor/echarts/echarts.min.js")
    assert found is not None
    assert Path(str(found)).resolve() == ECHARTS
    assert finders.find("js/charts.js") is not None
