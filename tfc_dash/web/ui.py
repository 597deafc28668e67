"""Streamlit glue shared by the router and the pages: reading the shared sidebar, showing a
store problem, drawing scorecards. The logic it calls lives in ``tfc_dash``.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import partial
from typing import Any, NoReturn, TypeVar

import pandas as pd
import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

from tfc_dash.charts import progress_charts
from tfc_dash.core import clock, config
from tfc_dash.core.catalogue import CHANGE_WEEKS, MISSING, Scorecard
from tfc_dash.core.csv_files import csv_bytes
from tfc_dash.core.text import md_escape
from tfc_dash.figures import bottleneck, coverage, policy, queries
from tfc_dash.figures.filters import (
    Filters,
    LinkState,
    link_params,
    make_filters,
    note_unknown,
    parse_link,
)
from tfc_dash.ingest import provision, refresh, sheets, sheets_api, sync
from tfc_dash.store import database
from tfc_dash.web import derived, gsheets, refresher, settings, spec_cache, store_cache, warmup

T = TypeVar("T")

# Sidebar widget keys; each is also the query parameter it is bound to.
CYCLE, STATE, CATEGORY, AS_OF = "cycle", "state", "category", "as_of"
ALL_CYCLES = "all"
LINK_KEYS = (CYCLE, STATE, CATEGORY, AS_OF)
_SEEDED_KEY = "_link_seeded"


@dataclass(frozen=True)
class PageContext:
    """What every page needs: the store, the viewer, and the filters they may apply."""

    handle: store_cache.StoreHandle
    viewer: policy.Viewer
    filters: Filters  # already scoped by policy
    as_of: date

    def query(self, fn: Callable[..., T], *args: Any) -> T:
        """``fn(engine, *args)`` from the cache, through the access policy.

        Pages get their data only this way, so the policy sees everything they show.
        """
        return policy.enforce(store_cache.query(self.handle, fn, *args), self.viewer)

    def get(self, item: derived.D) -> Any:
        """A derivation's result (see :func:`d`): computed once per store version, viewer and
        what it is made of, from query results read through the access policy."""
        return derived.derived(self.handle, self.viewer, item)

    def download_csv(self, frame: pd.DataFrame, file_name: str, label: str, key: str) -> None:
        """A CSV download of ``frame``, through the access policy once more.

        The file is written when the button is clicked, not on every run: a shallow copy of the
        frame (pandas copies on write) keeps it as it is now whatever the page does to it next.
        """
        data = partial(_policed_csv, frame.copy(deep=False), self.viewer)
        st.download_button(
            label, data, file_name=file_name, mime="text/csv", key=key, icon=":material/download:"
        )

    def table(
        self, frame: pd.DataFrame, key: str, file_name: str | None = None, **options: Any
    ) -> None:
        """``st.dataframe`` of at most ``[app] max_table_rows`` rows, saying so when it is cut,
        with a CSV of every row (``file_name``) then; ``options`` go to ``st.dataframe``."""
        limit = settings.table_rows()
        dataframe(frame.head(limit), key=key, **options)
        if len(frame) > limit:
            st.caption(
                f"The first {limit:,} of {len(frame):,} rows"
                + ("; this CSV has them all:" if file_name else "; the CSV below has them all.")
            )
            if file_name:
                self.download_csv(
                    frame, file_name, f"All {len(frame):,} rows (CSV)", key=f"{key}_csv"
                )


# ``q(fn, *args)``: a query's result as a page gets it; ``d(fn, *args, **kwargs)``: what a page
# derives from such results (and plain values) with ``fn``. PageContext.get computes a ``d`` once.
q, d = derived.q, derived.d


def _policed_csv(frame: pd.DataFrame, viewer: policy.Viewer) -> bytes:
    return csv_bytes(policy.enforce(frame, viewer))


def chart(build: Callable[..., Any], *args: Any, into: Any = None, **options: Any) -> Any:
    """``st.altair_chart(build(*args), **options)``, its spec built once per content of ``args``
    (see :mod:`tfc_dash.web.spec_cache`): every page's Altair chart goes through it."""
    return spec_cache.draw(build, *args, into=into, **options)


