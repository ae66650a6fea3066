"""Hatchling build hook: ship Apache ECharts inside the package (docs/decisions/0005).

npm installs the exact versions locked in package-lock.json and the hook copies the browser
build and its licence files into houbei/static/vendor/echarts/. That folder is git-ignored and
listed as build artifacts in pyproject.toml, so `pip install .`, `pip install -e .` and
`python -m build` all ship it and no page loads ECharts from a CDN.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

VENDOR = Path("houbei", "static", "vendor", "echarts")

# Under node_modules/ -> under VENDOR. echarts.min.js bundles zrender (BSD-3-Clause) and code
# from d3 (BSD-3-Clause), whose notices must travel with it, as must Apache's NOTICE file.
FILES = {
    "echarts/dist/echarts.min.js": "echarts.min.js",
    "echarts/LICENSE": "LICENSE",
    "echarts/NOTICE": "NOTICE",
    "echarts/licenses/LICENSE-d3": "LICENSE-d3",
    "zrender/LICENSE": "LICENSE-zrender",
}


class CustomBuildHook(BuildHookInterface):
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        root = Path(self.root)
        lock = root / "package-lock.json"
        vendor = root / VENDOR
        targets = [vendor / name for name in FILES.values()]
        # Building a wheel from our sdist finds the files already there, with the lock's
        # (reproducible) timestamp: no npm is needed then.
        if all(t.exists() for t in targets) and lock.stat().st_mtime <= min(
            t.stat().st_mtime for t in targets
        ):
            return

        npm = shutil.which("npm")
        if npm is None:
            raise RuntimeError(
                "Building Houbei from source needs npm (Node.js 20 or later) to fetch ECharts "
                "as locked in package-lock.json; install npm, or install a built wheel instead."
            )
        self.app.display_info(f"Installing ECharts from package-lock.json into {VENDOR}")
        # --ignore-scripts: no package code runs at build time; we only copy files.
        subprocess.run(  # noqa: S603 - fixed arguments, npm found on PATH
            [npm, "ci", "--ignore-scripts", "--no-audit", "--no-fund"],
            cwd=root,
            check=True,
        )
        vendor.mkdir(parents=True, exist_ok=True)
        for source, name in FILES.items():
            # copyfile, not copy2: the copy must be newer than package-lock.json, and npm may
            # give unpacked files the tarball's old timestamps.
            shutil.copyfile(root / "node_modules" / source, vendor / name)
