"""Small formatting helpers shared by pages, charts and exports."""

from __future__ import annotations

import re
from datetime import date


def day_label(day: date) -> str:
    """``6 Nov 2018``: no leading zero, the month spelled short."""
    return f"{day.day} {day:%b %Y}"


# Any ASCII punctuation may be backslash-escaped in CommonMark; these are the characters that
# start formatting inside a line of Streamlit's markdown: emphasis, code, links and images,
# headings, tables, LaTeX ($), colour and emoji directives (:), raw HTML (<) and entities (&).
_MARKDOWN_SPECIAL = set("\\`*_{}[]()#!|~<>$&")
# A colon starts a directive (":red[...]") or an emoji (":smile:") only before a letter or digit.
_DIRECTIVE = re.compile(r":(?=[0-9A-Za-z])")


def md_escape(value: object) -> str:
    """``value`` as literal text inside Streamlit markdown (titles, captions, alerts, labels).

    Values from the spreadsheet or a link are shown as the characters they are: a candidate
    named ``**Bob**`` or ``<img src=x>`` shows those characters, formats nothing and runs nothing.
    """
    text = "".join(f"\\{ch}" if ch in _MARKDOWN_SPECIAL else ch for ch in str(value))
    return _DIRECTIVE.sub(r"\\:", text).replace("\n", " ")