def dataframe(frame: pd.DataFrame, **options: Any) -> Any:
    """``st.dataframe`` without an index and with missing values as the catalogue's dash (the
    grid would print "None"): every page's table goes through it (or
    :meth:`PageContext.table`)."""
    options.setdefault("hide_index", True)
    options.setdefault("placeholder", MISSING)
    options["column_config"] = _fitted_widths(frame, options.get("column_config"))
    return st.dataframe(frame, **options)


def _fitted_widths(frame: pd.DataFrame, column_config: dict[str, Any] | None) -> dict[str, Any]:
    """Column settings where a column of sentences (Why, Margin from) without a width gets the
    large one, so that its text is not cut (the grid sizes other columns to their content)."""
    config = dict(column_config or {})
    sample = frame.head(200)
    for name in frame.columns:
        setting = config.get(name)
        if setting is None and name in config:  # hidden on purpose
            continue
        if isinstance(setting, str):
            setting = st.column_config.Column(setting)
        elif setting is None:
            setting = st.column_config.Column()
        if not isinstance(setting, dict) or setting.get("width"):
            continue
        kind = (setting.get("type_config") or {}).get("type")
        if kind not in (None, "text", "number"):  # a link shows other text than its value
            continue
        texts = sample[name].dropna().astype(str)
        longest = int(texts.str.len().max()) if len(texts) else 0
        if longest > 40:
            config[name] = {**setting, "width": "large"}
        elif name in config:
            config[name] = setting
    return config


def current_viewer() -> policy.Viewer:
    """Who is looking. With ``[auth]`` in the secrets, a login is required and the ``[roles]``
    section decides; without it, the single local user with full access.

    Stops the run with a login page, a misconfiguration message or a "no access" page when the
    viewer may not go further.
    """
    secrets = settings.secrets()
    if "auth" not in secrets:
        return policy.LOCAL_VIEWER
    if not st.user.is_logged_in:
        _stop_with(partial(_login_page, secrets["auth"]))
    try:
        access = policy.AccessConfig.from_secrets(secrets.get("roles"))
    except policy.AccessConfigError as exc:
        _stop_with(partial(_misconfigured_page, exc))
    email = st.user.get("email")  # a claim: typed as any of a token's values
    viewer = policy.viewer_for(email if isinstance(email, str) else None, access)
    if not viewer.has_access:
        _stop_with(partial(_no_access_page, viewer))
    return viewer


def _stop_with(render: Callable[[], None]) -> NoReturn:
    """Show one page instead of the app, and stop.

    It goes through ``st.navigation`` (hidden): Streamlit would otherwise list the files of
    ``pages/`` in the sidebar, and run them, until some run of the router had called it.
    """
    # The page answers at every page's address too: a shared link to /projects would otherwise
    # open a "Page not found" dialog over it.
    pages = [st.Page(render, title="Tech for Campaigns", default=True)]
    pages += [st.Page(render, title="Tech for Campaigns", url_path=key) for key in policy.ALL_PAGES]
    st.navigation(pages, position="hidden").run()
    st.stop()


def _misconfigured_page(exc: policy.AccessConfigError) -> None:
    st.error(f"**Access is not configured correctly.** {exc}", icon=":material/lock:")
    st.info("A co-founder can fix `[roles]` in the app's secrets (see the README).")
    _logout_button()


def _login_page(auth: dict[str, Any]) -> None:
    st.title("Tech for Campaigns program dashboard")
    st.write(
        "This dashboard holds volunteers' personal data, so it asks who you are. Sign in with "
        "the Google account the program knows you by."
    )
    # A named provider ([auth.google]) is used when there is exactly one; else the [auth] one.
    providers = [k for k, v in auth.items() if isinstance(v, dict)]
    provider = providers[0] if len(providers) == 1 else None
    st.button(
        "Log in with Google" if provider in (None, "google") else f"Log in with {provider}",
        key="login",
        type="primary",
        icon=":material/login:",
        on_click=st.login,
        args=(provider,) if provider else (),
    )


