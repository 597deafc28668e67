"""The README's contract section says what tfc_dash.ingest.contract enforces."""

import re
from pathlib import Path

import pytest

from tfc_dash.ingest import contract

README = (Path(__file__).resolve().parent.parent / "README.md").read_text()
SECTION = README[README.index("## The spreadsheet contract") : README.index("## Layout")]


@pytest.mark.parametrize("tab", contract.TABS, ids=lambda t: t.name)
def test_every_column_is_documented_with_its_required_mark(tab):
    row = next(line for line in SECTION.splitlines() if line.startswith(f"| {tab.name} "))
    assert ("(optional)" in row) == tab.optional
    for column in tab.columns:
        mark = re.escape(column.name) + (r"\*" if column.required else r"(?!\*)")
        assert re.search(rf"\b{mark}", row), (tab.name, column.name)
        for choice in column.choices:
            assert choice in row


def test_every_alias_is_documented():
    spoken = contract.normalize_header(SECTION)
    for tab in contract.TABS:
        for column in tab.columns:
            for alias in column.aliases:
                assert contract.normalize_header(alias) in spoken, (tab.name, alias)


def test_headers_and_tab_names_match_loosely():
    assert contract.normalize_header(" Project  ID ") == "project_id"
    assert contract.find_tab("  projects ") is contract.PROJECTS
    assert contract.find_tab("district scores") is None
    assert contract.header_map(contract.VOLUNTEERS)["e_mail"] == "email"
