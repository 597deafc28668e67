"""One skill vocabulary for the demo, the figures and the matcher, however the sheet spells it."""

import pytest
import sqlalchemy as sa

from tfc_dash.figures import skills
from tfc_dash.ingest import demo


@pytest.mark.parametrize(
    ("cell", "parsed"),
    [
        ("python, sql", ("python", "sql")),
        ("SQL,Python", ("python", "sql")),
        ("Paid Ads, paid-ads ,paid_ads", ("paid_ads",)),
        ("Web Development", ("web_development",)),
        ("  , ,", ()),
        (None, ()),
        ("Knitting Circles", ("knitting_circles",)),
    ],
)
def test_parse_skills(cell, parsed):
    assert skills.parse_skills(cell) == parsed


def test_labels():
    assert skills.skill_label("web_development") == "Web development"
    assert skills.skill_label("sql") == "SQL"
    assert skills.skill_label("wordpress") == "WordPress"


def test_the_demo_uses_the_same_vocabulary():
    assert demo.SKILLS_BY_CATEGORY is skills.SKILLS_BY_CATEGORY
    assert demo.ALL_SKILLS == skills.ALL_SKILLS
    listed = {s for cell in demo.build_demo().frames["volunteers"]["skills"]
              for s in skills.parse_skills(cell)}  # fmt: skip
    assert listed == set(skills.ALL_SKILLS)


def test_skills_for_categories():
    assert skills.skills_for(("engineering_data",)) == (
        "data_science", "engineering", "python", "sql"
    )  # fmt: skip
    assert skills.skills_for(None) == skills.ALL_SKILLS


@pytest.mark.parametrize(
    ("cell", "wanted", "matches"),
    [
        ("python, sql", ["sql"], True),
        ("Python,SQL", ["sql"], True),
        ("nosql", ["sql"], False),
        ("sql server", ["sql"], False),
        ("Paid Ads", ["paid_ads"], True),
        ("paid-ads, video", ["paid_ads"], True),
        (None, ["sql"], False),
        ("sql", [], False),
    ],
)
def test_has_any_skill_in_sql(cell, wanted, matches):
    engine = sa.create_engine("sqlite://")
    column = sa.literal(cell, sa.String) if cell is not None else sa.null()
    with engine.connect() as conn:
        found = conn.execute(sa.select(skills.has_any_skill(column, wanted))).scalar()
    assert bool(found) is matches
