"""Every text key the mail code names exists in the catalogue, in both languages, with the
placeholders the code fills in (a typo would otherwise surface only on the rare error path)."""

from __future__ import annotations

import re
import string
from pathlib import Path

import icx.mail
from icx import i18n
from icx.mail.figures import HEADLINE
from icx.mail.send import DRAFT, FAILED, LOG_COLUMNS, SENT, SKIPPED

SOURCES = [
    *Path(icx.mail.__file__).parent.glob("*.py"),
    Path(icx.mail.__file__).parents[1] / "cli" / "commands" / "email.py",
    Path(icx.mail.__file__).parents[1] / "cli" / "commands" / "remind.py",
]


def _keys_in_code() -> set[str]:
    text = "\n".join(p.read_text(encoding="utf-8") for p in SOURCES)
    return set(re.findall(r'"(mail_[a-z0-9_]+)"', text))


def _fields(template: str) -> set[str]:
    """Placeholder names; 'label_en' counts as 'label' (a value given in each language)."""
    return {name.removesuffix("_en") for _, name, _, _ in string.Formatter().parse(template) if name}


def test_every_key_named_in_code_exists() -> None:
    messages, labels = i18n.section("messages"), i18n.section("labels")
    sections = set(i18n.catalogue())
    dynamic = (
        {f"mail_headline_{k}" for k in HEADLINE}
        | {f"mail_log_{c}" for c in LOG_COLUMNS}
        | {f"mail_status_{s}" for s in (SENT, FAILED, DRAFT, SKIPPED)}
        | {f"mail_kind_{k}" for k in ("summary", "feedback", "reminder")}
    )
    missing = sorted(
        k for k in _keys_in_code() | dynamic if k not in messages and k not in labels and k not in sections
    )
    assert missing == []


def test_both_languages_use_the_same_placeholders() -> None:
    for key, entry in i18n.section("messages").items():
        if key.startswith("mail_"):
            assert _fields(entry["zh"]) == _fields(entry["en"]), key
    for key, entry in i18n.section("labels").items():
        if key.startswith("mail_"):
            assert entry["zh"] and entry["en"], key
