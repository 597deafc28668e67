"""Small formatting helpers shared by pages, charts and exports."""

from __future__ import annotations

import re
from datetime import date


def day_label(day: date) -> str:
    """``6 Nov 2018``: no leading zero, the month spelled short."""
    return f"{day.day} {day:%b %Y}"


def plural(n: int, word: str, many: str | None = None) -> str:
    """``1 volunteer``, ``1,200 volunteers`` (``many`` when adding an s is wrong)."""
    return f"{n:,} {word if n == 1 else (many or word + 's')}"


# Streamlit renders titles, captions, alerts, metric labels, help tooltips, expander and status
# labels and segmented-control options with react-markdown, remark-gfm and plugins of its own
# (frontend/lib/src/components/shared/StreamlitMarkdown). Two kinds of construct must be defused:
#
# * Syntax (emphasis, code, links, images, HTML and entities, headings, tables, LaTeX): the
#   characters that open or close it inside a line are backslash-escaped, as CommonMark allows
#   for any ASCII punctuation; so is a list marker at the start (``- x``, ``+ x``, ``1. x``), the
#   one place a value can start a block (newlines are folded into spaces).
# * Text rewrites, which run on the text *after* escapes are resolved, so escaping cannot stop
#   them: GFM's bare-URL links (``https://``, ``www.``, ``a@b.example``), emoji shortcodes
#   (``:smile:``), ``:material/icon:``, ``:streamlit:`` (an image) and the typographic arrows
#   (``->``, ``--``, ``>=``). A WORD JOINER (U+2060, invisible, zero width) is put where each of
#   them needs two characters side by side, so none of their patterns matches.
_ESCAPED = frozenset("\\`*_{}[]()#!|~<>$&")
_BLOCK_START = re.compile(r"^(\d*)([-+=.)])")
WORD_JOINER = "\u2060"
_REWRITES = re.compile(
    r"(?<=:)(?=[\w+/:\-])"  # http: https: :smile: :+1: :material/ :streamlit: :red[
    r"|(?<=www)(?=\.)"  # www.example
    r"|(?<=@)"  # bob@example.org
    r"|(?<=[<>~\-])(?=[\->=])",  # -> <- <-> -- >= <= ~=
    re.IGNORECASE,
)
# Bidirectional embeddings, overrides and isolates: a value could reverse the text after it.
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
_WHITESPACE = re.compile(r"[ \t\r\n\f\v]+")  # a newline could start a list or a heading
MAX_SHOWN = 2000  # characters; longer values end with an ellipsis (the CSVs keep them whole)


def md_escape(value: object) -> str:
    """``value`` as literal text inside Streamlit markdown: the one way data reaches a page.

    Values from the spreadsheet, a CSV file or a link are shown as the characters they are: a
    candidate named ``**Bob**``, ``<img src=x>`` or ``https://example.org`` shows those
    characters and formats, links, loads and runs nothing. Runs of whitespace become one space,
    bidirectional controls are dropped, and a value longer than ``MAX_SHOWN`` is cut.
    """
    text = _WHITESPACE.sub(" ", _BIDI_CONTROLS.sub("", str(value))).strip()
    if len(text) > MAX_SHOWN:
        text = text[: MAX_SHOWN - 1] + "…"
    text = _REWRITES.sub(WORD_JOINER, text)
    text = "".join(f"\\{ch}" if ch in _ESCAPED else ch for ch in text)
    return _BLOCK_START.sub(r"\1\\\2", text)