def _no_access_page(viewer: policy.Viewer) -> None:
    st.title("No access yet")
    st.text(f"You are signed in as {viewer.email or 'an account without an email'}.")
    st.write(
        "This account has no access to the program dashboard. If you work with Tech for "
        "Campaigns, ask a co-founder to add your email to the dashboard's roles, then reload "
        "this page."
    )
    _logout_button()


def _logout_button() -> None:
    st.button("Log out", key="logout", icon=":material/logout:", on_click=st.logout)


def start_up() -> None:
    """Begin the server's start-up work for the configured store, once per server and store.

    The router calls it first, before the login, so that a deploy's first visitor finds a
    missing or empty store already being prepared (see :mod:`tfc_dash.ingest.provision`).
    """
    with contextlib.suppress(database.StoreError, config.ConfigError):  # the page shows them
        store_cache.preparer(settings.database_url()).begin(
            _sheet_reader(), settings.sync_ttl(), limits=_sync_limits()
        )


def view_drawn() -> None:
    """A page view is drawn: the start-up warm-up of the caches may begin (see
    :mod:`tfc_dash.web.warmup`)."""
    warmup.first_view_done.set()


def open_store_or_stop() -> store_cache.StoreHandle:
    """The store, or its preparation's progress, or a page that says what is wrong and what to
    do; then a stop."""
    try:
        handle = store_cache.open_store()
    except database.StoreMissing:
        _stop_with(_preparing_page)
    except database.StoreError as exc:
        _stop_with(partial(_store_problem_page, exc))
    if handle.status.is_empty:
        _stop_with(_preparing_page)
    return handle


def _sheet_reader() -> Callable[[], sheets.SheetsReader] | None:
    """The spreadsheet's reader, made when called; None when no spreadsheet is configured."""
    if not settings.gsheets_configured():
        return None
    try:
        return _reader_factory()
    except sheets_api.SheetsError as exc:  # incomplete secrets: the preparation reports it
        problem = exc

        def misconfigured() -> sheets.SheetsReader:
            raise problem

        return misconfigured


def _sync_limits() -> sync.Limits | None:
    """The ``[sync]`` limits, or the defaults when a setting is not valid (the banner says so)."""
    try:
        return settings.sync_limits()
    except config.ConfigError:
        return None


def _preparing_page() -> None:
    """A store found missing or empty: prepare it, or join the preparation under way, showing
    its progress; then the dashboard, or what stands in the way."""
    url = settings.database_url()
    reader = _sheet_reader()
    run = store_cache.preparer(url).begin(
        reader, settings.sync_ttl(), limits=_sync_limits(), again=True
    )
    st.title("Setting up the dashboard")
    intro = st.empty()  # what is happening; cleared when it did not work out
    if reader:
        label = "Syncing the ops spreadsheet into a new store…"
        intro.write(
            "The dashboard's store is new or empty (a first start, or a host that wiped its "
            "disk), so it is reading the ops spreadsheet first. This happens once; the pages "
            "open as soon as it is done."
        )
    else:
        label = "Filling a new store with the demo data…"
        intro.write(
            "The dashboard's store is new or empty and no ops spreadsheet is configured "
            "(`[connections.gsheets]` in the secrets), so it fills the store with the demo data."
        )
    with st.status(label, expanded=True) as box:
        shown = 0
        while True:
            finished = run.done.wait(0.25)  # every message is in once it is set
            for message in run.messages[shown:]:
                box.write(md_escape(message))  # sync messages name tabs of the sheet
            shown = len(run.messages)
            if finished:
                break
        result = run.result
        ready = result is not None and result.ready
        if ready:
            box.update(label="The store is ready", state="complete")
        elif result is not None and result.outcome is provision.Outcome.EMPTY:
            box.update(label="The store has nothing to show yet", state="complete")
        else:
            box.update(label="The store could not be filled", state="error")
    if ready:
        st.rerun()
    intro.empty()
    if run.error is not None:
        _store_problem_page(run.error)
    elif result is not None and result.outcome is provision.Outcome.SYNC_FAILED:
        _first_sync_failed_page(url, result)
    elif result is not None:
        _empty_store_page(result.status.url, spreadsheet=reader is not None)


