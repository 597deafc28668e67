"""The floor app: a bare Streamlit app drawing, from constants, what the dashboard's page views
drew (saved by bench.floor from their runs), with the same page config, sidebar widgets and
``st.navigation``. ``streamlit run bench/floor_app.py`` from the repository's root (so with the
dashboard's .streamlit/config.toml), ``TFC_FLOOR`` naming the saved views. Under AppTest,
``TFC_FLOOR_PAGE`` (a url path) makes that page the default one, to open it directly."""

import functools
import os

import streamlit as st

from bench import floor

saved = floor.load(os.environ["TFC_FLOOR"])
st.set_page_config(**saved.page_config)


def _page(captured_hash: str) -> None:
    view = saved.view_for(captured_hash, st.query_params.to_dict())
    floor.draw(view.page, by_hash)


sections: dict[str, list[st.Page]] = {}
by_hash: dict[str, st.Page] = {}  # the real page's hash -> the floor's page
by_path: dict[str, str] = {}  # the floor page's url path -> the real page's hash
start = os.environ.get("TFC_FLOOR_PAGE")
for app_page in saved.navigation.app_pages:
    path = app_page.url_pathname or app_page.page_name.lower().replace(" ", "_")
    page = st.Page(
        functools.partial(_page, app_page.page_script_hash),
        title=app_page.page_name,
        icon=app_page.icon or None,
        url_path=path,
        default=app_page.is_default if start is None else path == start,
    )
    sections.setdefault(app_page.section_header, []).append(page)
    by_hash[app_page.page_script_hash] = page
    by_path[page.url_path] = app_page.page_script_hash

chosen = st.navigation(sections)
view = saved.view_for(by_path[chosen.url_path], st.query_params.to_dict())
floor.draw(view.router, by_hash)
chosen.run()
