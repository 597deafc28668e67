"""Coverage of the state legislatures: which districts are targeted, covered by a project, won.

Terms, as the States page uses them:

* A **race** is a program campaign for a state legislative seat (chamber ``lower`` or ``upper``)
  that has at least one project started by the as-of date (active or completed; see
  :mod:`tfc_dash.figures.queries`). Withdrawn campaigns are not races.
* A district is **covered** when a race is run in it.
* A race is **decided** once its election date is on or before the as-of date: before that its
  result is pending, whatever the store says. A won race **flipped** its seat when the party
  that held the seat before the election (``seat_held_by``) is not the candidate's party.
* A district's **status** is the first that applies of: Won, Lost (a decided race), Active
  project (a race not yet decided), Targeted, no project (the data squad's target) and Not
  targeted.

District names are compared with the chamber's districts from
:mod:`tfc_dash.figures.reference`; rows that name a district the chamber does not have are
reported by :func:`district_problems` and left out of every figure.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

import openstates_metadata
import pandas as pd
import sqlalchemy as sa

from tfc_dash.core.catalogue import Scorecard, scorecard
from tfc_dash.core.text import md_escape
from tfc_dash.figures import reference, rules
from tfc_dash.figures.filters import FIFTY_STATES, STATE_NAMES, Filters
from tfc_dash.figures.queries import (
    campaign_conditions,
    started_project_conditions,
    volunteers_placed,
)
from tfc_dash.store.database import Bind, read_frame
from tfc_dash.store.models import C, D, P

LEGISLATIVE: tuple[str, ...] = ("lower", "upper")

WON, LOST, PROJECT, TARGETED, NOT_TARGETED = (
    "Won",
    "Lost",
    "Active project",
    "Targeted, no project",
    "Not targeted",
)
STATUSES: tuple[str, ...] = (WON, LOST, PROJECT, TARGETED, NOT_TARGETED)

RACE_COLUMNS = [
    "campaign_id", "state", "chamber", "district", "candidate", "party", "cycle",
    "election_date", "result", "vote_share", "seat_held_by", "projects", "volunteers",
]  # fmt: skip


# --- names ---------------------------------------------------------------------------------------
def normalize_district(name: object) -> str:
    """A district name as the reference spells it: ``" 013 "`` and ``13.0`` are ``"13"``."""
    text = str(name).strip()
    if re.fullmatch(r"\d+(\.0+)?", text):
        return str(int(float(text)))
    return text


def district_sort_key(name: str) -> tuple[Any, ...]:
    """Number order: ``2`` before ``10``, ``1A`` before ``1B`` before ``2``."""
    parts = re.split(r"(\d+)", name.lower())
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in parts if p)


def district_label(name: str) -> str:
    """``District 13``, ``District 1A``; names that are words (``Belknap 1``) stay as they are."""
    return f"District {name}" if name[:1].isdigit() or len(name) <= 2 else name


@lru_cache(maxsize=1)
def _chamber_names() -> dict[tuple[str, str], str]:
    # openstates-metadata names most lower chambers just "House"; its members' title tells a
    # House of Delegates (Virginia, Maryland, West Virginia) from a House of Representatives.
    names: dict[tuple[str, str], str] = {}
    for abbr in FIFTY_STATES:
        for c in openstates_metadata.lookup(abbr=abbr.lower()).chambers:
            name = c.name
            if name == "House":
                name = "House of Delegates" if c.title == "Delegate" else "House of Representatives"
            key = "upper" if c.chamber_type == "unicameral" else c.chamber_type
            names[(abbr, key)] = name
    return names


def chamber_name(state: str, chamber: str) -> str:
    """``House of Delegates``; the plain chamber when the state has no such chamber."""
    default = {"lower": "Lower chamber", "upper": "Upper chamber"}.get(chamber, chamber)
    return _chamber_names().get((state, chamber), default)


def state_chambers(state: str) -> list[tuple[str, str]]:
    """The state's legislative chambers as (chamber, name), lower first (Nebraska: upper)."""
    found = [c.chamber for c in reference.legislative_chambers() if c.state == state]
    return [(c, chamber_name(state, c)) for c in sorted(found, key=LEGISLATIVE.index)]