def _store_problem_page(exc: database.StoreError) -> None:
    # The message names a file or a server (password hidden): text, not markdown.
    st.error(
        f"**The dashboard cannot read its data.** {md_escape(exc.message)}",
        icon=":material/error:",
    )
    if exc.hint:
        st.info(exc.hint, icon=":material/build:")


def _first_sync_failed_page(url: str, result: provision.Prepared) -> None:
    st.error(
        "**The dashboard has no data yet: the first sync of the ops spreadsheet failed.** "
        f"{md_escape(result.problem or '')}",
        icon=":material/cloud_off:",
    )
    st.info(
        "Check `[connections.gsheets]` in the app's secrets: the spreadsheet's address, the "
        "service account's fields, and that the spreadsheet is shared with its `client_email` "
        f"(see the README). The app tries again every {sync_ttl_minutes()} minutes.",
        icon=":material/build:",
    )
    if st.button("Try again now", key="first_sync_retry", icon=":material/sync:"):
        report = sync_now(store_cache.StoreHandle(url, 0, result.status))
        if report is not None:
            st.rerun()


def _empty_store_page(url: str, spreadsheet: bool) -> None:
    st.error(
        f"**The store at {md_escape(url)} is empty.** There are no projects, campaigns or "
        "volunteers yet.",
        icon=":material/inbox:",
    )
    if spreadsheet:
        hint = (
            "The ops spreadsheet's Campaigns, Projects and Volunteers tabs have no rows that "
            "passed the checks: add them (the README lists the columns). The app syncs again "
            f"every {sync_ttl_minutes()} minutes."
        )
    else:
        hint = (
            "It holds other rows (district scores, say), so the demo data was not written over "
            "them. Configure the ops spreadsheet (`[connections.gsheets]` in the secrets), or "
            "fill the store with `python -m tfc_dash seed-demo --force`."
        )
    st.info(hint, icon=":material/build:")


def data_dates(handle: store_cache.StoreHandle) -> queries.AsOfBounds:
    """The as-of picker's range (the first day in the data to today) and its default (the latest
    day in the data). Today is part of the cache key, so a new day moves the range."""
    return store_cache.query(handle, queries.as_of_bounds, clock.today())


_CONTEXT_KEY = "_page_context"


def build_page_context(handle: store_cache.StoreHandle, viewer: policy.Viewer) -> PageContext:
    """Read the shared sidebar (drawn by app.py) into filters scoped to the viewer.

    The router calls this once per rerun, after drawing the sidebar; pages get the result from
    :func:`page_context`.
    """
    cycle = st.session_state.get(CYCLE)
    requested = make_filters(
        None if cycle == ALL_CYCLES else cycle,
        st.session_state.get(STATE),
        st.session_state.get(CATEGORY),
    )
    as_of = st.session_state.get(AS_OF) or data_dates(handle).default
    context = PageContext(handle, viewer, policy.scope_filters(requested, viewer), as_of)
    st.session_state[_CONTEXT_KEY] = context
    return context


def page_context() -> PageContext:
    """The context the router built for this rerun."""
    context = st.session_state.get(_CONTEXT_KEY)
    if context is None:
        # A link straight to a page, opened before any session ran the router: Streamlit still
        # took pages/ for an old-style multipage folder and ran this page alone. From now on
        # the router runs (it opens this same page).
        forget_pages_folder()
        st.rerun()
    return context


def forget_pages_folder() -> None:
    """Make Streamlit stop taking ``pages/`` for an old-style multipage folder, for good.

    The app routes with ``st.navigation`` (app.py), and its pages live in ``pages/``, the folder
    deployers and links know. Streamlit 1.67 (``streamlit/runtime/pages_manager.py``) sets the
    class attribute ``PagesManager.uses_pages_directory`` when the server starts, to whether a
    ``pages/`` folder sits beside the main script; while it is true the script runner runs the
    page a URL names alone (``_mpa_v1``), without app.py: no login, no sidebar, no router.
    ``st.navigation`` sets it false for the whole process, but only once a session ran the
    router, so a link straight to a page, opened first after a start, would run that page
    alone. Streamlit offers no public setting for this, so the attribute is set here, the one
    place the app touches it; tests/test_pages_folder.py fails if Streamlit changes any of it.
    """
    PagesManager.uses_pages_directory = False


