"""Outcomes: how the supported races went, and what the program's projects did for them.

A race is *supported* when one of its campaign's projects had started by the as-of day (in the
categories the viewer picked). Its result counts only after its election day: before that, every
race is pending whatever the store says, so looking back never shows a result that was not known.

Margins are Democratic-side (the Democrat's share minus the Republican's, as a share of all votes),
the convention of the Districts tab's ``previous_margin``; for a candidate of another party they are
turned to that candidate's side, or left out when the sides are not known.

Program metrics come from the Outcomes tab: each row is a project's running total of one metric on
its ``as_of`` day, so a figure as of a day is the sum, over projects, of each project's latest row
on or before that day. Rows without a day count from the project's start.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import pandas as pd
import sqlalchemy as sa

from tfc_dash.core import catalogue
from tfc_dash.core.catalogue import Scorecard, metric_label, scorecard
from tfc_dash.core.text import day_label
from tfc_dash.figures import reference, rules
from tfc_dash.figures.filters import Filters
from tfc_dash.figures.queries import started_project_conditions
from tfc_dash.figures.rules import STARTED_ON
from tfc_dash.store.database import Bind, read_frame
from tfc_dash.store.models import CATEGORY_LABELS, OUT, C, D, P

# Stacked-bar segments, in drawing order: a win splits into a flipped seat and a held one.
OUTCOMES = ("Won, seat flipped", "Won, seat held", "Lost", "Pending", "Withdrawn")

METRIC_LABELS: dict[str, str] = {
    name: catalogue.label(name)
    for name in (
        "texts_sent", "emails_sent", "ad_impressions", "site_visits", "voters_contacted",
        "spend_usd",
    )
}  # fmt: skip
COST_PER_CONTACT = "cost_per_contact"
# Voters contacted by projects that also reported a spend: what the cost per contact divides by.
PAID_CONTACTS = "voters_contacted_with_spend"
CHAMBER_PREFIX = {"lower": "HD", "upper": "SD", "congress": "CD"}

RACE_COLUMNS = [
    "campaign_id", "candidate", "party", "state", "chamber", "district", "election_date", "cycle",
    "result", "vote_share", "seat_held_by", "district_previous_margin", "projects",
]  # fmt: skip


def _supported_campaigns(filters: Filters, as_of: date) -> sa.Subquery:
    """Campaign ids with a counted project started by ``as_of``, and how many."""
    return (
        sa.select(P.c.campaign_id.label("campaign_id"), sa.func.count().label("projects"))
        .select_from(P.join(C, P.c.campaign_id == C.c.campaign_id))
        .where(*started_project_conditions(filters, as_of))
        .group_by(P.c.campaign_id)
        .subquery()
    )


def supported_races(bind: Bind, filters: Filters, as_of: date) -> pd.DataFrame:
    """One row per supported race, its result as known on ``as_of``, and how it went.

    Columns: those of ``RACE_COLUMNS`` and what :func:`race_outcomes` adds.
    """
    counts = _supported_campaigns(filters, as_of)
    known = rules.results_known_sql(C.c.election_date, as_of)
    result = rules.race_outcome_sql(C.c.election_date, C.c.result, as_of)
    statement = (
        sa.select(
            C.c.campaign_id,
            C.c.candidate,
            C.c.party,
            C.c.state,
            C.c.chamber,
            C.c.district,
            C.c.election_date,
            C.c.cycle,
            result.label("result"),
            sa.case((known, C.c.vote_share), else_=None).label("vote_share"),
            C.c.seat_held_by,
            D.c.previous_margin.label("district_previous_margin"),
            counts.c.projects,
        )
        .select_from(
            counts.join(C, C.c.campaign_id == counts.c.campaign_id).outerjoin(
                D,
                sa.and_(
                    D.c.state == C.c.state,
                    D.c.chamber == C.c.chamber,
                    D.c.district == C.c.district,
                    D.c.removed_at.is_(None),
                ),
            )
        )
        .where(C.c.removed_at.is_(None))
        .order_by(C.c.cycle, C.c.state, C.c.chamber, C.c.campaign_id)
    )
    races = read_frame(bind, statement, RACE_COLUMNS)
    return race_outcomes(races, reference_margins())


# --- reference results ------------------------------------------------------------------------
@dataclass(frozen=True)
class ReferenceChamber:
    """A chamber whose every district's result the data has, so supported districts can be
    compared with the rest."""

    cycle: int
    state: str
    chamber: str
    name: str
    election_date: date
    results: Callable[[], pd.DataFrame]


REFERENCE_CHAMBERS: tuple[ReferenceChamber, ...] = (
    ReferenceChamber(
        2017, "VA", "lower", "Virginia House of Delegates", date(2017, 11, 7),
        reference.va_house_results_2017,
    ),
)  # fmt: skip


def reference_margins() -> pd.DataFrame:
    """Certified Democratic margins of every reference chamber: cycle, state, chamber, district,
    dem_margin."""
    frames = []
    for ref in REFERENCE_CHAMBERS:
        results = ref.results()
        frames.append(
            pd.DataFrame(
                {
                    "cycle": ref.cycle,
                    "state": ref.state,
                    "chamber": ref.chamber,
                    "district": results["district"].astype(str),
                    "dem_margin": results["dem_margin"].astype(float),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def _party_side(party: pd.Series) -> pd.Series:
    """+1 for a Democrat, -1 for a Republican, NaN otherwise (margins are Democratic-side)."""
    upper = party.astype("string").str.upper()
    return upper.map({"D": 1.0, "R": -1.0}).astype(float)


def race_outcomes(races: pd.DataFrame, margins: pd.DataFrame | None = None) -> pd.DataFrame:
    """``races`` with what each result means.

    Adds ``flipped`` (won a seat the other party held), ``outcome`` (one of ``OUTCOMES``),
    ``margin`` and ``margin_source`` (the certified margin from ``margins`` where the data has the
    whole result, else the vote share minus everyone else's), ``previous_margin`` (the district's
    previous election, on the candidate's side) and ``change`` (margin minus previous margin).
    """
    out = races.copy()
    out["flipped"] = rules.seat_flipped(out["result"], out["party"], out["seat_held_by"])
    outcome = out["result"].map(
        {"won": OUTCOMES[1], "lost": OUTCOMES[2], "pending": OUTCOMES[3], "withdrawn": OUTCOMES[4]}
    )
    out["outcome"] = outcome.where(~out["flipped"], OUTCOMES[0])
    side = _party_side(out["party"])
    share = pd.to_numeric(out["vote_share"], errors="coerce").astype(float)
    margin = 2 * share - 1
    source = pd.Series(None, index=out.index, dtype=object)
    source[share.notna()] = "vote share"
    if margins is not None and not margins.empty:
        keyed = out[["cycle", "state", "chamber", "district"]].astype(
            {"cycle": "int64", "state": str, "chamber": str, "district": str}
        )
        certified = keyed.merge(
            margins.astype({"cycle": "int64", "district": str}),
            on=["cycle", "state", "chamber", "district"],
            how="left",
        )["dem_margin"].to_numpy(dtype=float)
        certified = certified * side.to_numpy()
        use = share.notna().to_numpy() & ~np.isnan(certified)
        margin = margin.where(~use, certified)
        source = source.where(~use, "certified results")
    out["margin"] = margin.round(4)
    out["margin_source"] = source
    previous = pd.to_numeric(out["district_previous_margin"], errors="coerce").astype(float)
    out["previous_margin"] = (previous * side).round(4)
    out["change"] = (out["margin"] - out["previous_margin"]).round(4)
    out["race"] = [
        race_label(s, c, d)
        for s, c, d in zip(out["state"], out["chamber"], out["district"], strict=True)
    ]
    return out


def race_label(state: str, chamber: str, district: object) -> str:
    """``VA HD-13``; statewide races by their office: ``VA Governor``."""
    if district is None or (isinstance(district, float) and np.isnan(district)):
        return f"{state} {chamber}"
    prefix = CHAMBER_PREFIX.get(chamber)
    return f"{state} {prefix}-{district}" if prefix else f"{state} {district}"


@dataclass(frozen=True)
class RaceSummary:
    supported: int
    won: int
    lost: int
    pending: int
    withdrawn: int
    flipped: int

    @property
    def decided(self) -> int:
        return self.won + self.lost

    @property
    def win_rate(self) -> float | None:
        return self.won / self.decided if self.decided else None


def race_summary(races: pd.DataFrame) -> RaceSummary:
    counts = races["result"].value_counts() if not races.empty else pd.Series(dtype=int)
    return RaceSummary(
        supported=len(races),
        won=int(counts.get("won", 0)),
        lost=int(counts.get("lost", 0)),
        pending=int(counts.get("pending", 0)),
        withdrawn=int(counts.get("withdrawn", 0)),
        flipped=int(races["flipped"].sum()) if not races.empty else 0,
    )


def results_by(races: pd.DataFrame, by: str) -> pd.DataFrame:
    """Supported races per ``by`` value (``cycle``, ``state`` or ``chamber``) and outcome.

    Long format: ``by``, ``outcome``, ``races``; only the outcomes that occur.
    """
    if races.empty:
        return pd.DataFrame({by: pd.Series(dtype=object), "outcome": [], "races": []})
    grouped = (
        races.groupby([by, "outcome"], as_index=False).size().rename(columns={"size": "races"})
    )
    grouped["outcome"] = pd.Categorical(grouped["outcome"], categories=OUTCOMES, ordered=True)
    grouped = grouped.sort_values([by, "outcome"]).reset_index(drop=True)
    grouped["outcome"] = grouped["outcome"].astype(str)
    grouped["races"] = grouped["races"].astype("int64")
    return grouped


def margin_changes(races: pd.DataFrame) -> pd.DataFrame:
    """Decided races with both a margin and the district's previous margin, for comparison."""
    columns = ["race", "candidate", "cycle", "result", "flipped", "previous_margin", "margin",
               "change", "margin_source"]  # fmt: skip
    if races.empty:
        return pd.DataFrame(columns=columns)
    decided = races[races["result"].isin(rules.DECIDED_RESULTS)]
    both = decided.dropna(subset=["margin", "previous_margin"])
    return both[columns].sort_values("change", ascending=False).reset_index(drop=True)


# --- supported against not supported districts -------------------------------------------------
def comparison_unavailable(filters: Filters, as_of: date) -> str | None:
    """Why no chamber can be compared in this view, or None when one can."""
    if any(_in_view(ref, filters, as_of) for ref in REFERENCE_CHAMBERS):
        return None
    known = "; ".join(f"the {r.name} in {r.cycle}" for r in REFERENCE_CHAMBERS)
    after = ", ".join(day_label(r.election_date) for r in REFERENCE_CHAMBERS)
    return (
        "Comparing supported with not supported districts needs every district's result in a "
        f"chamber. The data has them for {known}: include that cycle and state in the sidebar, "
        f"with an as-of date on or after election day ({after})."
    )


def _in_view(ref: ReferenceChamber, filters: Filters, as_of: date) -> bool:
    return (
        (filters.cycle is None or filters.cycle == ref.cycle)
        and (filters.states is None or ref.state in filters.states)
        and rules.results_known(pd.Series([ref.election_date]), as_of).iloc[0]
    )


COMPARISON_COLUMNS = [
    "cycle", "state", "chamber", "chamber_name", "district", "supported", "contested",
    "dem_share", "dem_margin", "winner_party", "held_before", "district_outcome",
]  # fmt: skip


def chamber_comparison(bind: Bind, filters: Filters, as_of: date) -> pd.DataFrame:
    """Every district of the reference chambers in view, with whether the program supported it.

    Columns ``COMPARISON_COLUMNS``; no rows when no reference chamber is in view (see
    :func:`comparison_unavailable`).
    """
    frames = []
    for ref in REFERENCE_CHAMBERS:
        if not _in_view(ref, filters, as_of):
            continue
        counts = _supported_campaigns(filters, as_of)
        statement = (
            sa.select(C.c.district)
            .distinct()
            .select_from(counts.join(C, C.c.campaign_id == counts.c.campaign_id))
            .where(C.c.cycle == ref.cycle, C.c.state == ref.state, C.c.chamber == ref.chamber)
        )
        supported = set(read_frame(bind, statement, ["district"])["district"].astype(str))
        frames.append(district_comparison(ref, ref.results(), supported))
    if not frames:
        return pd.DataFrame(columns=COMPARISON_COLUMNS)
    return pd.concat(frames, ignore_index=True)


def district_comparison(
    ref: ReferenceChamber, results: pd.DataFrame, supported: set[str]
) -> pd.DataFrame:
    """The reference results of one chamber, marked supported or not (a pure function)."""
    frame = pd.DataFrame(
        {
            "cycle": ref.cycle,
            "state": ref.state,
            "chamber": ref.chamber,
            "chamber_name": ref.name,
            "district": results["district"].astype(str),
        }
    )
    frame["supported"] = frame["district"].isin(supported)
    frame["contested"] = (results["dem_votes"] > 0) & (results["rep_votes"] > 0)
    frame["dem_share"] = results["dem_share"].astype(float)
    frame["dem_margin"] = results["dem_margin"].astype(float)
    frame["winner_party"] = results["winner_party"].astype(str)
    frame["held_before"] = results["winner_party_2015"].astype(str)
    frame["district_outcome"] = _district_outcome(frame["winner_party"], frame["held_before"])
    return frame[COMPARISON_COLUMNS]


def _district_outcome(winner: pd.Series, before: pd.Series) -> pd.Series:
    return pd.Series(
        [
            f"Flipped to {w}" if w != b else f"Held by {w}"
            for w, b in zip(winner, before, strict=True)
        ],
        index=winner.index,
    )


def comparison_summary(districts: pd.DataFrame) -> pd.DataFrame:
    """Supported against not supported districts of each chamber, side by side.

    One row per chamber and group: districts, contested (both parties ran), won by a Democrat,
    seats held by Republicans before and contested, of those flipped, flip rate, mean Democratic
    share and median margin in contested districts.
    """
    columns = ["chamber_name", "group", "districts", "contested", "dem_won", "r_held_contested",
               "flipped_to_d", "flip_rate", "mean_dem_share", "median_dem_margin"]  # fmt: skip
    if districts.empty:
        return pd.DataFrame(columns=columns)
    rows = []
    for (name, supported), group in districts.groupby(["chamber_name", "supported"], sort=False):
        contested = group[group["contested"]]
        r_held = contested[contested["held_before"] == "R"]
        flipped = int((r_held["winner_party"] == "D").sum())
        rows.append(
            {
                "chamber_name": name,
                "group": "Supported" if supported else "Not supported",
                "districts": len(group),
                "contested": len(contested),
                "dem_won": int((group["winner_party"] == "D").sum()),
                "r_held_contested": len(r_held),
                "flipped_to_d": flipped,
                "flip_rate": round(flipped / len(r_held), 4) if len(r_held) else None,
                "mean_dem_share": round(float(contested["dem_share"].mean()), 4)
                if len(contested)
                else None,
                "median_dem_margin": round(float(contested["dem_margin"].median()), 4)
                if len(contested)
                else None,
            }
        )
    frame = pd.DataFrame(rows, columns=columns)
    order = {"Supported": 0, "Not supported": 1}
    return frame.sort_values(
        ["chamber_name", "group"], key=lambda s: s.map(order) if s.name == "group" else s
    ).reset_index(drop=True)


# --- program metrics -----------------------------------------------------------------------------
PROGRAM_METRIC_COLUMNS = ["cycle", "state", "category", "metric", "value", "projects"]


def program_metrics(bind: Bind, filters: Filters, as_of: date) -> pd.DataFrame:
    """The program's metrics as of ``as_of`` by cycle, state, category and metric.

    ``value`` sums each project's latest figure on or before ``as_of``; ``projects`` counts the
    projects that reported the metric. The extra metric ``PAID_CONTACTS`` sums the voters
    contacted by projects that also reported a spend, the denominator of the cost per contact.
    """
    project_campaign = OUT.join(P, OUT.c.project_id == P.c.project_id).join(
        C, P.c.campaign_id == C.c.campaign_id
    )
    reported_on = sa.func.coalesce(OUT.c.as_of, STARTED_ON)
    scope = [
        *started_project_conditions(filters, as_of),
        OUT.c.removed_at.is_(None),
        reported_on <= as_of,
    ]
    latest = (
        sa.select(OUT.c.project_id, OUT.c.metric, sa.func.max(reported_on).label("day"))
        .select_from(project_campaign)
        .where(*scope)
        .group_by(OUT.c.project_id, OUT.c.metric)
        .subquery()
    )
    latest_rows = project_campaign.join(
        latest,
        sa.and_(
            latest.c.project_id == OUT.c.project_id,
            latest.c.metric == OUT.c.metric,
            latest.c.day == reported_on,
        ),
    )
    spent = sa.select(latest.c.project_id).where(latest.c.metric == "spend_usd")
    keys = (C.c.cycle, C.c.state, P.c.category)

    projects = sa.func.count(sa.distinct(OUT.c.project_id))

    def summed(metric: Any, group_by: tuple[Any, ...], *where: Any) -> sa.Select[Any]:
        return (
            sa.select(*keys, metric, sa.func.sum(OUT.c.value), projects)
            .select_from(latest_rows)
            .where(*scope, *where)
            .group_by(*keys, *group_by)
        )

    by_metric = summed(OUT.c.metric, (OUT.c.metric,))
    paid_contacts = summed(
        sa.literal(PAID_CONTACTS, sa.String).label("metric"),
        (),
        OUT.c.metric == "voters_contacted",
        OUT.c.project_id.in_(spent),
    )
    frame = pd.concat(
        [
            read_frame(bind, by_metric, PROGRAM_METRIC_COLUMNS),
            read_frame(bind, paid_contacts, PROGRAM_METRIC_COLUMNS),
        ],
        ignore_index=True,
    )
    frame["value"] = frame["value"].astype(float)
    frame["projects"] = frame["projects"].astype("int64")
    frame["cycle"] = frame["cycle"].astype("int64")
    return frame.sort_values(["cycle", "state", "category", "metric"], ignore_index=True)


def metric_names(long: pd.DataFrame) -> list[str]:
    """The metrics present, the known ones first in their usual order."""
    present = set(long["metric"]) - {PAID_CONTACTS} if not long.empty else set()
    known = [m for m in METRIC_LABELS if m in present]
    return known + sorted(present - set(known))


def metrics_by(long: pd.DataFrame, by: str) -> pd.DataFrame:
    """One row per ``by`` value (``category``, ``state`` or ``cycle``) with its ``label``, one
    column per metric (missing where no project of the group reported it) and
    ``cost_per_contact``.
    """
    names = metric_names(long)
    if long.empty:
        return pd.DataFrame(columns=[by, "label", *names, COST_PER_CONTACT])
    wide = long.pivot_table(index=by, columns="metric", values="value", aggfunc="sum")
    wide = wide.reindex(columns=[*names, PAID_CONTACTS]).reset_index()
    wide.columns.name = None
    # A view where no project reported a spend has no spend_usd column: no cost per contact.
    spend = (
        wide["spend_usd"] if "spend_usd" in wide.columns else pd.Series(float("nan"), wide.index)
    )
    wide[COST_PER_CONTACT] = cost_per_contact(spend, wide[PAID_CONTACTS])
    wide = wide.drop(columns=PAID_CONTACTS)
    labels = wide[by].map(CATEGORY_LABELS) if by == "category" else wide[by].astype(str)
    wide.insert(1, "label", labels.fillna(wide[by].astype(str)))
    return wide.sort_values(by).reset_index(drop=True)


def cost_per_contact(spend: pd.Series, paid_contacts: pd.Series) -> pd.Series:
    """Spend over the voters contacted by the projects that spent: NaN where either is missing."""
    spend = pd.to_numeric(spend, errors="coerce").astype(float)
    contacts = pd.to_numeric(paid_contacts, errors="coerce").astype(float)
    return (spend / contacts.where(contacts > 0)).round(2)


def metric_totals(long: pd.DataFrame) -> dict[str, float]:
    """Each metric's program total, and the cost per contact when it can be computed."""
    totals = {m: float(long.loc[long["metric"] == m, "value"].sum()) for m in metric_names(long)}
    paid = float(long.loc[long["metric"] == PAID_CONTACTS, "value"].sum()) if len(long) else 0.0
    if totals.get("spend_usd") is not None and paid > 0:
        totals[COST_PER_CONTACT] = round(totals["spend_usd"] / paid, 2)
    return totals


# --- what the page shows -------------------------------------------------------------------------
def race_scorecards(summary: RaceSummary) -> list[Scorecard]:
    """The Outcomes page's scorecards on the supported races."""
    cards = [
        scorecard("races_supported", summary.supported),
        scorecard("races_won", summary.won),
        scorecard("races_lost", summary.lost),
        scorecard("races_pending", summary.pending),
        scorecard("races_withdrawn", summary.withdrawn),
        scorecard("seats_flipped", summary.flipped),
    ]
    if summary.win_rate is not None:  # no rate to show before a race is decided
        cards.append(scorecard("win_rate", round(100 * summary.win_rate), suffix="%"))
    return cards


RACE_TABLE_COLUMNS: dict[str, str] = {
    "race": "Race",
    "candidate": "Candidate",
    "party": "Party",
    "cycle": "Cycle",
    "election_date": "Election",
    "result": "Result",
    "flipped": catalogue.column_label("flipped"),
    "vote_share": "Vote share",
    "margin": "Margin",
    "previous_margin": "Previous margin",
    "change": "Change",
    "margin_source": "Margin from",
    "projects_started": catalogue.label("projects_started"),
    "state": "State",
    "campaign_id": "Campaign ID",
}


def race_table(races: pd.DataFrame) -> pd.DataFrame:
    """The supported races as the page lists them (and its CSV holds them)."""
    named = races.rename(columns={"projects": "projects_started"})
    table = named[list(RACE_TABLE_COLUMNS)].reset_index(drop=True)
    table["result"] = table["result"].map(_result_label, na_action="ignore")  # "Won", not won
    return table


def _result_label(result: object) -> object:
    return result.capitalize() if isinstance(result, str) else result


def compact_number(value: float, money: bool = False) -> str:
    """``57.3M``, ``709K``, ``$516.5K``, ``$0.71``: short enough for a scorecard."""
    sign = "$" if money else ""
    size = abs(value)
    if size >= 1e9:
        return f"{sign}{value / 1e9:.1f}B"
    if size >= 1e6:
        return f"{sign}{value / 1e6:.1f}M"
    if size >= 1e4:
        return f"{sign}{value / 1e3:.0f}K"
    if money and size < 100:
        return f"{sign}{value:,.2f}"
    return f"{sign}{value:,.0f}"


def metric_cards(totals: dict[str, float]) -> list[Scorecard]:
    """A card per program metric, with the exact figure in its help."""
    cards = []
    for metric, value in totals.items():
        money = metric in ("spend_usd", COST_PER_CONTACT)
        exact = f"${value:,.2f}" if money else f"{value:,.0f}"
        known = metric in catalogue.FIGURES
        how = (
            catalogue.definition(metric)
            if known
            else (
                "Sum over projects in view of each project's latest reported figure on or before "
                "the as-of date."
            )
        )
        how += f" Exactly: {exact}."
        cards.append(Scorecard(metric_label(metric), compact_number(value, money), None, how))
    return cards
