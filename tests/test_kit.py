"""The fundraising kit: valid PNG and SVG files that carry their titles, headline numbers equal to
what the store holds, no personal data in any file, and what the kit says when data is missing."""

from __future__ import annotations

import re
from datetime import date
from functools import partial

import pytest
import sqlalchemy as sa

from tests import builders as b
from tests.dbtools import sqlite_value
from tests.kit_files import PNG_SIGNATURE, personal_data_in, png_size, svg_texts, volunteers
from tfc_dash.figures.filters import Filters
from tfc_dash.kit import drawing, fundraising_kit, headline, png_meta
from tfc_dash.store import database

AS_OF = date(2018, 9, 14)


@pytest.fixture(scope="module")
def demo_kit(sqlite_demo_engine):
    return fundraising_kit.build_kit(sqlite_demo_engine, Filters(cycle=2018), AS_OF)


def test_the_scan_finds_a_planted_name_and_email(demo_db_url):
    names, emails = volunteers(demo_db_url)
    files = {"a.csv": f"state,who\nVA,{names[5]}\n".encode(), "b.svg": emails[7].encode()}
    assert personal_data_in(files, names, emails) == [
        f"a.csv: {names[5]}",
        f"b.svg: {emails[7]}",
    ]


def test_no_personal_data_in_any_file(demo_kit, demo_db_url):
    names, emails = volunteers(demo_db_url)
    files = demo_kit.files()
    assert len(files) == 26  # 5 charts x (3 PNG sizes, SVG, CSV) and the headline
    assert personal_data_in(files, names, emails) == []


# --- the files -----------------------------------------------------------------------------------
def test_every_chart_is_ready_with_title_subtitle_and_source(demo_kit):
    assert [c.key for c in demo_kit.charts] == list(fundraising_kit.CHARTS)
    assert demo_kit.missing == []
    for chart in demo_kit.charts:
        assert chart.ready, chart.key
        assert chart.caption.title and chart.caption.subtitle
        assert "as of 14 Sep 2018" in chart.caption.source
        assert "DEMO DATA" in chart.caption.source  # a demo chart says so wherever it goes


@pytest.mark.parametrize("key", list(fundraising_kit.CHARTS))
def test_png_is_twice_the_svg_and_names_its_chart(demo_kit, key):
    chart = next(c for c in demo_kit.charts if c.key == key)
    root, texts = svg_texts(chart.svg)
    width, height = float(root.get("width")), float(root.get("height"))
    assert png_size(chart.png) == (round(2 * width), round(2 * height))
    assert width >= 700  # big enough for a social post
    assert chart.caption.title in texts and chart.caption.subtitle in texts
    assert chart.caption.source in texts
    assert png_meta.png_text(chart.png) == {
        "Title": chart.caption.title,
        "Description": chart.caption.subtitle,
        "Source": chart.caption.source,
    }


def test_titles_say_the_figures(demo_kit):
    titles = {c.key: c.caption.title for c in demo_kit.charts}
    assert re.fullmatch(r"Projects started: \d+ toward our goal of 500", titles["progress"])
    assert titles["races"] == "Races won: 12 of 15 decided; Seats flipped: 8"
    assert titles["states"] == "Projects started in 15 states"
    assert re.fullmatch(
        r"Raised in crowdfunding: \$[\d,]+ of our \$250,000 goal", titles["crowdfunding"]
    )


def test_the_same_figures_give_the_same_bytes(demo_engine, demo_kit):
    again = fundraising_kit.build_kit(demo_engine, Filters(cycle=2018), AS_OF)
    assert again.files() == demo_kit.files()


def test_files_are_named_by_chart_and_day(demo_kit, tmp_path):
    seen = []
    written = fundraising_kit.export_kit(
        demo_kit, tmp_path, progress=lambda d, t, n: seen.append((d, t, n))
    )
    names = sorted(p.name for p in written)
    assert "tfc-headline-2018-09-14.txt" in names
    assert "tfc-races-2018-09-14.png" in names and "tfc-races-2018-09-14.svg" in names
    assert "tfc-races-2018-09-14-1200x675.png" in names
    assert "tfc-races-2018-09-14-1080x1080.png" in names
    assert seen[-1][:2] == (26, 26)
    for path in written:
        assert path.read_bytes() == demo_kit.files()[path.name]