# Scorecard labels wrap onto a second line instead of ending in "…" ("Covered by a…"): the card
# keeps the catalogue's full label at every width, and the cards of a row keep one height.
# Markdown tables (the Glossary) wrap their cells to the screen's width instead of running off it.
_STYLE = """<style>
[data-testid="stMetricLabel"], [data-testid="stMetricLabel"] *,
[data-testid="stMetricDelta"], [data-testid="stMetricDelta"] * {
  white-space: normal !important; overflow: visible !important; text-overflow: clip !important;
  height: auto !important;
}
[data-testid="stMarkdownContainer"] table { width: 100%; }
@media (max-width: 640px) {
  /* A phone: scorecards two a row (not one under the other), so the page's answer below them
     is on the first screen; a smaller page title. The cards' rows melt into one wrapping row. */
  [class*="st-key-scorecards_"] {
    flex-direction: row !important; flex-wrap: wrap !important; gap: 0.5rem !important;
  }
  [class*="st-key-scorecards_"] [data-testid="stLayoutWrapper"],
  [class*="st-key-scorecards_"] [data-testid="stHorizontalBlock"] { display: contents !important; }
  [class*="st-key-scorecards_"] [data-testid="stColumn"] {
    flex: 1 1 40% !important; min-width: 40% !important; width: auto !important;
  }
  [class*="st-key-scorecards_"] [data-testid="stColumn"]:not(:has([data-testid="stMetric"])) {
    display: none !important;
  }
  [data-testid="stMetric"] { padding: 0.5rem 0.6rem !important; }
  [data-testid="stMetricValue"] { font-size: 1.6rem !important; }
  h1 { font-size: 1.9rem !important; }
}
[data-testid="stMarkdownContainer"] th, [data-testid="stMarkdownContainer"] td {
  overflow-wrap: anywhere;
}
</style>"""


def page_style() -> None:
    """The app's few style rules (the router calls it once per run, after the page config)."""
    st.html(_STYLE)


def scorecards(cards: Sequence[Scorecard], per_row: int = 6) -> None:
    """The cards, ``per_row`` a row on a desktop and two a row on a phone (see :data:`_STYLE`)."""
    if not cards:
        return
    key = "scorecards_" + re.sub(r"\W+", "_", cards[0].label).strip("_").lower()
    box = st.container(key=key)
    for start in range(0, len(cards), per_row):
        row = cards[start : start + per_row]
        for col, card in zip(box.columns(per_row), row, strict=False):
            col.metric(
                card.label,
                "—"
                if card.value is None
                else card.value
                if isinstance(card.value, str)
                else f"{card.value:,}{card.suffix}",
                # No arrow and no sign for no change: "↑ +0" reads as a rise.
                delta=f"{card.delta:+,} in {CHANGE_WEEKS} weeks" if card.delta else None,
                delta_color="normal" if card.delta else "off",
                help=card.help,
                border=True,
                height="stretch",
            )


@dataclass(frozen=True)
class FilterOptions:
    cycles: list[str]  # newest first, then "all"
    states: list[str]
    first_day: date  # the first day in the data
    last_day: date  # today: the last day an as-of date may be
    default_day: date  # the latest day in the data (never after today): the default as-of date
    # A viewer limited to some states (a state lead): those states, and the latest cycle in
    # which they had program races, where such a viewer lands.
    own_states: tuple[str, ...] | None = None
    own_cycle: str | None = None


