"""The skills volunteers list and the project categories that need them.

One vocabulary for the demo builder, the volunteer figures and the staffing matcher. The
spreadsheet's ``skills`` column is free text separated by commas, so every comparison goes
through :func:`skill_key`: ``"Paid Ads"``, ``"paid-ads"`` and ``"paid_ads"`` are the same skill.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.sql.elements import ColumnElement

SKILLS_BY_CATEGORY: dict[str, tuple[str, ...]] = {
    "digital_basics": ("web_development", "wordpress", "design", "copywriting"),
    "email_analytics": ("email_marketing", "analytics", "sql", "copywriting"),
    "social_digital": ("social_media", "paid_ads", "texting", "video", "design"),
    "engineering_data": ("data_science", "python", "sql", "engineering"),
}
ALL_SKILLS: tuple[str, ...] = tuple(sorted({s for v in SKILLS_BY_CATEGORY.values() for s in v}))
_ACRONYMS = {"sql": "SQL", "wordpress": "WordPress"}

_SEPARATORS = re.compile(r"[\s_\-]+")


def skill_key(text: str) -> str:
    """The form two spellings of one skill share: lower case, no spaces, dashes or underscores."""
    return _SEPARATORS.sub("", text.strip().lower())


_BY_KEY: dict[str, str] = {skill_key(s): s for s in ALL_SKILLS}


def canonical_skill(text: str) -> str:
    """The vocabulary's name for ``text`` (``"Paid Ads"`` -> ``paid_ads``), else a tidy form."""
    key = skill_key(text)
    return _BY_KEY.get(key) or _SEPARATORS.sub("_", text.strip().lower()).strip("_")


def parse_skills(text: Any) -> tuple[str, ...]:
    """The distinct skills in a comma-separated cell, canonical and sorted; () for a blank."""
    if not isinstance(text, str):
        return ()
    return tuple(sorted({canonical_skill(t) for t in text.split(",") if t.strip()}))


def skill_label(skill: str) -> str:
    """``web_development`` -> ``Web development``; ``sql`` -> ``SQL``."""
    if skill in _ACRONYMS:
        return _ACRONYMS[skill]
    words = skill.replace("_", " ")
    return words[:1].upper() + words[1:]


def skills_for(categories: Iterable[str] | None) -> tuple[str, ...]:
    """The skills the given categories need (every category when None), sorted."""
    chosen = (
        SKILLS_BY_CATEGORY
        if categories is None
        else {c: SKILLS_BY_CATEGORY[c] for c in categories if c in SKILLS_BY_CATEGORY}
    )
    return tuple(sorted({s for skills in chosen.values() for s in skills}))


def has_any_skill(column: ColumnElement[Any], skills: Iterable[str]) -> ColumnElement[bool]:
    """SQL: the comma-separated ``column`` lists at least one of ``skills``.

    The cell is folded the way :func:`skill_key` folds one skill and wrapped in commas, so a
    ``LIKE '%,sql,%'`` finds ``SQL`` but never ``nosql``. Plain LOWER/REPLACE: portable.
    """
    folded = sa.func.lower(sa.func.coalesce(column, ""))
    for char in (" ", "_", "-"):
        folded = sa.func.replace(folded, char, "")
    wrapped = sa.literal(",") + folded + sa.literal(",")
    keys = sorted({skill_key(s) for s in skills})
    if not keys:
        return sa.false()
    return sa.or_(*(wrapped.like(f"%,{key},%") for key in keys))