# --- the headline --------------------------------------------------------------------------------
def test_headline_numbers_equal_the_store(demo_kit, demo_db_url):
    url, day = demo_db_url, AS_OF.isoformat()
    scope = "from projects p join campaigns c using (campaign_id) where p.status in "
    scope += "('active','completed') and p.start_date <= ?"
    projects = sqlite_value(url, f"select count(*) {scope}", day)
    campaigns = sqlite_value(url, f"select count(distinct c.campaign_id) {scope}", day)
    states = sqlite_value(url, f"select count(distinct c.state) {scope}", day)
    volunteers = sqlite_value(
        url,
        f"select count(distinct a.volunteer_id) from assignments a where a.start_date <= ? and "
        f"a.project_id in (select p.project_id {scope})",
        day, day,
    )  # fmt: skip
    # A race is decided from its election day on (rules.py).
    won, decided, flipped = (
        sqlite_value(url, f"select count(*) from campaigns where result = 'won' and "
                     f"election_date <= ? and campaign_id in (select c.campaign_id {scope})",
                     day, day),
        sqlite_value(url, f"select count(*) from campaigns where result in ('won','lost') and "
                     f"election_date <= ? and campaign_id in (select c.campaign_id {scope})",
                     day, day),
        sqlite_value(url, f"select count(*) from campaigns where result = 'won' and party <> "
                     f"seat_held_by and election_date <= ? and campaign_id in "
                     f"(select c.campaign_id {scope})", day, day),
    )  # fmt: skip
    pending = sqlite_value(
        url, f"select count(*) from campaigns where result is not 'withdrawn' and not "
             f"(election_date <= ? and result in ('won','lost')) and campaign_id in "
             f"(select c.campaign_id {scope})", day, day,
    )  # fmt: skip
    withdrawn = sqlite_value(
        url, f"select count(*) from campaigns where result = 'withdrawn' and campaign_id in "
             f"(select c.campaign_id {scope})", day,
    )  # fmt: skip
    started_2018 = sqlite_value(url, f"select count(*) {scope} and c.cycle = 2018", day)
    raised = sqlite_value(
        url, "select raised_usd from fundraising where date <= ? order by date desc", day
    )
    backers = sqlite_value(
        url, "select backers from fundraising where date <= ? order by date desc", day
    )
    deadline = sqlite_value(url, "select deadline from goals where metric = 'crowdfunding_usd'")
    days = (date.fromisoformat(deadline) - AS_OF).days
    assert demo_kit.headline == (
        f"DEMO DATA, NOT REAL: Since 2017, every cycle: Projects started: {projects:,}; "
        f"Campaigns supported: {campaigns:,}; States reached: {states}; Ever placed: "
        f"{volunteers:,} volunteers. Races won: {won} of {decided} decided; Races lost: "
        f"{decided - won}; Seats flipped: {flipped}; Races pending: {pending}; Races withdrawn: "
        f"{withdrawn}. Goal for the 2018 cycle: Projects started: {started_2018} of 500 by 6 Nov "
        f"2018. Raised in crowdfunding: ${raised:,.0f} of our $250,000 goal from {backers:,} "
        f"backers, {days} days left. (As of 14 Sep 2018.)"
    )
    assert (won, decided, flipped) == (12, 15, 8)


@pytest.mark.parametrize(
    ("facts", "expected"),
    [
        (
            headline.HeadlineFacts(date(2018, 9, 14), 1, 1, 1, 1),
            "Every cycle: Projects started: 1; Campaigns supported: 1; States reached: 1; Ever "
            "placed: 1 volunteer. (As of 14 Sep 2018.)",
        ),
        (
            headline.HeadlineFacts(date(2018, 11, 1), 510, 200, 14, 900, since=2018,
                                   goal_target=500, goal_started=510, goal_cycle=2018,
                                   raised=260_000.4, raise_goal=250_000, days_left=0),
            "Since 2018, every cycle: Projects started: 510; Campaigns supported: 200; States "
            "reached: 14; Ever placed: 900 volunteers. Goal reached for the 2018 cycle: Projects "
            "started: 510 of 500. Raised in crowdfunding: $260,000 of our $250,000 goal, campaign "
            "ended. (As of 1 Nov 2018.)",
        ),
    ],
)  # fmt: skip
def test_headline_text(facts, expected):
    assert headline.headline_text(facts) == expected