def filter_options(handle: store_cache.StoreHandle, viewer: policy.Viewer) -> FilterOptions:
    bounds = data_dates(handle)
    cycles = [str(c) for c in store_cache.query(handle, queries.cycles)] + [ALL_CYCLES]
    states = policy.visible_states(store_cache.query(handle, queries.states_in_data), viewer)
    own_states = own_cycle = None
    if viewer.states is not None:
        own_states = tuple(states)
        with_races = store_cache.query(handle, queries.cycles_with_races, tuple(viewer.states))
        own_cycle = str(with_races[0]) if with_races else None
    return FilterOptions(
        cycles, states, bounds.first, bounds.last, bounds.default, own_states, own_cycle
    )


def states_placeholder(options: FilterOptions) -> str:
    """What the sidebar's States box says with nothing picked: whose states the view covers."""
    if options.own_states is None:
        return "All states"
    return f"Your states ({', '.join(options.own_states)})" if options.own_states else "No states"


def data_notice(handle: store_cache.StoreHandle, viewer: policy.Viewer) -> None:
    """Say plainly what data this is and who is looking."""
    status = handle.status
    if status.is_demo:
        st.info(
            "**Demo data.** Volunteers, 2018 campaigns and outcomes are made up; the 2017 "
            "Virginia results are real. Sync the ops spreadsheet to replace it.",
            icon=":material/science:",
        )
    if status.last_write is not None:
        st.caption(f"Data written {status.last_write:%d %b %Y %H:%M} UTC")
    st.caption(md_escape(viewer.describe()))
    if viewer.role is not policy.Role.LOCAL:
        _logout_button()


def _current_link(options: FilterOptions) -> LinkState:
    as_of = st.session_state.get(AS_OF)
    return LinkState(
        cycle=st.session_state.get(CYCLE, options.cycles[0]),
        states=tuple(sorted(st.session_state.get(STATE, []))),
        categories=tuple(st.session_state.get(CATEGORY, [])),
        as_of=None if as_of in (None, options.default_day) else as_of,
    )


def filters_from_link(options: FilterOptions) -> list[str]:
    """Seed the sidebar from the link on a session's first run; notes on ignored values.

    The sidebar widgets take their values from session state (never a default argument), so this
    also puts back in range a value that the data no longer has (after a sync, say).
    """
    state = st.session_state
    if _SEEDED_KEY not in state:
        params = {key: st.query_params.get_all(key) for key in LINK_KEYS}
        link, notes = parse_link(
            params, options.cycles, options.states, options.first_day, options.last_day
        )
        link = _landing(link, params, options)
        state[CYCLE] = link.cycle
        state[STATE] = list(link.states)
        state[CATEGORY] = list(link.categories)
        state[AS_OF] = link.as_of or options.default_day
        state[_SEEDED_KEY] = (link, notes)
    else:
        # Write back only what must change: writing a widget's key overrides its new value.
        if state.get(CYCLE) not in options.cycles:
            state[CYCLE] = options.cycles[0]
        states = state.get(STATE) or []
        if any(s not in options.states for s in states):
            state[STATE] = [s for s in states if s in options.states]
        day = state.get(AS_OF) or options.default_day
        if not options.first_day <= day <= options.last_day:
            state[AS_OF] = min(max(day, options.first_day), options.last_day)
    seeded, notes = state[_SEEDED_KEY]
    return notes if _current_link(options) == seeded else []


def _landing(link: LinkState, params: dict[str, list[str]], options: FilterOptions) -> LinkState:
    """A viewer limited to some states who opens a link without states or cycle lands on their
    states in the latest cycle in which they had program races (a state lead's own view)."""
    if options.own_states is None:
        return link
    states = link.states
    if not any(v.strip() for v in params.get(STATE, [])) and options.own_states:
        states = options.own_states
    cycle = link.cycle
    if not any(v.strip() for v in params.get(CYCLE, [])) and options.own_cycle in options.cycles:
        cycle = options.own_cycle
    return LinkState(cycle=cycle, states=states, categories=link.categories, as_of=link.as_of)


