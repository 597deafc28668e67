"""Data health: the last sync, the history of syncs, the rows ops must fix, and a template."""

import streamlit as st

from tfc_dash.core import catalogue
from tfc_dash.core.text import md_escape
from tfc_dash.ingest import health
from tfc_dash.web import ui

ctx = ui.page_context()
st.title("Data health")

flash = st.session_state.pop("_sync_flash", None)
if flash:
    (st.success if flash[0] else st.warning)(md_escape(flash[1]), icon=":material/sync:")

sheet_url = ui.spreadsheet_url()
if sheet_url is None:
    st.info(
        "**No spreadsheet is connected.** The dashboard shows its store as it is. To sync the ops "
        "spreadsheet, add a `[connections.gsheets]` section to `.streamlit/secrets.toml` "
        "(see the README).",
        icon=":material/link_off:",
    )
else:
    left, right = st.columns([3, 1], vertical_alignment="center")
    left.markdown(
        f"Syncing from [the ops spreadsheet]({sheet_url}) every "
        f"{ui.sync_ttl_minutes()} minutes when the app is in use."
    )
    if right.button("Sync now", key="sync_now", icon=":material/sync:", type="primary"):
        report = ui.sync_now(ctx.handle)
        if report is not None:
            st.session_state["_sync_flash"] = (not report.problems, report.message)
            st.rerun()

runs = ctx.query(health.sync_runs, 50)
if runs.empty:
    st.info("No data has been written to the store yet.")
    st.stop()

last = runs.iloc[0]
st.subheader("Last sync")
when = last["started"].strftime("%d %b %Y %H:%M UTC")
status_text = {"ok": "succeeded", "failed": "failed", "running": "is running"}.get(
    last["status"], last["status"]
)
st.caption(f"Run {last['run']} from {last['source']} {status_text} · started {when}")
if last["status"] == "failed":
    st.error(md_escape(last["message"]), icon=":material/error:")
elif last["message"]:
    st.markdown(md_escape(last["message"]))
cols = st.columns(6)
seconds = last["seconds"]
for col, (name, value) in zip(cols, health.last_sync_figures(last).items(), strict=True):
    col.metric(
        catalogue.label(name),
        "–" if value != value else catalogue.format_value(name, value),
        border=True,
        help=catalogue.definition(name),
    )

good = runs[runs["status"] == "ok"]
if not good.empty:
    latest_good = int(good.iloc[0]["run"])
    rows = ctx.query(health.run_rows, latest_good)
    if not rows.empty:
        ui.dataframe(
            rows,
            hide_index=True,
            key="rows_per_tab",
            column_config={
                "tab": "Tab",
                "rows": st.column_config.NumberColumn("Rows", format="%d"),
            },
        )

    st.subheader("Rows to fix")
    problems = health.quarantine_for_display(ctx.query(health.quarantine, latest_good))
    if problems.empty:
        st.success("Every row of the last sync passed the checks.", icon=":material/check:")
    else:
        found = ctx.query(health.problem_count, latest_good)
        st.caption(
            f"{found:,} problems in run {latest_good}. These rows were left out; the "
            "rest landed. Fix the cell in the spreadsheet and the next sync picks it up."
        )
        if found > len(problems):
            st.warning(
                f"Only the first {len(problems):,} problems were kept ([sync] max_problems): "
                "fix those, sync again, and the next ones show.",
                icon=":material/playlist_remove:",
            )
        ctx.table(
            problems,
            "quarantine",
            column_order=["tab", "row", "cell", "link", "column", "value", "reason"],
            column_config={
                "tab": "Tab",
                "row": st.column_config.NumberColumn("Row", format="%d"),
                "column": "Column",
                "cell": "Cell",
                "value": "Value",
                "reason": "Problem",
                "link": st.column_config.LinkColumn("Open", display_text="Open cell"),
            },
        )
        ctx.download_csv(
            problems,
            f"quarantine-run-{latest_good}.csv",
            "Download the problems",
            key="quarantine_csv",
        )

st.subheader("History")
ui.dataframe(
    runs,
    hide_index=True,
    key="history",
    column_config={
        "run": st.column_config.NumberColumn("Run", format="%d"),
        "started": st.column_config.DatetimeColumn("Started (UTC)", format="YYYY-MM-DD HH:mm"),
        "seconds": st.column_config.NumberColumn("Seconds", format="%.1f"),
        "source": "Source",
        "status": "Status",
        **{
            column: catalogue.label(name)
            for column, name in health.SYNC_FIGURE_COLUMNS.items()
            if column != "seconds"
        },
        "message": st.column_config.TextColumn("Message", width="large"),
    },
)

st.subheader("Start a new spreadsheet")
st.caption("One CSV per tab with the contract's header row, and a README of the columns.")
st.download_button(
    "Download the template (zip)",
    health.template_zip,  # written when clicked, not on every run
    file_name="tfc-spreadsheet-template.zip",
    mime="application/zip",
    key="template",
    icon=":material/download:",
)
