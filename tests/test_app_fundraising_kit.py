"""The Fundraising kit page under AppTest: its downloads are the exported files byte for byte,
carry no personal data, and the page says what is missing while still offering the rest."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.apptest_helpers import downloads
from tests.dbtools import sqlite_rows
from tests.kit_files import PNG_SIGNATURE, personal_data_in, png_size, svg_texts, volunteers
from tfc_dash.cli import main
from tfc_dash.kit import drawing, fundraising_kit, png_meta

PAGE = "pages/fundraising_kit.py"


def test_page_offers_every_chart_and_the_headline(run_app, served):
    at = run_app(page=PAGE)
    assert not at.exception
    assert at.title[0].value == "Fundraising kit"
    assert len(at.get("image")) == 5
    files = downloads(at, served)
    assert len(files) == 16  # PNG, SVG and CSV per chart, and the headline
    headline = at.code[0].value
    assert files["tfc-headline-2018-09-14.txt"] == (headline + "\n").encode()
    assert at.code[0].proto.language == "plaintext"  # no highlighting; Streamlit adds a copy button
    assert any("do not publish" in el.value for el in at.warning)  # demo data
    for key in fundraising_kit.CHARTS:
        png = files[f"tfc-{key}-2018-09-14.png"]
        svg = files[f"tfc-{key}-2018-09-14.svg"]
        assert png[:8] == PNG_SIGNATURE
        root, texts = svg_texts(svg)
        assert png_size(png)[0] == round(2 * float(root.get("width")))
        assert png_meta.png_text(png)["Title"] in texts


def test_headline_numbers_equal_the_store(run_app, demo_db_url):
    at = run_app(page=PAGE, query={"cycle": "2017", "state": "VA"})
    assert not at.exception
    ((projects, campaigns),) = sqlite_rows(
        demo_db_url,
        "select count(*), count(distinct campaign_id) from projects join campaigns using "
        "(campaign_id) where state = 'VA' and status in ('active','completed')",
    )
    headline = at.code[0].value
    assert headline.startswith(
        f"DEMO DATA, NOT REAL: Since 2017, every cycle: Projects started: {projects}; "
        f"Campaigns supported: {campaigns}; States reached: 1; "
    )
    assert "Races won: 12 of 15 decided; Races lost: 3; Seats flipped: 8" in headline
    assert "Goal for" not in headline  # a state's view has no program-wide goal


def test_no_personal_data_in_any_download(run_app, served, demo_db_url):
    at = run_app(page=PAGE, query={"cycle": "all"})
    files = downloads(at, served)
    names, emails = volunteers(demo_db_url)
    assert len(files) == 16
    assert personal_data_in(files, names, emails) == []


@pytest.mark.parametrize(
    ("query", "args"),
    [
        ({}, []),
        ({"cycle": "2017", "as_of": "2018-03-01", "state": ["VA", "PA"]},
         ["--cycle", "2017", "--as-of", "2018-03-01", "--state", "VA", "--state", "PA"]),
    ],
)  # fmt: skip
def test_cli_export_writes_the_page_downloads(run_app, served, demo_db_url, tmp_path, query, args):
    at = run_app(page=PAGE, query=query)
    assert not at.exception
    page_files = downloads(at, served)
    for size in drawing.SIZES:  # each posting size picked on the page
        at.segmented_control(key="kit_png_size").set_value(size).run()
        assert not at.exception
        page_files |= downloads(at, served)
    assert main(["export", "--out", str(tmp_path), "--db", demo_db_url, *args]) == 0
    exported = {p.name: p.read_bytes() for p in Path(tmp_path).iterdir()}
    assert exported == page_files
    names, emails = volunteers(demo_db_url)
    assert personal_data_in(exported, names, emails) == []


def test_reruns_reuse_the_rendered_charts(run_app, monkeypatch):
    at = run_app(page=PAGE)
    calls = []
    original = drawing.vlc.vegalite_to_svg
    monkeypatch.setattr(
        drawing.vlc, "vegalite_to_svg", lambda *a, **k: calls.append(1) or original(*a, **k)
    )
    at.run()
    assert not at.exception and len(at.get("image")) == 5
    assert calls == []  # served from the cache, not drawn again


def test_missing_fundraising_still_offers_the_rest(run_app, served, make_store):
    url = make_store(
        campaigns=[{"campaign_id": "C1", "candidate": "A", "party": "D", "state": "PA",
                    "chamber": "lower", "district": "1", "election_date": "2018-11-06",
                    "cycle": 2018, "result": "pending", "seat_held_by": "R"}],
        projects=[{"project_id": "P1", "campaign_id": "C1", "name": "P", "category":
                   "digital_basics", "status": "active", "start_date": "2018-06-01"}],
        volunteers=[{"volunteer_id": "V1", "name": "Ada Lovelace", "email": "ada@example.org",
                     "signed_up": "2018-06-01"}],
        assignments=[{"project_id": "P1", "volunteer_id": "V1", "start_date": "2018-06-02"}],
    )  # fmt: skip
    at = run_app(page=PAGE, url=url)
    assert not at.exception
    notice = next(el.value for el in at.info if "Not in the kit today" in el.value)
    assert "Crowdfunding: no crowdfunding figures" in notice and "The rest is ready" in notice
    assert any("Not available: no crowdfunding figures" in el.value for el in at.info)
    files = downloads(at, served)
    assert "tfc-progress-2018-06-02.png" in files and "tfc-races-2018-06-02.svg" in files
    assert not any(name.startswith("tfc-crowdfunding") for name in files)
    assert len(at.get("image")) == 4
    assert personal_data_in(files, ["Ada Lovelace"], ["ada@example.org"]) == []


@pytest.mark.parametrize("query", [{}, {"state": "VA", "cycle": "2017"}])
def test_the_picked_size_is_the_downloaded_png(run_app, served, query):
    at = run_app(page=PAGE, query=query)
    for key, size in drawing.SIZES.items():
        at.segmented_control(key="kit_png_size").set_value(key).run()
        files = downloads(at, served)
        pngs = {n: d for n, d in files.items() if n.endswith(f"{size.suffix}.png")}
        assert len(pngs) == sum(
            1 for c in fundraising_kit.CHARTS if f"tfc-{c}-2018-09-14.svg" in files
        )
        assert {png_size(d) for d in pngs.values()} == {(size.width, size.height)}
        assert len(at.get("image")) == len(pngs)  # the previews show that size's layout


def test_a_state_kit_names_the_state(run_app):
    at = run_app(page=PAGE, query={"state": "VA", "cycle": "2017"})
    assert at.caption[0].value.startswith("Virginia, every cycle")