def filters_to_link(options: FilterOptions) -> None:
    """Write the sidebar's values into the URL so that a copied link opens the same view.

    Only the shared keys are touched: a page's own parameters (``chamber``, say) stay.
    """
    params = link_params(_current_link(options), options.cycles[0], options.default_day)
    for key, values in params.items():
        if values:
            if st.query_params.get_all(key) != values:
                st.query_params[key] = values
        elif key in st.query_params:
            del st.query_params[key]


# --- the ops spreadsheet: background refresh, the stale-data banner, Sync now -----------------
_CONFIG_PROBLEM_KEY = "_gsheets_config_problem"


def _reader_factory() -> Callable[[], sheets.SheetsReader]:
    connection = gsheets.gsheets()
    return lambda: connection.reader


def auto_refresh(handle: store_cache.StoreHandle) -> bool:
    """Start a background sync when the data is older than the TTL (single-flight); never raises.

    Does nothing without a ``[connections.gsheets]`` section: the app then runs on its store.
    """
    if not settings.gsheets_configured():
        return False
    try:
        return refresher.refresher().maybe_start(
            store_cache.engine(handle.url),
            _reader_factory(),
            settings.sync_ttl(),
            settings.sync_limits(),
        )
    except (sheets_api.SheetsError, config.ConfigError) as exc:  # bad settings: the banner says so
        st.session_state[_CONFIG_PROBLEM_KEY] = str(exc)
    except database.StoreError:
        pass  # the store problem shows on the page itself
    return False


