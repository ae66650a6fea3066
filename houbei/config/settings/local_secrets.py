"""Secrets for development and the demo, created on first use and kept in a local file.

The demo and a developer's checkout need no environment variables: the first start writes
``<data dir>/dev-secrets.json`` (readable by the owner only) and every later start reads it,
so sessions and encrypted fields survive restarts. Production never uses this module.
"""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path

from cryptography.fernet import Fernet


def load_or_create(path: Path) -> dict[str, str]:
    if path.exists():
        data: dict[str, str] = json.loads(path.read_text(encoding="utf-8"))
        return data
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {
        "secret_key": secrets.token_urlsafe(50),
        "field_key": Fernet.generate_key().decode("ascii"),
        "lookup_key": secrets.token_urlsafe(32),
    }
    # O_EXCL: two processes starting at once must not overwrite each other's keys.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        existing: dict[str, str] = json.loads(path.read_text(encoding="utf-8"))
        return existing
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(data, handle)
    return data
