"""Chart code names its colours: the theme (tfc_dash/charts/theme.py) holds every hex value and
gives each palette colour a name, so no chart writes ``palette[3]`` or ``"#F5B82E"``."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from tfc_dash.charts import theme

CHARTS = Path(theme.__file__).resolve().parent
HEX = re.compile(r"#[0-9A-Fa-f]{3}(?:[0-9A-Fa-f]{3})?(?:[0-9A-Fa-f]{2})?\b")


def unnamed_colours(source: str) -> list[str]:
    """Hex colours in string literals and indexes into a palette, with their lines."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            found += [f"{node.lineno}: {m}" for m in HEX.findall(node.value)]
        elif (
            isinstance(node, ast.Subscript)
            and isinstance(node.value, ast.Attribute)
            and node.value.attr == "palette"
        ):
            found.append(f"{node.lineno}: {ast.unparse(node)}")
    return found


@pytest.mark.parametrize(
    "path", sorted(p for p in CHARTS.glob("*.py") if p.name != "theme.py"), ids=lambda p: p.name
)
def test_chart_code_names_its_colours(path):
    assert unnamed_colours(path.read_text()) == []


def test_the_check_finds_a_hex_colour_and_a_palette_index():
    source = 'colours = [b.palette[3], "#B00020", "fill:#fff", b.yellow, "#1"]\n'
    assert unnamed_colours(source) == ["1: b.palette[3]", "1: #B00020", "1: #fff"]


def test_the_named_colours_are_the_configured_palette():
    b = theme.brand()
    assert (b.primary, b.accent, b.positive, b.yellow, b.purple, b.grey) == b.palette[:6]
    assert b.series == list(b.palette)