def _ago(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    if minutes < 1:
        return "less than a minute"
    if minutes < 120:
        return f"{minutes} minute{'s' if minutes != 1 else ''}"
    hours = minutes // 60
    if hours < 48:
        return f"{hours} hours"
    return f"{hours // 24} days"


def sync_banner(handle: store_cache.StoreHandle) -> None:
    """Above every page: when the spreadsheet cannot be read, how old the data is and why."""
    if not settings.gsheets_configured():
        return
    problem = st.session_state.pop(_CONFIG_PROBLEM_KEY, None)
    if problem:
        st.error(
            f"**The spreadsheet connection is not set up right:** {md_escape(problem)}",
            icon=":material/link_off:",
        )
    try:
        state = store_cache.query(handle, refresh.sync_state)
    except database.StoreError:
        return
    if state.failure is None:
        return
    age = state.age(datetime.now(UTC))
    shown = f"from {_ago(age)} ago" if age is not None else "that never came from the spreadsheet"
    st.warning(
        f"**Showing data {shown}.** The ops spreadsheet could not be read at "
        f"{state.failed_at:%H:%M} UTC: {md_escape(state.failure)}",
        icon=":material/cloud_off:",
    )


def sync_now(handle: store_cache.StoreHandle) -> sync.SyncReport | None:
    """Run a sync now, with its progress in ``st.status``; the report, or None when it failed."""
    with st.status("Syncing the ops spreadsheet…", expanded=True) as status:
        try:
            report = refresher.refresher().run_now(
                store_cache.engine(handle.url),
                _reader_factory(),
                progress=lambda message: status.write(md_escape(message)),
                limits=settings.sync_limits(),
            )
        except (
            sheets_api.SheetsError,
            sync.SyncError,
            database.StoreError,
            config.ConfigError,
        ) as exc:
            status.update(label="The sync failed: nothing was changed", state="error")
            # The message names the spreadsheet's tabs and cells: text, not markdown.
            st.error(md_escape(exc), icon=":material/error:")
            return None
        if report is None:
            status.update(label="A sync is already running", state="complete")
            st.info("Another sync is running; its results show on the next rerun.")
            return None
        label = f"Synced in {report.seconds:.1f} s with {report.requests} requests"
        if report.problems:
            label += f": {report.quarantined_rows} rows quarantined"
        status.update(label=label, state="complete", expanded=False)
    return report


def spreadsheet_url() -> str | None:
    """The configured spreadsheet's address, or None without a (valid) gsheets connection."""
    if not settings.gsheets_configured():
        return None
    try:
        return gsheets.gsheets().reader.settings.spreadsheet_url
    except sheets_api.SheetsError:
        return None


def sync_ttl_minutes() -> int:
    return int(settings.sync_ttl().total_seconds() // 60)


def link_choices(key: str, known: Sequence[str]) -> str | None:
    """Bind a page's multiselect (``key``) to ``?key=`` in the link, by code, not by label.

    Call before drawing the widget. On the widget's first draw in a session its value comes from
    the link (values the page does not know are dropped; the note saying so is returned). Call
    :func:`write_link` after drawing it, so that a copied link opens the same view. (Streamlit's
    own ``bind="query-params"`` puts the option's *label* in the link: ``?chamber=State+senate``.)
    """
    note = None
    if key not in st.session_state:
        requested = [v.strip() for v in st.query_params.get_all(key) if v.strip()]
        note = note_unknown(key, requested, known)
        by_upper = {k.upper(): k for k in known}
        st.session_state[key] = list(
            dict.fromkeys(by_upper[v.upper()] for v in requested if v.upper() in by_upper)
        )
    return note


def link_text(key: str) -> None:
    """Bind a page's text input (``key``) to ``?key=`` in the link, as :func:`link_choices`."""
    if key not in st.session_state:
        st.session_state[key] = st.query_params.get(key, "")


def write_link(key: str) -> None:
    """Put a page widget's current value into the link (after the widget is drawn)."""
    value = st.session_state.get(key)
    values = [value] if isinstance(value, str) else list(value or [])
    values = [v for v in values if v]
    if values:
        if st.query_params.get_all(key) != values:
            st.query_params[key] = values
    elif key in st.query_params:
        del st.query_params[key]


# --- what limits the pace (Progress) -----------------------------------------------------------
_DETAIL_LINKS = {
    "projects": ("pages/projects.py", "Projects: every project, its status and dates"),
    "staffing": ("pages/staffing.py", "Staffing: open seats and who to ask"),
}


def bottleneck_section(ctx: PageContext) -> None:
    """What limits the pace, in one sentence, with a link to the page with the detail.

    Nothing for a view without a single project (the page says why it is empty)."""
    stages = ctx.query(bottleneck.funnel, ctx.filters, ctx.as_of)
    if not stages["projects"].sum():
        return
    found = ctx.query(bottleneck.limiting_step, ctx.filters, ctx.as_of)
    st.subheader("What limits the pace", help=bottleneck.RULE_HELP)
    st.info(f"**{found.sentence}**", icon=":material/filter_alt:")
    page, text = _DETAIL_LINKS[found.page]
    if ctx.viewer.may_open(found.page):
        st.page_link(page, label=text, icon=":material/arrow_forward:")


def funnel_section(ctx: PageContext) -> None:
    """Projects from scoping to active to completed, with the median weeks each step takes."""
    stages = ctx.query(bottleneck.funnel, ctx.filters, ctx.as_of)
    if not stages["projects"].sum():
        return
    st.subheader("From scoping to completed", help=bottleneck.FUNNEL_HELP)
    chart(progress_charts.funnel_chart, stages, width="stretch")


# --- a view with no data: say why and offer the view that has it --------------------------------
# Pages that pick their own cycle (States), cover every cycle (the kit) or do not filter by state.
_OWN_CYCLE_PAGES = ("states", "fundraising_kit", "glossary", "data_health")


def _show_cycle(cycle: int) -> None:
    st.session_state[CYCLE] = str(cycle)


def empty_view_note(ctx: PageContext, page: str) -> None:
    """When the states in view had no program races in the cycle asked for, say so in one line
    and offer their latest cycle with races (as the States page picks it by itself)."""
    if page in _OWN_CYCLE_PAGES:
        return
    cycles = ctx.query(queries.cycles_with_races, ctx.filters.states)
    offer = coverage.cycle_offer(ctx.filters, cycles)
    if offer is None:
        return
    text, button = st.columns([4, 1], vertical_alignment="center")
    text.info(offer.message, icon=":material/event_busy:")
    button.button(
        f"Show {offer.cycle}",
        key="empty_view_cycle",
        on_click=_show_cycle,
        args=(offer.cycle,),
        icon=":material/event:",
        type="primary",
    )
