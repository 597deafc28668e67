"""Reading the files the fundraising kit and the digest make: PNG sizes, SVG text, and whether a
volunteer's name or email is in any of them."""

from __future__ import annotations

import re
import struct
from xml.etree import ElementTree

from tests.dbtools import sqlite_rows

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
SVG = "{http://www.w3.org/2000/svg}"


def png_size(png: bytes) -> tuple[int, int]:
    assert png[:8] == PNG_SIGNATURE and png[12:16] == b"IHDR"
    return struct.unpack(">II", png[16:24])


def svg_texts(svg: bytes) -> tuple[ElementTree.Element, list[str]]:
    root = ElementTree.fromstring(svg)
    return root, ["".join(el.itertext()) for el in root.iter(f"{SVG}text")]


def volunteers(url: str) -> tuple[list[str], list[str]]:
    rows = sqlite_rows(url, "select name, email from volunteers")
    return [r[0] for r in rows], [r[1] for r in rows]


def personal_data_in(files: dict[str, bytes], names: list[str], emails: list[str]) -> list[str]:
    """Every (file, name or email) where a volunteer's name or email appears in a file.

    Exact substring checks, made affordable by first keeping the names whose every word is a
    word of the file (emails: files with an ``@``).
    """
    found = []
    for file_name, data in files.items():
        text = data.decode("utf-8", errors="replace")
        lowered = text.lower()
        words = set(re.findall(r"[\w'-]+", lowered))
        for name in names:
            parts = re.findall(r"[\w'-]+", name.lower())
            if all(p in words for p in parts) and name.lower() in lowered:
                found.append(f"{file_name}: {name}")
        if "@" in text:
            found += [f"{file_name}: {e}" for e in emails if e.lower() in lowered]
    return found
