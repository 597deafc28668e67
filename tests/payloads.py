"""Hostile values for the spreadsheet, a CSV file and a link, and the checks that they stay text.

``PAYLOAD`` packs every markdown construct Streamlit renders (links, images, HTML, scripts, bare
URLs and emails, colour directives, emoji and icon shortcodes, LaTeX, typographic arrows) with
right-to-left and zero-width characters; ``FORMULAS`` start the way a spreadsheet formula does;
``LONG`` is 100,000 characters. :func:`payload_workbook` puts them in every free-text cell of a
valid spreadsheet (and in a few bad cells, so they reach the quarantine too).
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from pathlib import Path
from typing import Any

from tests.fake_sheets import small_workbook

EVIL = "evil.example"
PAYLOAD = (
    "**bold** [click](https://evil.example/l) ![p](https://evil.example/p.png) "
    "<img src=https://evil.example/h.png onerror=alert(1)> "
    "<script>document.title='pwned'</script> https://evil.example/bare www.evil.example "
    "bob@evil.example :red[red] :smile: :material/home: :streamlit: $x^2$ a -> b "
    "\u202eRTL\u202c zero\u200bwidth\u200d"
)
FORMULAS = [
    '=HYPERLINK("https://evil.example/f","x")',
    "+SUM(1,2)",
    "-2+3",
    "@SUM(A1)",
    "\t=1+1",
    "\r=1+1",
]
FORMULA_START = tuple("=+-@\t\r")
LONG = "L" * 100_000
# The project ID of the issue: markdown in a key, shown in the project's caption.
PAYLOAD_PROJECT = "PX**b**[x](https://evil.example/id)![p](https://evil.example/p.png)"

# In the markdown source of an element, each of these would do something in Streamlit's renderer:
# the escaped forms are ``\*\*bold``, ``\[click``, ``https:\u2060//`` and so on.
ACTIVE = [
    r"(?<!\\)\*\*bold",
    r"(?<!\\)\*\*b\*",
    r"(?<!\\)\[(click|p|x)\]",
    r"(?<!\\)<(img|script)",
    r"https?:(?!\u2060)//evil",
    r"www(?!\u2060)\.evil",
    r"@(?!\u2060)evil",
    r":(?!\u2060)(red|smile|material|streamlit)\b",
    r"(?<!\\)\$x\^",
    r"a -(?!\u2060)\\?> b",
    "\u202e",
]


def active_markdown(source: str) -> list[str]:
    """The patterns of ``ACTIVE`` found in a markdown source: empty when it is all text."""
    return [pattern for pattern in ACTIVE if re.search(pattern, source)]


def payload_workbook() -> dict[str, list[list[Any]]]:
    """A valid spreadsheet whose free-text cells hold the payloads, plus bad rows holding them.

    Two campaigns, three projects (one with the issue's markdown project ID and a 100,000-
    character name), volunteers with payload names, skills and roles, outcomes with payload and
    formula metrics; and rows whose bad cells are payloads and formulas, for the quarantine.
    """
    tabs = small_workbook()
    campaigns, projects, volunteers = tabs["Campaigns"], tabs["Projects"], tabs["Volunteers"]
    campaigns[0].append("seat_held_by")
    campaigns[1][1:3] = [PAYLOAD, PAYLOAD]  # candidate, party
    campaigns[1].append(PAYLOAD)
    campaigns[2][1] = FORMULAS[0]
    campaigns[2].append(FORMULAS[1])
    projects[1][2] = PAYLOAD
    projects[2][2] = FORMULAS[0]
    projects.append(
        [PAYLOAD_PROJECT, "C2", LONG, "engineering_data", "active", date(2018, 9, 3), None, None, 5]
    )
    volunteers[1][1] = PAYLOAD
    volunteers[2][1] = FORMULAS[3]
    volunteers[1][4] = f"sql, {PAYLOAD}"
    volunteers[2][4] = FORMULAS[2]
    # Bad rows: an email that is a payload, a state that is a formula.
    volunteers.append(["V000003", "Ed Fox", PAYLOAD, "VA", "sql", 5, date(2018, 3, 1), "active"])
    volunteers.append(["V000004", "Flo Gray", "flo@example.org", FORMULAS[0], "", 5,
                       date(2018, 3, 1), "active"])  # fmt: skip
    tabs["Assignments"][1][2] = PAYLOAD
    tabs["Assignments"][2][2] = FORMULAS[4]
    tabs["Assignments"].append([PAYLOAD_PROJECT, "V000001", FORMULAS[5], 3, date(2018, 9, 4), None])
    tabs["Outcomes"] += [
        ["P2", PAYLOAD, 5, date(2018, 9, 2)],
        ["P2", FORMULAS[0], 7, date(2018, 9, 2)],
        [PAYLOAD_PROJECT, "texts_sent", 300, date(2018, 9, 4)],
    ]
    tabs["Districts"][1][5] = PAYLOAD  # incumbent_party
    return tabs


def build_payload_store(folder: Path) -> str:
    """A SQLite store in ``folder`` filled through the real paths: a sync of the payload
    spreadsheet from the fake Sheets API over HTTP, then an import of the payload Districts CSV.
    Returns its URL."""
    from tests.fake_sheets import FakeSheetsServer, reader_for, spreadsheet_from_rows
    from tfc_dash.ingest import sync
    from tfc_dash.store import database

    url = f"sqlite:///{folder / 'tfc.db'}"
    engine = database.make_engine(url)
    with FakeSheetsServer() as fake:
        fake.add(spreadsheet_from_rows(payload_workbook()))
        report = sync.sync_sheets(engine, reader_for(fake))
    assert report.problems, "the payload spreadsheet has bad rows, for the quarantine"
    csv_file = folder / "districts.csv"
    csv_file.write_text(payload_districts_csv())
    sync.import_csv(engine, "Districts", csv_file)
    engine.dispose()
    return url


def payload_districts_csv() -> str:
    """A Districts tab as a CSV file, its text cells payloads, for ``import``."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["state", "chamber", "district", "winnability", "targeted", "incumbent_party",
                     "previous_margin"])  # fmt: skip
    writer.writerow(["VA", "lower", "13", 61.5, "yes", PAYLOAD, -0.043])
    writer.writerow(["VA", "lower", "14", 40, "no", FORMULAS[0], 0.1])
    writer.writerow(["VA", "lower", FORMULAS[1], 40, "no", "R", 0.1])  # bad: no such district
    writer.writerow(["VA", "lower", "15", 30, "no", LONG, "-0.2"])
    return out.getvalue()


def formula_cells(text: str) -> list[str]:
    """The cells of a CSV file that a spreadsheet would run as a formula.

    A cell may start with ``-`` when it is a number (a negative margin): spreadsheets read it
    as one, and that is what it is.
    """
    found = []
    for row in csv.reader(io.StringIO(text)):
        for cell in row:
            if cell.startswith(FORMULA_START) and not _is_number(cell):
                found.append(cell)
    return found


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True
