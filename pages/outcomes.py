"""Outcomes: how the supported races went, and what the program's projects did."""

import streamlit as st

from tfc_dash.charts import outcome_charts
from tfc_dash.core import catalogue
from tfc_dash.core.text import day_label, md_escape
from tfc_dash.figures import outcomes
from tfc_dash.web import ui

ctx = ui.page_context()
filters, as_of = ctx.filters, ctx.as_of

st.title("Outcomes")
st.caption(f"{filters.describe()} · as of {day_label(as_of)}")

races = ctx.query(outcomes.supported_races, filters, as_of)
summary = outcomes.race_summary(races)
ui.scorecards(outcomes.race_scorecards(summary), per_row=4)
if races.empty:
    st.info(
        "No supported races in this view: a race counts once a project for its campaign has "
        "started.",
        icon=":material/inbox:",
    )
elif not summary.decided:
    st.info(
        f"No supported race decided by {day_label(as_of)}: results count after election day.",
        icon=":material/hourglass_top:",
    )

st.subheader("Results of the supported races")
if not races.empty:
    by = st.segmented_control(
        "Group by",
        ["cycle", "state", "chamber"],
        format_func=str.title,
        default="cycle",
        key="outcomes_results_by",
        required=True,
    )
    ui.chart(outcome_charts.results_chart, outcomes.results_by(races, by), by, width="stretch")
    table = outcomes.race_table(races)
    ctx.table(
        table,
        "races_table",
        column_order=list(outcomes.RACE_TABLE_COLUMNS)[:13],
        column_config={
            **{k: st.column_config.Column(v) for k, v in outcomes.RACE_TABLE_COLUMNS.items()},
            "election_date": st.column_config.DateColumn("Election", format="D MMM YYYY"),
            "vote_share": st.column_config.NumberColumn("Vote share", format="percent"),
            "margin": st.column_config.NumberColumn("Margin", format="percent"),
            "previous_margin": st.column_config.NumberColumn("Previous margin", format="percent"),
            "change": st.column_config.NumberColumn("Change", format="percent"),
            "cycle": st.column_config.NumberColumn("Cycle", format="%d"),
        },
    )
    ctx.download_csv(
        table, f"tfc-supported-races-{as_of.isoformat()}.csv", "Races (CSV)", key="races_csv"
    )

st.subheader("Margins against the previous election")
changes = outcomes.margin_changes(races)
if changes.empty:
    st.info(
        "No decided race in this view has both a margin and its district's previous margin "
        "(the Districts tab's `previous_margin`).",
        icon=":material/compare_arrows:",
    )
else:
    st.caption(
        "Each race's margin (the candidate's share minus the opponent's: from the certified "
        "results where the data has every candidate's votes, else the vote share minus everyone "
        "else's) against the district's margin in the previous election."
    )
    ui.chart(outcome_charts.margin_chart, changes, width="stretch")

st.subheader("Supported against not supported districts")
unavailable = outcomes.comparison_unavailable(filters, as_of)
if unavailable:
    st.info(unavailable, icon=":material/compare:")
else:
    districts = ctx.query(outcomes.chamber_comparison, filters, as_of)
    compared = outcomes.comparison_summary(districts)
    st.caption(
        "Every district of the chamber, whether or not the program had a project there: "
        "contested districts (both parties ran) by the Democratic margin and what happened to the "
        "seat."
    )
    ui.dataframe(
        compared,
        hide_index=True,
        column_config={
            "chamber_name": catalogue.column_label("chamber"),
            "group": catalogue.column_label("district_group"),
            "districts": catalogue.column_label("districts_in_group"),
            **{
                c: catalogue.column_label(c)
                for c in ("contested", "dem_won", "r_held_contested", "flipped_to_d")
            },
            **{
                c: st.column_config.NumberColumn(catalogue.column_label(c), format="percent")
                for c in ("flip_rate", "mean_dem_share", "median_dem_margin")
            },
        },
    )
    ui.chart(outcome_charts.comparison_chart, districts, width="stretch")
    ctx.download_csv(
        districts,
        f"tfc-district-comparison-{as_of.isoformat()}.csv",
        "Districts (CSV)",
        key="districts_csv",
    )

st.subheader("Program metrics")
long = ctx.query(outcomes.program_metrics, filters, as_of)
if long.empty:
    st.info(
        f"No program metrics for this view by {day_label(as_of)}: the Outcomes tab has no "
        "figures for its projects yet.",
        icon=":material/inbox:",
    )
else:
    cards = outcomes.metric_cards(outcomes.metric_totals(long))
    for start in range(0, len(cards), 4):
        for col, card in zip(st.columns(4), cards[start : start + 4], strict=False):
            col.metric(md_escape(card.label), card.value, help=card.help, border=True)
    by = st.segmented_control(
        "Break down by",
        ["category", "state", "cycle"],
        format_func=str.title,
        default="category",
        key="outcomes_metrics_by",
        required=True,
    )
    wide = outcomes.metrics_by(long, by)
    choices = [c for c in wide.columns if c not in (by, "label")]
    metric = st.selectbox(
        "Metric to chart", choices, format_func=catalogue.metric_label, key="outcomes_metric"
    )
    ui.chart(outcome_charts.metric_chart, wide, by, metric, width="stretch")
    ui.dataframe(
        wide,
        hide_index=True,
        column_order=["label", *choices],
        column_config={
            "label": st.column_config.Column(by.title()),
            **{
                c: st.column_config.NumberColumn(
                    catalogue.metric_label(c),
                    format="dollar" if c in ("spend_usd", "cost_per_contact") else "localized",
                )
                for c in choices
            },
        },
    )
    ctx.download_csv(
        wide, f"tfc-program-metrics-by-{by}-{as_of.isoformat()}.csv", "Metrics (CSV)", "metrics_csv"
    )
