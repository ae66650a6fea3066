"""Backups: one archive holding the database and the private files (photos, evidence,
uploads, exports), with a manifest of SHA-256 checksums.

- SQLite: the online backup API copies a consistent snapshot while Houbei keeps running.
- PostgreSQL: ``pg_dump --format=custom``; restore with ``pg_restore --clean``.
A restore checks every checksum before it touches anything; a damaged archive changes nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection

FORMAT = 1


class BackupError(Exception):
    pass


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _pg_env_and_args() -> tuple[dict[str, str], list[str]]:
    data = connection.settings_dict
    env = {"PGPASSWORD": str(data.get("PASSWORD") or "")}
    args = [
        "--host", str(data.get("HOST") or "127.0.0.1"),
        "--port", str(data.get("PORT") or 5432),
        "--username", str(data.get("USER") or "postgres"),
        "--dbname", str(data["NAME"]),
    ]  # fmt: skip
    return env, args


def backup(destination: Path) -> Path:
    """Write a backup archive to ``destination`` (a folder or a .tar.gz path)."""
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M%S")
    archive = destination / f"houbei-backup-{stamp}.tar.gz" if destination.is_dir() else destination
    with tempfile.TemporaryDirectory() as work_dir:
        work = Path(work_dir)
        vendor = connection.vendor
        if vendor == "sqlite":
            database = work / "database.sqlite3"
            connection.ensure_connection()
            target = sqlite3.connect(database)
            with target:
                connection.connection.backup(target)
            target.close()
        elif vendor == "postgresql":
            database = work / "database.dump"
            env, args = _pg_env_and_args()
            subprocess.run(  # noqa: S603 - arguments come from settings, not from users
                [_tool("pg_dump"), "--format=custom", "--no-owner", "--file", str(database), *args],
                env={**_path_env(), **env},
                check=True,
                capture_output=True,
            )
        else:
            raise BackupError(f"backups of {vendor} databases are not supported")
        members = {database.name: _sha256(database)}
        media = Path(settings.MEDIA_ROOT)
        if media.is_dir():
            for path in sorted(p for p in media.rglob("*") if p.is_file()):
                members[f"media/{path.relative_to(media).as_posix()}"] = _sha256(path)
        manifest = {
            "format": FORMAT,
            "created": stamp,
            "database": vendor,
            "members": members,
        }
        (work / "manifest.json").write_text(json.dumps(manifest, indent=1, ensure_ascii=False))
        with tarfile.open(archive, "w:gz") as tar:
            tar.add(work / "manifest.json", arcname="manifest.json")
            tar.add(database, arcname=database.name)
            if media.is_dir():
                for name in members:
                    if name.startswith("media/"):
                        tar.add(media / name.removeprefix("media/"), arcname=name)
    return archive


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} is not installed (Debian package postgresql-client)")
    return found


def _path_env() -> dict[str, str]:
    import os

    return {"PATH": os.environ.get("PATH", "/usr/bin:/bin")}


def read_manifest(archive: Path) -> dict[str, Any]:
    with tarfile.open(archive, "r:gz") as tar:
        member = tar.extractfile("manifest.json")
        if member is None:
            raise BackupError("no manifest in the archive")
        manifest: dict[str, Any] = json.loads(member.read())
    return manifest


def restore(archive: Path) -> dict[str, Any]:
    """Replace the database and the private files with the archive's, after checking every
    checksum. Returns the manifest."""
    with tempfile.TemporaryDirectory() as work_dir:
        work = Path(work_dir)
        with tarfile.open(archive, "r:gz") as tar:
            tar.extractall(work, filter="data")  # no absolute paths, links or devices
        manifest = json.loads((work / "manifest.json").read_text())
        if manifest.get("format") != FORMAT:
            raise BackupError("unknown backup format")
        for name, expected in manifest["members"].items():
            path = work / name
            if not path.is_file() or _sha256(path) != expected:
                raise BackupError(f"{name}: checksum does not match; nothing was restored")
        if manifest["database"] != connection.vendor:
            raise BackupError(
                f"the backup is of a {manifest['database']} database, this is {connection.vendor}"
            )
        if connection.vendor == "sqlite":
            source = sqlite3.connect(work / "database.sqlite3")
            connection.ensure_connection()
            source.backup(connection.connection)
            source.close()
        else:
            env, args = _pg_env_and_args()
            connection.close()
            subprocess.run(  # noqa: S603 - arguments come from settings, not from users
                [
                    _tool("pg_restore"), "--clean", "--if-exists", "--no-owner",
                    "--single-transaction", *args, str(work / "database.dump"),
                ],
                env={**_path_env(), **env},
                check=True,
                capture_output=True,
            )  # fmt: skip
        media = Path(settings.MEDIA_ROOT)
        if (work / "media").is_dir():
            if media.exists():
                shutil.rmtree(media)
            shutil.copytree(work / "media", media)
    # Cached pages are keyed on the newest audit event's number, which the restored
    # database may repeat with other data behind it (reports/views.py).
    cache.clear()
    return dict(manifest)
