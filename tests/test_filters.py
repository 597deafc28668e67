from datetime import date

import pytest

from tfc_dash.figures.filters import Filters, LinkState, link_params, make_filters, parse_link

CYCLES = ["2018", "2017", "all"]
STATES = ["PA", "VA"]
FIRST, LAST = date(2017, 7, 1), date(2018, 9, 14)


def parse(params):
    return parse_link(params, CYCLES, STATES, FIRST, LAST)


def test_empty_link_gives_defaults():
    link, notes = parse({})
    assert link == LinkState(cycle="2018")
    assert notes == []


def test_known_values_are_kept_case_insensitively():
    link, notes = parse(
        {"cycle": ["2017"], "state": ["va", "PA", "VA"], "category": ["social_digital"],
         "as_of": ["2018-03-01"]}
    )  # fmt: skip
    assert link == LinkState("2017", ("PA", "VA"), ("social_digital",), date(2018, 3, 1))
    assert notes == []


@pytest.mark.parametrize(
    ("params", "fragment"),
    [
        ({"state": ["ZZ"]}, "state='ZZ'"),
        ({"category": ["knitting"]}, "category='knitting'"),
        ({"cycle": ["1999"]}, "cycle='1999'"),
        ({"as_of": ["yesterday"]}, "not a date"),
        ({"as_of": ["2030-01-01"]}, "2017-07-01 (the first in the data) to 2018-09-14 (today)"),
    ],
)
def test_unknown_values_are_dropped_with_a_note(params, fragment):
    link, notes = parse(params)
    assert link == LinkState(cycle="2018")
    assert len(notes) == 1 and fragment in notes[0]


def test_a_bad_value_does_not_drop_the_good_ones():
    link, notes = parse({"state": ["VA", "ZZ"]})
    assert link.states == ("VA",)
    assert "ZZ" in notes[0]


def test_link_params_leave_defaults_out_and_round_trip():
    link = LinkState("2017", ("VA",), ("digital_basics",), date(2018, 1, 5))
    params = link_params(link, "2018", LAST)
    assert params == {"cycle": ["2017"], "state": ["VA"], "category": ["digital_basics"],
                      "as_of": ["2018-01-05"]}  # fmt: skip
    assert parse(params)[0] == link
    assert link_params(LinkState("2018", as_of=LAST), "2018", LAST) == {
        "cycle": [], "state": [], "category": [], "as_of": []
    }  # fmt: skip


def test_make_filters_treats_empty_as_all():
    assert make_filters("all", [], []) == Filters()
    f = make_filters("2018", ["va"], ["social_digital", "digital_basics"])
    assert f == Filters(2018, ("VA",), ("digital_basics", "social_digital"))
    assert not f.is_program_wide
    assert Filters(cycle=2018).is_program_wide


def test_describe():
    assert Filters(2018).describe() == "2018 cycle · all states · all categories"
    assert Filters(None, ("VA",), ()).describe().startswith("all cycles · VA")
