"""The router: page config, the shared sidebar filters, navigation. Nothing else."""

import streamlit as st

from tfc_dash.store.models import CATEGORIES, CATEGORY_LABELS
from tfc_dash.web import ui

st.set_page_config(
    page_title="TFC program dashboard",
    page_icon="🗳️",  # drawn in the page: a :material/…: icon is fetched from Google
    layout="wide",
    # "auto": open on a desktop, closed on a phone (it would cover three quarters of the screen).
    initial_sidebar_state="auto",
)
ui.page_style()

ui.start_up()  # before the login: a new store is being prepared meanwhile
viewer = ui.current_viewer()
handle = ui.open_store_or_stop()
ui.auto_refresh(handle)
options = ui.filter_options(handle, viewer)
notes = ui.filters_from_link(options)

with st.sidebar:
    st.markdown("### Tech for Campaigns")
    st.selectbox(
        "Cycle",
        options.cycles,
        format_func=lambda c: "All cycles" if c == ui.ALL_CYCLES else f"{c} cycle",
        key=ui.CYCLE,
    )
    st.multiselect(
        "States", options.states, key=ui.STATE, placeholder=ui.states_placeholder(options)
    )
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
        help=(
            "Every figure is computed as the program stood on this day: any day up to today, by "
            f"default the latest day in the data ({options.default_day:%Y-%m-%d})."
        ),
    )
    ui.data_notice(handle, viewer)
ui.filters_to_link(options)

for note in notes:
    st.warning(note, icon=":material/link_off:")
ui.sync_banner(handle)

context = ui.build_page_context(handle, viewer)
# (section, the key the access policy knows the page by, file, title, icon)
PAGES = [
    ("Program", "progress", "pages/progress.py", "Progress", ":material/flag:"),
    ("Program", "volunteers", "pages/volunteers.py", "Volunteers", ":material/groups:"),
    ("Program", "staffing", "pages/staffing.py", "Staffing", ":material/person_search:"),
    ("Program", "projects", "pages/projects.py", "Projects", ":material/folder_open:"),
    ("States", "states", "pages/states.py", "States", ":material/map:"),
    ("Results", "outcomes", "pages/outcomes.py", "Outcomes", ":material/how_to_vote:"),
    (
        "Results",
        "fundraising_kit",
        "pages/fundraising_kit.py",
        "Fundraising kit",
        ":material/paid:",
    ),
    ("Data", "history", "pages/history.py", "History", ":material/history:"),
    ("Data", "data_health", "pages/data_health.py", "Data health", ":material/fact_check:"),
    ("Data", "glossary", "pages/glossary.py", "Glossary", ":material/menu_book:"),
]
sections: dict[str, list[st.Page]] = {}
for section, key, path, title, icon in PAGES:
    if viewer.may_open(key):  # a page the viewer may not open is not routed at all
        page = st.Page(path, title=title, icon=icon, default=key == "progress")
        sections.setdefault(section, []).append(page)
page = st.navigation(sections)
ui.empty_view_note(context, page.url_path or "progress")
page.run()
ui.view_drawn()  # the server's start-up warm-up waits for the first one