def chamber_districts(state: str, chamber: str) -> tuple[str, ...]:
    """The chamber's districts in number order; empty for an unknown state or chamber."""
    for c in reference.legislative_chambers():
        if c.state == state and c.chamber == chamber:
            return tuple(sorted(c.districts, key=district_sort_key))
    return ()


# --- queries -------------------------------------------------------------------------------------
def _campaign_scope(filters: Filters) -> list[sa.ColumnElement[bool]]:
    return [*campaign_conditions(filters), C.c.chamber.in_(LEGISLATIVE)]


def legislative_campaigns(bind: Bind, filters: Filters, as_of: date) -> pd.DataFrame:
    """Every program campaign for a state legislative seat, with its projects and volunteers.

    One row per campaign: the campaign's columns, ``projects`` (started by ``as_of``, in the
    filters' categories) and ``volunteers`` (distinct volunteers who joined those projects by
    ``as_of``), counted in SQL; then ``outcome`` (won, lost, pending or withdrawn, as known on
    ``as_of``), ``is_race`` and ``flipped``.
    """
    scope = started_project_conditions(filters, as_of)
    projects = (
        sa.select(P.c.campaign_id, sa.func.count().label("projects"))
        .select_from(P.join(C, C.c.campaign_id == P.c.campaign_id))
        .where(*scope)
        .group_by(P.c.campaign_id)
        .subquery()
    )
    volunteers = volunteers_placed(filters, as_of, P.c.campaign_id).subquery()
    statement = (
        sa.select(
            C.c.campaign_id,
            C.c.state,
            C.c.chamber,
            C.c.district,
            C.c.candidate,
            C.c.party,
            C.c.cycle,
            C.c.election_date,
            C.c.result,
            C.c.vote_share,
            C.c.seat_held_by,
            sa.func.coalesce(projects.c.projects, 0),
            sa.func.coalesce(volunteers.c.volunteers, 0),
        )
        .select_from(
            C.outerjoin(projects, projects.c.campaign_id == C.c.campaign_id).outerjoin(
                volunteers, volunteers.c.campaign_id == C.c.campaign_id
            )
        )
        .where(*_campaign_scope(filters))
        .order_by(C.c.state, C.c.chamber, C.c.campaign_id)
    )
    return campaign_outcomes(read_frame(bind, statement, RACE_COLUMNS), as_of)


def campaign_outcomes(campaigns: pd.DataFrame, as_of: date) -> pd.DataFrame:
    """Add ``outcome``, ``is_race`` and ``flipped`` to campaign rows, as known on ``as_of``."""
    frame = campaigns.copy()
    frame["district"] = frame["district"].map(
        lambda d: normalize_district(d) if pd.notna(d) else ""
    )
    frame["projects"] = frame["projects"].astype("int64")
    frame["volunteers"] = frame["volunteers"].astype("int64")
    frame["outcome"] = rules.race_outcome(frame["election_date"], frame["result"], as_of)
    frame["is_race"] = (frame["projects"] > 0) & frame["outcome"].ne("withdrawn")
    flipped = rules.seat_flipped(frame["outcome"], frame["party"], frame["seat_held_by"])
    frame["flipped"] = frame["is_race"] & flipped
    frame["vote_share"] = frame["vote_share"].where(frame["outcome"].isin(rules.DECIDED_RESULTS))
    return frame


def district_scores(bind: Bind, filters: Filters) -> pd.DataFrame:
    """The data squad's districts of the state legislatures in the filters' states."""
    conditions = [D.c.removed_at.is_(None), D.c.chamber.in_(LEGISLATIVE)]
    if filters.states is not None:
        conditions.append(D.c.state.in_(filters.states))
    statement = (
        sa.select(
            D.c.state,
            D.c.chamber,
            D.c.district,
            D.c.winnability,
            D.c.targeted,
            D.c.incumbent_party,
            D.c.previous_margin,
        )
        .where(*conditions)
        .order_by(D.c.state, D.c.chamber, D.c.district)
    )
    columns = ["state", "chamber", "district", "winnability", "targeted", "incumbent_party",
               "previous_margin"]  # fmt: skip
    frame = read_frame(bind, statement, columns)
    frame["district"] = frame["district"].map(normalize_district)
    frame["targeted"] = frame["targeted"].fillna(False).astype(bool)
    frame["winnability"] = pd.to_numeric(frame["winnability"]).astype("float64")
    return frame


