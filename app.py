"""The router: page config, the shared sidebar filters, navigation. Nothing else."""

import streamlit as st

import ui
from tfc_dash.models import CATEGORIES, CATEGORY_LABELS

st.set_page_config(
    page_title="TFC program dashboard",
    page_icon=":material/how_to_vote:",
    layout="wide",
    initial_sidebar_state="expanded",
)

handle = ui.open_store_or_stop()
ui.auto_refresh(handle)
viewer = ui.current_viewer()
options = ui.filter_options(handle)
notes = ui.filters_from_link(options)

with st.sidebar:
    st.markdown("### Tech for Campaigns")
    st.selectbox(
        "Cycle",
        options.cycles,
        format_func=lambda c: "All cycles" if c == ui.ALL_CYCLES else f"{c} cycle",
        key=ui.CYCLE,
    )
    st.multiselect("States", options.states, key=ui.STATE, placeholder="All states")
    st.multiselect(
        "Categories",
        CATEGORIES,
        format_func=CATEGORY_LABELS.__getitem__,
        key=ui.CATEGORY,
        placeholder="All categories",
    )
    st.date_input(
        "As of",
        min_value=options.first_day,
        max_value=options.last_day,
        key=ui.AS_OF,
        format="YYYY-MM-DD",
        help="Every figure is computed as the program stood on this day.",
    )
    ui.data_notice(handle, viewer)
ui.filters_to_link(options)

for note in notes:
    st.warning(note, icon=":material/link_off:")
ui.sync_banner(handle)

ui.build_page_context(handle, viewer)
page = st.navigation(
    {
        "Program": [
            st.Page("pages/progress.py", title="Progress", icon=":material/flag:", default=True),
            st.Page("pages/volunteers.py", title="Volunteers", icon=":material/groups:"),
            st.Page("pages/staffing.py", title="Staffing", icon=":material/person_search:"),
            st.Page("pages/projects.py", title="Projects", icon=":material/folder_open:"),
        ],
        "States": [st.Page("pages/states.py", title="States", icon=":material/map:")],
        "Results": [
            st.Page("pages/outcomes.py", title="Outcomes", icon=":material/how_to_vote:"),
            st.Page("pages/fundraising_kit.py", title="Fundraising kit", icon=":material/paid:"),
        ],
        "Data": [
            st.Page("pages/data_health.py", title="Data health", icon=":material/fact_check:"),
        ],
    }
)
page.run()