# --- bad input -----------------------------------------------------------------------------------
# A race for a seat the other party held, and counted digital projects started in June.
campaign = partial(b.campaign, held="R")
project = partial(b.project, category="digital_basics", start="2018-06-01", end=None, needed=None)
VOLUNTEERS = [{"volunteer_id": "V1", "name": "Ada Lovelace", "email": "ada@example.org",
               "signed_up": "2018-01-10"}]  # fmt: skip
FUNDS = [{"date": "2018-08-06", "raised_usd": 1000.0, "backers": 10, "goal_usd": 250000.0}]


def kit_for(make_store, as_of=AS_OF, **tables):
    engine = database.make_engine(make_store(**tables))
    return fundraising_kit.build_kit(engine, Filters(cycle=2018), as_of)


def by_key(bundle):
    return {c.key: c for c in bundle.charts}


def test_no_fundraising_rows(make_store):
    bundle = kit_for(
        make_store, campaigns=[campaign("C1")], projects=[project("P1", "C1")],
        volunteers=VOLUNTEERS,
    )  # fmt: skip
    charts = by_key(bundle)
    assert "no crowdfunding figures" in charts["crowdfunding"].missing
    assert "Fundraising tab" in charts["crowdfunding"].missing
    assert not charts["crowdfunding"].ready
    assert charts["progress"].ready and charts["states"].ready and charts["volunteers"].ready
    assert "$" not in bundle.headline
    assert not any(name.startswith("tfc-crowdfunding") for name in bundle.files())
    assert any("Crowdfunding: no crowdfunding figures" in m for m in bundle.missing)


def test_no_fundraising_table(make_store):
    url = make_store(campaigns=[campaign("C1")], projects=[project("P1", "C1")])
    engine = database.make_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("drop table fundraising"))
    bundle = fundraising_kit.build_kit(engine, Filters(cycle=2018), AS_OF)
    charts = by_key(bundle)
    assert "no fundraising table" in charts["crowdfunding"].missing
    assert charts["progress"].ready and charts["races"].ready


def test_no_outcomes_yet(make_store):
    bundle = kit_for(
        make_store, campaigns=[campaign("C1"), campaign("C2")],
        projects=[project("P1", "C1"), project("P2", "C2")],
        fundraising=[FUNDS[0] | {"goal_usd": None}],
    )  # fmt: skip
    races = by_key(bundle)["races"]
    assert races.ready and races.caption.title == "Supported races: 2, results to come"
    assert "won" not in bundle.headline and "Races pending: 2." in bundle.headline
    funds = by_key(bundle)["crowdfunding"].caption  # no goal and no end date in the store
    assert funds.subtitle.endswith("no goal in the data") and "days left" not in funds.subtitle
    assert funds.title == "Raised in crowdfunding: $1,000"


def test_nothing_started_yet(make_store):
    bundle = kit_for(
        make_store, campaigns=[campaign("C1")],
        projects=[project("P1", "C1", status="scoping", start=None)],
        fundraising=FUNDS,
    )  # fmt: skip
    charts = by_key(bundle)
    for key in ("progress", "volunteers", "states", "races"):
        assert charts[key].missing and not charts[key].ready, key
    assert charts["crowdfunding"].ready  # the rest is still offered
    assert bundle.headline.startswith(
        "Every cycle: Projects started: 0; Campaigns supported: 0; States reached: 0;"
    )
    assert set(bundle.files()) == {
        "tfc-headline-2018-09-14.txt",
        "tfc-crowdfunding-2018-09-14.png",
        "tfc-crowdfunding-2018-09-14-1200x675.png",
        "tfc-crowdfunding-2018-09-14-1080x1080.png",
        "tfc-crowdfunding-2018-09-14.svg",
        "tfc-crowdfunding-2018-09-14.csv",
        "tfc-progress-2018-09-14.csv",
    }