def program_by_state(bind: Bind, filters: Filters, as_of: date) -> pd.DataFrame:
    """Projects started by ``as_of``, their campaigns and volunteers, per state (every office).

    One row per state of the 50 (those of the filters when set): ``state``, ``name``,
    ``projects``, ``campaigns``, ``volunteers``; zeros where the program has no project.
    """
    scope = started_project_conditions(filters, as_of)
    joined = P.join(C, P.c.campaign_id == C.c.campaign_id)
    counts = (
        sa.select(
            C.c.state,
            sa.func.count().label("projects"),
            sa.func.count(sa.distinct(C.c.campaign_id)).label("campaigns"),
        )
        .select_from(joined)
        .where(*scope)
        .group_by(C.c.state)
    )
    people = volunteers_placed(filters, as_of, C.c.state)
    by_state = read_frame(bind, counts, ["state", "projects", "campaigns"]).merge(
        read_frame(bind, people, ["state", "volunteers"]), on="state", how="outer"
    )
    states = list(FIFTY_STATES)
    if filters.states is not None:
        states = [s for s in states if s in filters.states]
    frame = pd.DataFrame({"state": states, "state_name": [STATE_NAMES[s] for s in states]})
    frame = frame.merge(by_state, on="state", how="left").fillna(
        {"projects": 0, "campaigns": 0, "volunteers": 0}
    )
    return frame.astype({"projects": "int64", "campaigns": "int64", "volunteers": "int64"})


def chamber_cycles(bind: Bind, filters: Filters, chamber: str) -> list[int]:
    """Cycles, newest first, in which the filters' states had program campaigns in ``chamber``."""
    conditions = [C.c.removed_at.is_(None), C.c.chamber == chamber]
    if filters.states is not None:
        conditions.append(C.c.state.in_(filters.states))
    statement = sa.select(C.c.cycle).distinct().where(*conditions).order_by(C.c.cycle.desc())
    return [int(c) for c in read_frame(bind, statement, ["cycle"])["cycle"]]


# --- checking district names ---------------------------------------------------------------------
def unknown_districts(frame: pd.DataFrame, source: str) -> pd.DataFrame:
    """Rows of ``frame`` (state, chamber, district) that name a district the chamber lacks.

    Columns ``source``, ``state``, ``chamber``, ``district``, ``row`` (the campaign's id, when
    there is one) and ``problem``.
    """
    index = reference.district_index()
    rows = []
    for rec in frame.to_dict("records"):
        state, chamber, district = rec["state"], rec["chamber"], rec["district"]
        known = index.get((state, chamber))
        if known is not None and district in known:
            continue
        if known is None:
            problem = f"{state} has no {chamber} chamber among the 50 state legislatures"
        elif district == "":
            problem = "no district given"
        else:
            problem = f"not a district of {STATE_NAMES.get(state, state)}'s " + (
                chamber_name(state, chamber)
            )
        rows.append(
            {
                "source": source,
                "state": state,
                "chamber": chamber,
                "district": district,
                "row": rec.get("campaign_id", ""),
                "problem": problem,
            }
        )
    return pd.DataFrame(rows, columns=["source", "state", "chamber", "district", "row", "problem"])


