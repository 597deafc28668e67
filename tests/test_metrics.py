from datetime import date, timedelta

import pandas as pd
import pytest

from tfc_dash.figures import metrics


def timeline(rows: list[tuple[str, int, int]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["day", "started", "completed"])
    frame["day"] = pd.to_datetime(frame["day"])
    return frame


EMPTY = timeline([])


class TestPaceProjection:
    def test_hand_computed_case(self):
        # 100 started by 1 Sep; 40 of them in the 4 weeks before 29 Sep -> 10 a week.
        tl = timeline([("2018-08-01", 60, 0), ("2018-09-10", 40, 5)])
        pace = metrics.pace_projection(tl, date(2018, 9, 29), 500, date(2018, 11, 6))
        assert pace.total == 100
        assert pace.rate_per_week == pytest.approx(10.0)
        # 400 to go at 10 a week: 40 weeks = 280 days after 29 Sep 2018.
        assert pace.projected_date == date(2018, 9, 29) + timedelta(days=280)
        # 38 days left = 5.43 weeks; 400 / 5.43 = 73.7 a week.
        assert pace.needed_per_week == pytest.approx(400 / (38 / 7))
        assert not pace.on_track
        assert "after the deadline" in pace.summary()

    def test_window_edge_is_exclusive_of_the_day_four_weeks_back(self):
        tl = timeline([("2018-09-01", 10, 0), ("2018-09-02", 4, 0)])
        pace = metrics.pace_projection(tl, date(2018, 9, 29), 50, date(2018, 11, 6))
        # 1 Sep is exactly four weeks before: it belongs to the earlier total, not the window.
        assert pace.rate_per_week == pytest.approx(1.0)

    def test_zero_pace_never_reaches_the_goal(self):
        tl = timeline([("2018-01-01", 10, 0)])
        pace = metrics.pace_projection(tl, date(2018, 9, 1), 500, date(2018, 11, 6))
        assert pace.rate_per_week == 0
        assert pace.projected_date is None
        assert not pace.on_track
        assert "never" in pace.summary()

    def test_goal_already_reached(self):
        tl = timeline([("2018-09-01", 600, 0)])
        pace = metrics.pace_projection(tl, date(2018, 9, 14), 500, date(2018, 11, 6))
        assert pace.reached and pace.on_track
        assert pace.needed_per_week is None
        assert pace.projected_date == date(2018, 9, 14)
        assert metrics.projection_series(pace).empty

    def test_on_track_when_projection_lands_before_deadline(self):
        tl = timeline([("2018-09-01", 480, 0), ("2018-09-10", 10, 0)])
        pace = metrics.pace_projection(tl, date(2018, 9, 14), 500, date(2018, 11, 6))
        assert pace.on_track
        assert "before the deadline" in pace.summary()

    def test_empty_timeline(self):
        pace = metrics.pace_projection(EMPTY, date(2018, 9, 14), 500, date(2018, 11, 6))
        assert pace.total == 0 and pace.rate_per_week == 0 and pace.projected_date is None

    def test_after_the_deadline(self):
        tl = timeline([("2018-09-01", 300, 0)])
        pace = metrics.pace_projection(tl, date(2018, 12, 1), 500, date(2018, 11, 6))
        assert pace.needed_per_week is None
        assert "has passed" in pace.summary()
        assert metrics.projection_series(pace).empty

    def test_future_events_do_not_count(self):
        tl = timeline([("2018-09-01", 5, 0), ("2019-01-01", 100, 0)])
        pace = metrics.pace_projection(tl, date(2018, 9, 14), 500, date(2018, 11, 6))
        assert pace.total == 5


class TestBurnupSeries:
    def test_weekly_points_end_on_as_of(self):
        tl = timeline([("2018-01-01", 2, 0), ("2018-01-10", 3, 1), ("2018-01-20", 1, 2)])
        series = metrics.burnup_series(tl, date(2018, 1, 22))
        assert series["day"].iloc[-1] == pd.Timestamp("2018-01-22")
        assert series["day"].iloc[0] == pd.Timestamp("2018-01-01")
        assert list(series["started"]) == [2, 2, 5, 6]  # 1, 8, 15, 22 Jan
        assert list(series["completed"]) == [0, 0, 1, 3]

    def test_empty_timeline_gives_one_zero_point(self):
        series = metrics.burnup_series(EMPTY, date(2018, 9, 14))
        assert len(series) == 1
        assert series["started"].iloc[0] == 0

    def test_one_row(self):
        series = metrics.burnup_series(timeline([("2018-09-14", 1, 0)]), date(2018, 9, 14))
        assert list(series["started"]) == [1]

    def test_events_after_as_of_are_left_out(self):
        tl = timeline([("2018-09-01", 1, 0), ("2018-10-01", 7, 0)])
        series = metrics.burnup_series(tl, date(2018, 9, 14))
        assert series["started"].max() == 1


def test_projection_series_lines():
    pace = metrics.pace_projection(
        timeline([("2018-08-20", 100, 0)]), date(2018, 9, 14), 500, date(2018, 11, 6)
    )
    proj = metrics.projection_series(pace)
    assert set(proj["line"]) == {"Trailing 4-week pace", "Pace needed"}
    needed = proj[proj["line"] == "Pace needed"]
    assert list(needed["projects"]) == [100, 500]
    assert needed["day"].max() == pd.Timestamp("2018-11-06")


def counts(rows):
    frame = pd.DataFrame(rows, columns=["state", "category", "started", "completed"])
    frame["active"] = frame["started"] - frame["completed"]
    return frame


class TestScorecards:
    def test_values_and_deltas(self):
        now = counts([("VA", "digital_basics", 10, 4), ("PA", "social_digital", 5, 1)])
        before = counts([("VA", "digital_basics", 6, 2)])
        reach_now = {"campaigns": 7, "states": 2, "volunteers": 40}
        reach_before = {"campaigns": 4, "states": 1, "volunteers": 25}
        cards = {c.label: c for c in metrics.progress_scorecards(now, before, reach_now,
                                                                 reach_before, 500)}  # fmt: skip
        assert (cards["Projects started"].value, cards["Projects started"].delta) == (15, 9)
        assert cards["Projects started"].suffix == " of 500"
        assert (cards["Projects completed"].value, cards["Projects completed"].delta) == (5, 3)
        assert (cards["Projects active"].value, cards["Projects active"].delta) == (10, 6)
        assert (cards["Campaigns supported"].value, cards["Campaigns supported"].delta) == (7, 3)
        assert (cards["States reached"].value, cards["States reached"].delta) == (2, 1)
        assert (cards["Ever placed"].value, cards["Ever placed"].delta) == (40, 15)

    def test_empty_counts(self):
        empty = counts([])
        zero = {"campaigns": 0, "states": 0, "volunteers": 0}
        cards = metrics.progress_scorecards(empty, empty, zero, zero, None)
        assert all(c.value == 0 and c.delta == 0 for c in cards)
        assert cards[0].suffix == ""


class TestBreakdown:
    def test_by_category_long_format_largest_first(self):
        frame = counts(
            [("VA", "digital_basics", 3, 1), ("PA", "digital_basics", 2, 2),
             ("VA", "social_digital", 9, 0)]
        )  # fmt: skip
        long = metrics.breakdown(frame, "category")
        assert list(long.columns) == ["category", "label", "status", "projects", "total"]
        first = long.iloc[0]
        assert first["category"] == "social_digital" and first["total"] == 9
        dig = long[(long["category"] == "digital_basics")].set_index("status")["projects"]
        assert dig["Completed"] == 3 and dig["Active"] == 2
        assert "Digital basics" in set(long["label"])

    def test_by_state(self):
        long = metrics.breakdown(counts([("VA", "digital_basics", 3, 1)]), "state")
        assert set(long["label"]) == {"VA"}

    def test_empty(self):
        assert metrics.breakdown(counts([]), "state").empty
