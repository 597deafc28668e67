"""Projects: an explorer of every project in the view, and one project's detail.

``?project=P2018-00123`` opens a project's detail, so a link to it can be shared.
"""

import streamlit as st

from tfc_dash.charts import project_charts
from tfc_dash.core.text import day_label, md_escape
from tfc_dash.figures import projects, volunteering
from tfc_dash.store.models import CHAMBERS, PROJECT_STATUSES
from tfc_dash.web import ui

ctx = ui.page_context()
filters, as_of = ctx.filters, ctx.as_of
project_id = st.query_params.get(projects.PROJECT_PARAM, "").strip()


def back_to_list() -> None:
    del st.query_params[projects.PROJECT_PARAM]


if project_id:
    st.button("All projects", icon=":material/arrow_back:", on_click=back_to_list, key="back")
    detail = ctx.query(projects.project_detail, project_id)
    if detail.empty:
        st.error(
            f"There is no project {md_escape(repr(project_id))} you can see: check the link's "
            "project ID.",
            icon=":material/search_off:",
        )
    else:
        row = detail.iloc[0].to_dict()
        status = projects.project_status_on(row, as_of)
        st.title(md_escape(row["project_name"]))
        st.caption(
            f"{md_escape(row['project_id'])} · "
            f"{projects.STATUS_LABELS.get(status, status.capitalize())} on {day_label(as_of)} · "
            "share this view with its link (the address bar)"
        )
        team = ctx.query(projects.project_team, project_id)
        ui.scorecards(projects.detail_scorecards(row, team, as_of), per_row=4)

        facts, timeline = st.columns([1, 2])
        with facts:
            st.subheader("Campaign")
            facts_md = (f"- **{k}:** {md_escape(v)}" for k, v in projects.campaign_facts(row))
            st.markdown("\n".join(facts_md))
        with timeline:
            st.subheader("Timeline", help=projects.TIMELINE_HELP)
            bars = projects.timeline_frame(row, team, as_of)
            if bars.empty:
                st.info("No dates yet: the project is in scoping.")
            else:
                ui.chart(
                    project_charts.timeline_chart,
                    bars,
                    as_of,
                    projects.election_day(row),
                    width="stretch",
                )

        st.subheader("Team", help=projects.TEAM_HELP)
        members = projects.team_for_display(team, as_of)
        if members.empty:
            st.info("Nobody has been placed on this project.")
        else:
            ctx.table(
                members, "team_table", "tfc-project-team.csv", column_config=projects.TEAM_LABELS
            )
            if (members["standing"] == "bad data").any():
                st.caption(projects.BAD_TEAM_NOTE)

        st.subheader("Outcomes", help=projects.OUTCOMES_HELP)
        outcomes = projects.latest_outcomes(ctx.query(projects.project_outcomes, project_id), as_of)
        if outcomes.empty:
            st.info("No outcomes reported by the as-of date.")
        else:
            for col, outcome in zip(
                st.columns(max(len(outcomes), 4)), outcomes.to_dict("records"), strict=False
            ):
                col.metric(
                    md_escape(outcome["label"]),
                    f"{outcome['value']:,.0f}",
                    help=projects.outcome_note(outcome),
                    border=True,
                )
else:
    st.title("Projects")
    st.caption(f"{filters.describe()} · as of {day_label(as_of)}", help=projects.LIST_HELP)
    notes = [
        ui.link_choices("chamber", CHAMBERS),
        ui.link_choices("status", PROJECT_STATUSES),
    ]
    ui.link_text("q")
    for note in filter(None, notes):
        st.warning(note, icon=":material/link_off:")
    chamber_col, status_col, text_col = st.columns([2, 2, 3])
    chambers = chamber_col.multiselect(
        "Chamber",
        CHAMBERS,
        format_func=projects.CHAMBER_LABELS.__getitem__,
        key="chamber",
        placeholder="All chambers",
    )
    statuses = status_col.multiselect(
        "Status",
        PROJECT_STATUSES,
        format_func=projects.STATUS_LABELS.__getitem__,
        key="status",
        placeholder="All statuses",
        help="The project's status on the as-of date.",
    )
    text = text_col.text_input(
        "Search",
        key="q",
        placeholder="Project ID or name, candidate, campaign ID, district",
    )
    for key in ("chamber", "status", "q"):
        ui.write_link(key)
    listed = ctx.query(
        projects.project_list, filters, as_of, tuple(chambers), tuple(statuses), text
    )
    ui.scorecards(projects.explorer_scorecards(listed), per_row=5)
    bad_note = volunteering.bad_rows_note(ctx.query(volunteering.bad_rows))
    if bad_note:
        st.caption(bad_note)

    if listed.empty:
        st.info("No project matches these filters.", icon=":material/filter_alt_off:")
    else:
        st.subheader("By category and status", help=projects.BREAKDOWN_HELP)
        ui.chart(project_charts.status_chart, projects.status_breakdown(listed), width="stretch")

        st.subheader("Project list", help=projects.LIST_HELP)
        pages = projects.page_count(len(listed))
        page_col, download_col = st.columns([1, 3], vertical_alignment="bottom")
        page = page_col.number_input(
            f"Page (of {pages})", min_value=1, max_value=pages, value=1, step=1, key="list_page"
        )
        with download_col:
            ctx.download_csv(
                listed,
                f"tfc-projects-{as_of.isoformat()}.csv",
                f"Download all {len(listed):,} projects (CSV)",
                key="projects_csv",
            )
        shown = projects.for_display(
            projects.page_of(listed, int(page)), {"as_of": st.query_params.get_all("as_of")}
        )
        event = ui.dataframe(
            shown,
            hide_index=True,
            key="projects_table",
            on_select="rerun",
            selection_mode="single-row",
            column_config={
                **projects.LIST_LABELS,
                "link": st.column_config.LinkColumn(
                    "Open", display_text="Open", help="Open the project (new tab)"
                ),
            },
        )
        st.caption("Select a row to open its project here, or use Open for a new tab.")
        selected = event.selection.rows if event is not None else []
        if selected:
            st.query_params[projects.PROJECT_PARAM] = str(shown.iloc[selected[0]]["project_id"])
            st.rerun()
