"""History: what the dashboard said after each sync, and which past weeks a later sync revised."""

import streamlit as st

from tfc_dash.charts import history_charts
from tfc_dash.core import catalogue
from tfc_dash.core.text import day_label, md_escape
from tfc_dash.ingest import history
from tfc_dash.web import ui

ctx = ui.page_context()
st.title("History")
st.caption(
    "The headline figures as each sync saw them, for the whole program (the sidebar's filters "
    "do not apply): what the dashboard said on each day, and what a later sync revised."
)

said = ctx.query(history.headline_history)
if said.empty:
    st.info("No sync has recorded its figures yet: the first sync or import starts the history.")
    st.stop()

st.subheader("Headline figures, sync by sync")
names = history.figures_in_history(said)
name = st.selectbox("Figure", names, format_func=catalogue.label, key="history_figure")
st.caption(md_escape(catalogue.definition(name)))
ui.chart(
    history_charts.figure_history_chart, history.figure_history(said, name), name, width="stretch"
)
table = history.figure_history_table(said, name)
ctx.table(
    history.formatted(table, name),
    "history_table",
    f"history-{name}.csv",
    column_config=history.headers(table),
)
ctx.download_csv(table, f"history-{name}.csv", "Download this history", key="history_csv")

st.subheader("Past weeks revised")
wname = st.radio(
    "Figure per week",
    history.weekly_figures(),
    format_func=catalogue.label,
    key="revised_figure",
    horizontal=True,
)
label = catalogue.label(wname)
revised = ctx.query(history.revisions, wname)
if revised.empty:
    st.success(
        f"No sync has revised a past week's {label.lower()}: every week kept the figure the "
        "dashboard first said for it.",
        icon=":material/check:",
    )
    st.stop()

runs = list(dict.fromkeys(int(r) for r in revised["run"]))
st.caption(
    f"{len(runs):,} sync run{'s' if len(runs) != 1 else ''} revised a week that had already "
    f"ended: its {label.lower()} as of the week's end, as the earlier sync computed it and as "
    "the later one did."
)
ctx.table(
    revised,
    "revisions",
    f"revisions-{wname}.csv",
    column_config={
        **history.headers(revised),
        "synced_utc": st.column_config.DatetimeColumn(
            catalogue.column_label("synced_utc"), format="YYYY-MM-DD HH:mm"
        ),
        "week_of": st.column_config.DateColumn(
            catalogue.column_label("week_of"), format="YYYY-MM-DD"
        ),
        "change": st.column_config.NumberColumn(catalogue.column_label("change"), format="%+d"),
    },
)
ctx.download_csv(revised, f"revisions-{wname}.csv", "Download the revisions", key="revisions_csv")

run = st.selectbox(
    "Why did it change? Sync run", runs, format_func=lambda r: f"Run {r}", key="revision_run"
)
previous = int(revised.loc[revised["run"] == run, "previous_run"].iloc[0])
weeks = ctx.query(history.week_comparison, wname, previous, run)
for week in weeks.to_dict("records"):
    st.markdown(
        f"- **Week of {day_label(week['week'])}**: {label.lower()} in the week "
        f"{week['in_week_before']:,} → {week['in_week_after']:,}; as of the week's end "
        f"{week['as_of_before']:,} → {week['as_of_after']:,} "
        f"({history.signed(wname, week['change'])}), run {previous} → run {run}."
    )

changes = ctx.query(history.run_changes, run)
behind = history.rows_behind(changes, wname)
recorded, made = ctx.query(history.change_counts, run)
st.markdown(f"**The rows behind it**: what run {run} changed in the tabs {label.lower()} reads.")
if made > recorded:
    st.warning(
        f"Run {run} made {made:,} changes; only the first {recorded:,} were recorded "
        "([sync] max_changes): removed rows first, then changed cells, then added rows.",
        icon=":material/playlist_remove:",
    )
if behind.empty:
    st.info(
        "None of the changes recorded for this run touches these tabs"
        + (": the rows behind it were past the record's limit." if made > recorded else "."),
        icon=":material/info:",
    )
else:
    ctx.table(
        history.changes_for_display(behind),
        "rows_behind",
        f"run-{run}-rows-behind.csv",
        column_config=history.headers(behind),
    )
    ctx.download_csv(
        behind, f"run-{run}-rows-behind.csv", "Download these rows", key="rows_behind_csv"
    )

with st.expander(f"Every change run {run} recorded ({len(changes):,})"):
    if len(changes) < recorded:
        st.caption("Changes to the volunteers' tabs are not shown to your role.")
    ctx.table(
        history.changes_for_display(changes),
        "run_changes",
        f"run-{run}-changes.csv",
        column_config=history.headers(changes),
    )