def test_a_chart_that_cannot_be_drawn(make_store, monkeypatch):
    def broken(spec, scale=1):
        raise ValueError("Vega-Lite to PNG conversion failed:\nError: something")

    monkeypatch.setattr(drawing.vlc, "svg_to_png", broken)
    bundle = kit_for(make_store, campaigns=[campaign("C1")], projects=[project("P1", "C1")])
    charts = by_key(bundle)
    assert "could not be drawn (Vega-Lite to PNG conversion failed:)" in charts["states"].missing
    assert bundle.headline  # the headline does not need the charts


def test_a_state_view_has_no_program_wide_goal_or_signups(demo_engine):
    bundle = fundraising_kit.build_kit(demo_engine, Filters(cycle=2018, states=("PA",)), AS_OF)
    charts = by_key(bundle)
    assert "program-wide goal is 500" in charts["progress"].caption.subtitle
    assert list(charts["volunteers"].data.columns) == ["day", "placed"]
    assert charts["states"].caption.title == "Projects started in Pennsylvania"
    assert "· Pennsylvania ·" in charts["states"].caption.source
    assert "Goal for" not in bundle.headline and "Goal reached" not in bundle.headline


# --- posting sizes ------------------------------------------------------------------------------
@pytest.mark.parametrize("state", [None, "VA"])
@pytest.mark.parametrize("size", [drawing.CURRENT, *drawing.SIZES])
def test_every_png_has_the_exact_size_for_one_state_or_all(demo_engine, state, size):
    view = Filters(cycle=2018, states=(state,) if state else None)
    bundle = fundraising_kit.build_page_kit(demo_engine, view, AS_OF)
    ready = [c for c in bundle.charts if c.ready]
    assert len(ready) >= 4
    for chart in ready:
        png = drawing.chart_png(chart, size)
        assert png[:8] == PNG_SIGNATURE
        if size == drawing.CURRENT:  # the wide chart: twice its SVG
            root, _ = svg_texts(chart.svg)
            expected = (round(2 * float(root.get("width"))), round(2 * float(root.get("height"))))
        else:
            expected = (drawing.SIZES[size].width, drawing.SIZES[size].height)
        assert png_size(png) == expected, (chart.key, size)
        assert png_meta.png_text(png)["Title"] == chart.caption.title


def test_a_state_kit_says_the_state_and_keeps_cycle_colours(demo_engine):
    one = fundraising_kit.build_page_kit(demo_engine, Filters(states=("VA",)), AS_OF)
    every = fundraising_kit.build_page_kit(demo_engine, Filters(), AS_OF)
    assert one.scope == "Virginia"
    states = next(c for c in one.charts if c.key == "states")
    assert states.caption.title == "Projects started in Virginia"
    assert "Virginia" in states.caption.source and "· VA" not in states.caption.source

    def colours(chart) -> dict[str, str]:
        found = {}
        for layer in chart.spec["vconcat"][0]["layer"]:
            color = layer.get("encoding", {}).get("color", {})
            if color.get("field") == "cycle":
                found |= dict(zip(color["scale"]["domain"], color["scale"]["range"], strict=True))
        return found

    def legends(chart) -> list:
        return [
            layer["encoding"]["color"].get("legend", {})
            for layer in chart.spec["vconcat"][0]["layer"]
            if layer.get("encoding", {}).get("color", {}).get("field") == "cycle"
        ]

    whole = next(c for c in every.charts if c.key == "states")
    shared = set(colours(states)) & set(colours(whole))
    assert shared and all(colours(states)[c] == colours(whole)[c] for c in shared)
    assert legends(states) == [None]  # one state: the cycles are on the axis, no legend
    assert all(legend.get("orient") == "top" for legend in legends(whole))  # above the bars
