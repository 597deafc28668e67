"""Progress: where the program stands against its goal, and whether it is on pace."""

import streamlit as st

from tfc_dash.charts import progress_charts
from tfc_dash.core import catalogue
from tfc_dash.core.text import day_label
from tfc_dash.figures import goals, metrics, queries
from tfc_dash.web import ui

ctx = ui.page_context()
filters, as_of = ctx.filters, ctx.as_of
before = catalogue.change_since(as_of)

goal = None
if filters.cycle is not None:  # a goal is one cycle's
    goal = ctx.query(goals.goal_for, goals.PROJECTS, filters.cycle)
target = goal.target if goal and filters.is_program_wide else None
st.title(f"Progress toward {goal.target} projects" if goal else "Progress")
st.caption(f"{filters.describe()} · as of {day_label(as_of)}")

counts_now = ctx.query(queries.project_counts, filters, as_of)
counts_before = ctx.query(queries.project_counts, filters, before)
reach_now = ctx.query(queries.reach_counts, filters, as_of)
reach_before = ctx.query(queries.reach_counts, filters, before)
ui.scorecards(
    metrics.progress_scorecards(counts_now, counts_before, reach_now, reach_before, target),
    per_row=3,
)

timeline = ctx.query(queries.project_timeline, filters)
cycle_end = ctx.query(queries.cycle_end, filters)
series = metrics.burnup_series(timeline, metrics.chart_until(timeline, as_of, cycle_end))
pace = projection = None
if goal and target:
    pace = metrics.pace_projection(timeline, as_of, goal.target, goal.deadline)
    projection = metrics.projection_series(pace)
    (st.success if pace.on_track else st.warning)(pace.summary(), icon=":material/speed:")
elif goal:
    st.info(
        f"The goal of {goal.target} projects is for the whole program: pace and projection "
        "show when no state or category filter is set.",
        icon=":material/filter_alt:",
    )
elif filters.cycle is not None:
    st.info(goals.no_goal_note(goals.PROJECTS, filters.cycle), icon=":material/flag:")
else:
    st.info("Pick a single cycle to see its goal and pace.", icon=":material/filter_alt:")

volunteer_goal = None
if filters.cycle is not None and filters.is_program_wide:
    volunteer_goal = ctx.query(goals.goal_for, goals.VOLUNTEERS, filters.cycle)
if volunteer_goal:
    st.caption(goals.progress_line(volunteer_goal, reach_now["volunteers"]))

ui.bottleneck_section(ctx)

st.subheader("Projects over time")
if series["started"].iloc[-1] == 0:
    st.info("No projects started in this view by the as-of date.")
ui.chart(progress_charts.burnup_chart, series, pace, projection, width="stretch")
ui.funnel_section(ctx)

left, right = st.columns(2)
with left:
    st.subheader("By category")
    by_category = metrics.breakdown(counts_now, "category")
    if by_category.empty:
        st.info("No projects to break down.")
    else:
        ui.chart(progress_charts.breakdown_chart, by_category, "category", width="stretch")
with right:
    st.subheader("By state")
    by_state = metrics.breakdown(counts_now, "state")
    if by_state.empty:
        st.info("No projects to break down.")
    else:
        ui.chart(progress_charts.breakdown_chart, by_state, "state", width="stretch")
