#!/usr/bin/env python3
"""Translation catalogues.

Simplified Chinese (zh_Hans) is written by hand. Traditional Chinese (zh_Hant) is derived
from it with OpenCC's s2tw (standard Traditional characters, no vocabulary changes), so the
two never drift apart; words that read better otherwise go in TRADITIONAL_OVERRIDES.

    python scripts/i18n.py update   # extract new strings, derive zh_Hant, compile .mo files
    python scripts/i18n.py check    # fail if a string is untranslated or a catalogue is stale
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import opencc
import polib

ROOT = Path(__file__).resolve().parents[1]
LOCALE = ROOT / "houbei" / "locale"
HANS = LOCALE / "zh_Hans" / "LC_MESSAGES" / "django.po"
HANT = LOCALE / "zh_Hant" / "LC_MESSAGES" / "django.po"
TRADITIONAL_OVERRIDES: dict[str, str] = {}
HEADER = {
    "Project-Id-Version": "houbei",
    "Content-Type": "text/plain; charset=UTF-8",
    "Content-Transfer-Encoding": "8bit",
    "Plural-Forms": "nplurals=1; plural=0;",
}


def _manage(*args: str) -> None:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "houbei.config.settings.test"}
    subprocess.run(  # noqa: S603 - fixed arguments, our own interpreter
        [sys.executable, "-m", "houbei", *args], cwd=ROOT / "houbei", env=env, check=True
    )


def _traditional(text: str, converter: opencc.OpenCC) -> str:
    converted = str(converter.convert(text))
    for simplified, traditional in TRADITIONAL_OVERRIDES.items():
        converted = converted.replace(simplified, traditional)
    return converted


def derive_traditional() -> polib.POFile:
    converter = opencc.OpenCC("s2tw")
    source = polib.pofile(str(HANS))
    target = polib.POFile()
    target.metadata = {**source.metadata, "Language": "zh_Hant"}
    for entry in source:
        if entry.obsolete:
            continue
        copy = polib.POEntry(
            msgid=entry.msgid,
            msgid_plural=entry.msgid_plural,
            msgctxt=entry.msgctxt,
            msgstr=_traditional(entry.msgstr, converter) if entry.msgstr else "",
            msgstr_plural={k: _traditional(v, converter) for k, v in entry.msgstr_plural.items()},
            flags=list(entry.flags),
        )
        target.append(copy)
    return target


def update() -> None:
    _manage("makemessages", "-l", "zh_Hans", "--no-obsolete", "--no-location")
    source = polib.pofile(str(HANS))
    source.metadata.update({**HEADER, "Language": "zh_Hans"})
    for entry in source:
        # msgmerge guesses translations of new strings from similar old ones ("fuzzy");
        # a guess is not a translation: clear it so the check reports the string.
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
            entry.msgstr = ""
            entry.msgstr_plural = dict.fromkeys(entry.msgstr_plural, "")
            entry.previous_msgid = entry.previous_msgid_plural = entry.previous_msgctxt = None
    source.save()
    HANT.parent.mkdir(parents=True, exist_ok=True)
    derive_traditional().save(str(HANT))
    _manage("compilemessages")


def _entries(catalogue: polib._BaseFile) -> set[tuple[str, str, str, tuple[tuple[int, str], ...]]]:
    return {
        (e.msgctxt or "", e.msgid, e.msgstr, tuple(sorted(e.msgstr_plural.items())))
        for e in catalogue
        if not e.obsolete and (e.msgstr or e.msgstr_plural) and "fuzzy" not in e.flags
    }


def check() -> int:
    problems: list[str] = []
    source = polib.pofile(str(HANS))
    for entry in source:
        translated = entry.msgstr or (entry.msgstr_plural and all(entry.msgstr_plural.values()))
        if not translated or "fuzzy" in entry.flags:
            problems.append(f"zh_Hans: untranslated: {entry.msgid!r}")
    expected = {
        (e.msgid, e.msgstr, tuple(sorted(e.msgstr_plural.items()))) for e in derive_traditional()
    }
    actual = {
        (e.msgid, e.msgstr, tuple(sorted(e.msgstr_plural.items())))
        for e in polib.pofile(str(HANT))
        if not e.obsolete
    }
    if expected != actual:
        problems.append("zh_Hant: out of date; run: python scripts/i18n.py update")
    for po_path in (HANS, HANT):
        mo_path = po_path.with_suffix(".mo")
        # Compare contents, not times: a fresh clone gives every file the same mtime.
        if not mo_path.exists() or _entries(polib.pofile(str(po_path))) != _entries(
            polib.mofile(str(mo_path))
        ):
            problems.append(
                f"{mo_path.relative_to(ROOT)}: not compiled; run: python scripts/i18n.py update"
            )
    for problem in problems:
        print(problem)
    return 1 if problems else 0


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "update"
    if command == "update":
        update()
    elif command == "check":
        sys.exit(check())
    else:
        sys.exit(__doc__)