def known_only(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows of ``frame`` whose district is one of its chamber's districts."""
    index = reference.district_index()
    keep = pd.Series(
        [
            d in index.get((s, c), ())
            for s, c, d in zip(frame["state"], frame["chamber"], frame["district"], strict=True)
        ],
        index=frame.index,
        dtype=bool,
    )
    return frame[keep].reset_index(drop=True)


def district_problems(bind: Bind, filters: Filters, as_of: date) -> pd.DataFrame:
    """Campaigns and district scores that name a district their chamber does not have."""
    campaigns = legislative_campaigns(bind, filters, as_of)
    scores = district_scores(bind, filters)
    return pd.concat(
        [unknown_districts(campaigns, "Campaigns"), unknown_districts(scores, "Districts")],
        ignore_index=True,
    )


# --- the national table --------------------------------------------------------------------------
COVERAGE_COLUMNS = [
    "state", "chamber", "chamber_name", "seats", "districts", "targeted", "targets_covered",
    "targets_uncovered", "covered", "races", "won", "flipped",
]  # fmt: skip


def coverage_table(
    chambers: pd.DataFrame, scores: pd.DataFrame, campaigns: pd.DataFrame
) -> pd.DataFrame:
    """One row per chamber of ``chambers`` (:func:`reference.chambers_frame`): its seats and
    districts, districts targeted, covered by a project and targeted without one, races, races
    won and seats flipped.

    ``scores`` is :func:`district_scores`, ``campaigns`` :func:`legislative_campaigns`; rows
    naming unknown districts are left out.
    """
    keys = ["state", "chamber"]
    scores = known_only(scores)
    races = known_only(campaigns)
    races = races[races["is_race"]]
    covered = races[["state", "chamber", "district"]].drop_duplicates()
    targeted = scores.loc[scores["targeted"], ["state", "chamber", "district"]]
    uncovered = targeted.merge(covered, how="left", indicator=True)
    uncovered = uncovered[uncovered["_merge"] == "left_only"]
    # Not "name": the access policy takes an unqualified name column for a person's.
    table = chambers[["state", "chamber", "seats", "districts"]].copy()
    names = [chamber_name(s, c) for s, c in zip(table["state"], table["chamber"], strict=True)]
    table.insert(2, "chamber_name", names)
    for column, part in (
        ("targeted", targeted),
        ("covered", covered),
        ("targets_covered", targeted.merge(covered)),
        ("targets_uncovered", uncovered),
        ("races", races),
        ("won", races[races["outcome"] == "won"]),
        ("flipped", races[races["flipped"]]),
    ):
        counts = part.groupby(keys).size().rename(column)
        table = table.merge(counts, left_on=keys, right_index=True, how="left")
    numbers = COVERAGE_COLUMNS[3:]
    table[numbers] = table[numbers].fillna(0).astype("int64")
    return table[COVERAGE_COLUMNS].reset_index(drop=True)


def chamber_coverage(bind: Bind, filters: Filters, as_of: date) -> pd.DataFrame:
    """:func:`coverage_table` for the chambers of the filters' states (all 50 when None)."""
    chambers = reference.chambers_frame()
    if filters.states is not None:
        chambers = chambers[chambers["state"].isin(filters.states)]
    return coverage_table(
        chambers, district_scores(bind, filters), legislative_campaigns(bind, filters, as_of)
    )


def coverage_totals(table: pd.DataFrame) -> dict[str, int]:
    """The national (or selected states') totals of :func:`coverage_table`."""
    totals = {column: int(table[column].sum()) for column in COVERAGE_COLUMNS[3:]}
    totals["chambers"] = len(table)
    totals["states"] = int(table["state"].nunique())
    return totals


# --- one chamber ---------------------------------------------------------------------------------
def district_statuses(
    state: str, chamber: str, scores: pd.DataFrame, campaigns: pd.DataFrame
) -> pd.DataFrame:
    """One row per district of the chamber, in number order, with its status and its race.

    Columns: ``state``, ``chamber``, ``district``, ``label``, ``order``, ``status``,
    ``targeted``, ``winnability``, ``incumbent_party``, ``previous_margin``, ``candidate`` (every
    program candidate there, races first), ``projects``, ``volunteers``, ``result`` (text for a
    tooltip) and ``flipped``.
    """
    districts = chamber_districts(state, chamber)
    frame = pd.DataFrame({"district": list(districts)})
    frame.insert(0, "chamber", chamber)
    frame.insert(0, "state", state)
    frame["label"] = frame["district"].map(district_label)
    frame["order"] = range(len(frame))

    mine = scores[(scores["state"] == state) & (scores["chamber"] == chamber)]
    mine = mine.drop_duplicates("district", keep="last")
    frame = frame.merge(
        mine[["district", "winnability", "targeted", "incumbent_party", "previous_margin"]],
        on="district",
        how="left",
    )
    frame["targeted"] = frame["targeted"].fillna(False).astype(bool)

    here = campaigns[(campaigns["state"] == state) & (campaigns["chamber"] == chamber)]
    here = here.sort_values(["is_race", "campaign_id"], ascending=[False, True])
    rank = {"won": 0, "lost": 1, "pending": 2, "withdrawn": 3}
    summary: dict[str, dict[str, Any]] = {}
    for district, group in here.groupby("district", sort=False):
        races = group[group["is_race"]]
        best = min(races["outcome"], key=rank.__getitem__) if not races.empty else None
        summary[str(district)] = {
            "candidate": ", ".join(group["candidate"].astype(str)),
            "projects": int(races["projects"].sum()),
            "volunteers": int(races["volunteers"].sum()),
            "best": best,
            "result": "; ".join(_result_text(r) for r in group.itertuples()),
            "flipped": bool(races["flipped"].any()),
        }
    info = pd.DataFrame.from_dict(summary, orient="index")
    if info.empty:
        info = pd.DataFrame(
            columns=["candidate", "projects", "volunteers", "best", "result", "flipped"]
        )
    frame = frame.merge(info, left_on="district", right_index=True, how="left")
    frame["projects"] = frame["projects"].fillna(0).astype("int64")
    frame["volunteers"] = frame["volunteers"].fillna(0).astype("int64")
    frame["flipped"] = frame["flipped"].fillna(False).astype(bool)
    frame["candidate"] = frame["candidate"].fillna("")
    frame["result"] = frame["result"].fillna("")

    status = pd.Series(NOT_TARGETED, index=frame.index, dtype="object")
    status[frame["targeted"]] = TARGETED
    status[frame["best"].isin(["pending"])] = PROJECT
    status[frame["best"] == "lost"] = LOST
    status[frame["best"] == "won"] = WON
    frame["status"] = status
    return frame.drop(columns=["best"])


def _result_text(race: Any) -> str:
    if race.outcome in rules.DECIDED_RESULTS:
        share = f", {race.vote_share:.1%}" if pd.notna(race.vote_share) else ""
        flip = " (flipped)" if race.flipped else ""
        return f"{race.outcome.title()}{share}{flip}"
    if race.outcome == "withdrawn":
        return "Withdrawn"
    if not race.is_race:
        return "No project yet"
    return "Pending"


def chamber_statuses(
    bind: Bind, filters: Filters, state: str, chamber: str, as_of: date
) -> pd.DataFrame:
    """:func:`district_statuses` from the store, for one chamber of one state."""
    scoped = Filters(cycle=filters.cycle, states=(state,), categories=filters.categories)
    return district_statuses(
        state,
        chamber,
        district_scores(bind, scoped),
        legislative_campaigns(bind, scoped, as_of),
    )


def uncovered_targets(statuses: pd.DataFrame) -> pd.DataFrame:
    """Targeted districts without a project, the most winnable first."""
    targets = statuses[statuses["status"] == TARGETED]
    return targets.sort_values(
        ["winnability", "order"], ascending=[False, True], na_position="last"
    )


def chamber_results(campaigns: pd.DataFrame) -> dict[str, int]:
    """The chamber's races: how many, decided, won, lost, pending and seats flipped."""
    races = known_only(campaigns)
    races = races[races["is_race"]]
    return {
        "races": len(races),
        "decided": int(races["outcome"].isin(rules.DECIDED_RESULTS).sum()),
        "won": int((races["outcome"] == "won").sum()),
        "lost": int((races["outcome"] == "lost").sum()),
        "pending": int((races["outcome"] == "pending").sum()),
        "flipped": int(races["flipped"].sum()),
    }


def results_sentence(results: Mapping[str, int], markdown: bool = True) -> str:
    """The chamber's results in a sentence (:func:`chamber_results`), its two figures in bold
    (plain text without ``markdown``, as the digest writes it)."""
    races = results["races"]
    if results["decided"] == 0:
        return f"{races} race(s), none decided yet by the as-of date."
    pending = f", {results['pending']} pending" if results["pending"] else ""
    bold = "**" if markdown else ""
    return (
        f"{bold}{results['won']} won{bold} of {results['decided']} races decided "
        f"({results['lost']} lost{pending}); {bold}{results['flipped']} seat(s) flipped{bold} "
        "against the previous election."
    )


def cycle_note(
    chamber: str, requested: int | None, shown: int | None, moved: bool, has_races: bool
) -> str | None:
    """What a chamber's view says about the cycle it shows (see :func:`view_cycle`).

    ``chamber`` names it (``Virginia's House of Delegates``).
    """
    if moved and requested is None:
        return f"All cycles: showing {shown}, the latest election with program races in {chamber}."
    if moved:
        return (
            f"The program had no races in {chamber} in {requested}: showing {shown}, the "
            "chamber's latest election before it with program races (legislatures elect in "
            "different years). The sidebar's cycle applies again where the chamber has races in it."
        )
    if not has_races:
        return (
            f"The program has had no campaigns in {chamber}: the map shows the data squad's "
            "targets."
        )
    return None


def view_cycle(requested: int | None, cycles: list[int]) -> tuple[int | None, bool]:
    """The cycle a chamber's view shows, and whether it differs from the one asked for.

    Legislatures elect in different years (Virginia's House in odd years), so when the program
    had no campaigns in the chamber in the requested cycle, the view shows the chamber's latest
    earlier cycle that had some. "All cycles" (None) shows the latest. ``cycles`` is
    :func:`chamber_cycles`, newest first.
    """
    if requested is None:
        return (cycles[0] if cycles else None), bool(cycles)
    if requested in cycles:
        return requested, False
    earlier = [c for c in cycles if c < requested]
    if earlier:
        return earlier[0], True
    return requested, False


@dataclass(frozen=True)
class CycleOffer:
    """A view with no races for its filters: why, and the cycle that has them."""

    message: str
    cycle: int


def cycle_offer(filters: Filters, cycles: list[int]) -> CycleOffer | None:
    """For states with no program races in the filters' cycle, the sentence that says so and the
    latest cycle with races to offer (:func:`view_cycle`, as a state's view picks it: the latest
    before the one asked for, or else the latest); None when the view has races.

    ``cycles`` are the cycles with races in the filters' states, newest first
    (:func:`tfc_dash.figures.queries.cycles_with_races`).
    """
    if filters.cycle is None or not cycles or filters.cycle in cycles:
        return None
    if not filters.states:  # all states (the cycle has no races at all) or none allowed
        return None
    shown, moved = view_cycle(filters.cycle, cycles)
    if not moved or shown is None:  # a moved view has a cycle
        shown = cycles[0]
    names = [STATE_NAMES.get(s, s) for s in filters.states]
    where = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    return CycleOffer(
        f"{where} had no program races in {filters.cycle}: the latest cycle with races there is "
        f"{shown}.",
        shown,
    )


def chamber_races(
    bind: Bind, filters: Filters, state: str, chamber: str, as_of: date
) -> pd.DataFrame:
    """The races of one chamber (:func:`legislative_campaigns` rows that are races), by district."""
    scoped = Filters(cycle=filters.cycle, states=(state,), categories=filters.categories)
    campaigns = legislative_campaigns(bind, scoped, as_of)
    races = known_only(campaigns[campaigns["chamber"] == chamber])
    races = races[races["is_race"]]
    order = races["district"].map(district_sort_key)
    return races.assign(_order=order).sort_values("_order").drop(columns="_order")


# --- what the page shows -------------------------------------------------------------------------
def national_scorecards(totals: dict[str, int]) -> list[Scorecard]:
    """Chambers, seats, districts; targeted = targets covered + targets without a project;
    districts covered (targeted or not); legislative races won."""
    return [
        scorecard("chambers", totals["chambers"]),
        scorecard("seats", totals["seats"]),
        scorecard("districts", totals["districts"]),
        scorecard("districts_targeted", totals["targeted"]),
        scorecard("targets_covered", totals["targets_covered"]),
        scorecard("targets_uncovered", totals["targets_uncovered"]),
        scorecard("districts_covered", totals["covered"]),
        scorecard("legislative_races_won", totals["won"]),
    ]


def chamber_scorecards(statuses: pd.DataFrame, results: dict[str, int]) -> list[Scorecard]:
    targeted = int(statuses["targeted"].sum())
    covered = int(statuses["status"].isin([WON, LOST, PROJECT]).sum())
    uncovered = int((statuses["status"] == TARGETED).sum())
    return [
        scorecard("districts", len(statuses)),
        scorecard("districts_targeted", targeted),
        scorecard("targets_covered", targeted - uncovered),
        scorecard("targets_uncovered", uncovered),
        scorecard("districts_covered", covered),
        scorecard(
            "legislative_races_won",
            results["won"],
            note=f"Here: {results['decided']} decided, {results['pending']} pending.",
        ),
        scorecard("legislative_seats_flipped", results["flipped"]),
    ]


# The chamber table's figures (coverage_display's columns are their names), by coverage_table's
# column.
DISPLAY_FIGURES: dict[str, str] = {
    "seats": "seats",
    "districts": "districts",
    "targeted": "districts_targeted",
    "targets_covered": "targets_covered",
    "targets_uncovered": "targets_uncovered",
    "covered": "districts_covered",
    "races": "legislative_races",
    "won": "legislative_races_won",
    "flipped": "legislative_seats_flipped",
}


def coverage_display(table: pd.DataFrame) -> pd.DataFrame:
    """:func:`coverage_table` with the columns a reader expects (the chamber's name, each
    figure under its catalogue name), for the page and its CSV."""
    frame = pd.DataFrame({"state": table["state"], "chamber": table["chamber_name"]})
    for column, name in DISPLAY_FIGURES.items():
        frame[name] = table[column]
    return frame


def targets_display(statuses: pd.DataFrame) -> pd.DataFrame:
    """:func:`uncovered_targets` as a ranked table."""
    targets = uncovered_targets(statuses)
    return pd.DataFrame(
        {
            "rank": range(1, len(targets) + 1),
            "district": targets["label"].to_numpy(),
            "winnability": targets["winnability"].to_numpy(),
            "held_by": targets["incumbent_party"].to_numpy(),
            "previous_margin": targets["previous_margin"].to_numpy(),
        }
    )


def races_display(races: pd.DataFrame) -> pd.DataFrame:
    """:func:`chamber_races` as a results table."""
    return pd.DataFrame(
        {
            "district": races["district"].map(district_label).to_numpy(),
            "candidate": races["candidate"].to_numpy(),
            "projects": races["projects"].to_numpy(),
            "volunteers": races["volunteers"].to_numpy(),
            "result": races["outcome"].str.capitalize().to_numpy(),
            "vote_share": races["vote_share"].to_numpy(),
            "held_before": races["seat_held_by"].to_numpy(),
            "flipped": races["flipped"].to_numpy(),
        }
    )


def districts_display(statuses: pd.DataFrame) -> pd.DataFrame:
    """Every district of the chamber with its status, for the CSV download (figures under their
    catalogue names)."""
    frame = statuses[
        ["state", "chamber", "district", "status", "targeted", "winnability", "incumbent_party",
         "previous_margin", "candidate", "projects", "volunteers", "result"]
    ].reset_index(drop=True)  # fmt: skip
    return frame.rename(
        columns={"projects": "projects_started", "volunteers": "volunteers_deployed"}
    )


def district_summary(statuses: pd.DataFrame, district: str) -> str:
    """One line about a district, for the district lookup."""
    row = statuses[statuses["district"] == district].iloc[0]
    score = "not scored" if pd.isna(row["winnability"]) else f"{row['winnability']:.0f} / 100"
    parts = [
        f"**{row['label']}** · {row['status']}",
        f"Candidate: {md_escape(row['candidate']) if row['candidate'] else 'none'}",
        f"Winnability: {score}",
        f"Projects: {row['projects']}",
        f"Volunteers: {row['volunteers']}",
        f"Result: {row['result'] or 'no race'}",
    ]
    return " · ".join(parts)


# --- the link's page parameters ------------------------------------------------------------------
def parse_chamber(state: str, value: str | None) -> tuple[str | None, str | None]:
    """The chamber a link asks for in ``state`` (``lower``/``upper``), or None and a note."""
    chambers = state_chambers(state)
    if value is None:
        return None, None
    wanted = value.strip().lower()
    if any(key == wanted for key, _ in chambers):
        return wanted, None
    known = " and ".join(f"{key} ({name})" for key, name in chambers)
    return None, (
        f"Ignored chamber={md_escape(repr(value))} from the link: "
        f"{STATE_NAMES.get(state, state)}'s chambers are {known}."
    )


def parse_district(state: str, chamber: str, value: str | None) -> tuple[str | None, str | None]:
    """The district a link asks for in the chamber, or None and a note."""
    if value is None or not value.strip():
        return None, None
    districts = chamber_districts(state, chamber)
    wanted = normalize_district(value)
    if wanted in districts:
        return wanted, None
    name = f"{STATE_NAMES.get(state, state)}'s {chamber_name(state, chamber)}"
    if districts and all(d.isdigit() for d in districts):
        span = f"districts {districts[0]} to {districts[-1]}"
    else:
        span = f"{len(districts)} districts"
    return (
        None,
        f"Ignored district={md_escape(repr(value))} from the link: not a district of {name} "
        f"({span}).",
    )
