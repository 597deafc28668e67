"""States: the program's coverage of the state legislatures, nationally and district by district.

Exactly one state in the sidebar opens that state's view (``?state=VA&chamber=lower``); no state
or several show the national view.
"""

import streamlit as st

from tfc_dash.charts import maps
from tfc_dash.core import catalogue
from tfc_dash.core.text import day_label
from tfc_dash.figures import coverage, geo, queries, reference
from tfc_dash.figures.filters import FIFTY_STATES, STATE_NAMES, Filters
from tfc_dash.store.models import CATEGORY_LABELS
from tfc_dash.web import ui

# Widget keys; CHAMBER and DISTRICT are also the page's own query parameters.
CHAMBER, DISTRICT, METRIC, OPEN_STATE = "chamber", "district", "states_metric", "states_open"
AREA, WHOLE_STATE, MAP = "states_area", "Whole state", "states_map"
_VIEW = "_states_view"  # (state, chamber) shown last, to tell entering a view from staying
_NOT_OPENED = "_states_not_opened"  # a state clicked on the map that has no view

ctx = ui.page_context()
filters, as_of = ctx.filters, ctx.as_of


def open_state() -> None:
    if st.session_state.get(OPEN_STATE):
        st.session_state[ui.STATE] = [st.session_state[OPEN_STATE]]


def openable_states() -> list[str]:
    """States the sidebar can pick (those in the data) that the viewer may see."""
    states = [s for s in ctx.query(queries.states_in_data) if s in FIFTY_STATES]
    return states if filters.states is None else [s for s in states if s in filters.states]


def open_clicked_state() -> None:
    event = st.session_state.get(MAP)
    state = maps.picked_state(event.selection) if event is not None else None
    if state in openable_states():
        st.session_state[ui.STATE] = [state]
    elif state:
        st.session_state[_NOT_OPENED] = state


def all_states() -> None:
    st.session_state[ui.STATE] = []


def show_problems(page_filters: Filters) -> None:
    problems = ctx.query(coverage.district_problems, page_filters, as_of)
    if problems.empty:
        return
    st.warning(
        f"**{len(problems)} row(s) name a district their chamber does not have**; they are left "
        "out of the figures. Fix them in the spreadsheet (tabs Campaigns and Districts).",
        icon=":material/wrong_location:",
    )
    with st.expander("Rows left out"):
        ctx.table(problems, "district_problems", "tfc-district-problems.csv", width="stretch")


def national_view() -> None:
    st.session_state[_VIEW] = None
    for key in (CHAMBER, DISTRICT):
        if key in st.query_params:
            del st.query_params[key]

    head, pick = st.columns([3, 1], vertical_alignment="bottom")
    head.title("States")
    head.caption(f"{filters.describe()} · as of {day_label(as_of)}")
    pick.selectbox(
        "Open a state's districts",
        openable_states(),
        index=None,
        format_func=lambda s: f"{STATE_NAMES[s]} ({s})",
        key=OPEN_STATE,
        on_change=open_state,
        placeholder="Pick a state",
    )
    if filters.states is not None and not filters.states:
        st.info("No state in view: the states picked are outside your access.")
        return

    clicked = st.session_state.pop(_NOT_OPENED, None)
    if clicked:
        st.info(
            f"{STATE_NAMES[clicked]} has no program campaigns in the data, so it has no view of "
            "its own yet.",
            icon=":material/info:",
        )

    table = ctx.query(coverage.chamber_coverage, filters, as_of)
    ui.scorecards(coverage.national_scorecards(coverage.coverage_totals(table)), per_row=4)
    show_problems(filters)

    st.subheader("Where the program works")
    metric = st.segmented_control(
        "Shade states by",
        list(maps.METRICS),
        format_func=maps.METRICS.__getitem__,
        default="projects",
        required=True,
        key=METRIC,
    )
    try:
        shapes = geo.us_states()
    except geo.ShapesError as exc:
        st.warning(f"The map cannot be drawn: {exc}.", icon=":material/map:")
    else:
        by_state = ctx.query(coverage.program_by_state, filters, as_of)
        ui.chart(
            maps.us_choropleth,
            by_state,
            shapes,
            geo.state_fips(),
            metric,
            width="stretch",
            key=MAP,
            on_select=open_clicked_state,
            selection_mode=maps.PICK,
        )
        st.caption(
            "Projects started by the as-of date, the campaigns they serve and the volunteers on "
            "them, for every office (state legislature, Congress, statewide). Click a state to "
            "open its districts."
        )

    st.subheader("State legislatures, chamber by chamber")
    display = coverage.coverage_display(table)
    ui.dataframe(
        display,
        hide_index=True,
        width="stretch",
        height=420,
        column_config={
            "state": st.column_config.TextColumn(catalogue.column_label("state"), width="small"),
            "chamber": catalogue.column_label("chamber"),
            **{
                name: st.column_config.NumberColumn(
                    catalogue.label(name), format="%d", help=catalogue.definition(name)
                )
                for name in coverage.DISPLAY_FIGURES.values()
            },
        },
    )
    corrections = ", ".join(
        f"{STATE_NAMES[s]} {'House' if c == 'lower' else 'Senate'} {n}"
        for (s, c), n in reference.SEAT_CORRECTIONS_2018.items()
    )
    st.caption(
        "Seats and districts: openstates-metadata (today's legislatures), corrected to the 2018 "
        f"cycle ({corrections} seats), which gives the {reference.SEATS_2018_TOTAL:,} state "
        "legislative seats of 2018. Nebraska's unicameral legislature is its upper chamber. "
        "Legislative races won count races decided by the as-of date: a race is decided on its "
        "election day."
    )
    ctx.download_csv(
        display, "tfc_coverage_by_chamber.csv", "Download the table (CSV)", key="states_csv"
    )


def chamber_from_link(state: str, keys: list[str], notes: list[str]) -> None:
    """Put the chamber widget on the link's chamber when entering a state's view."""
    prior = st.session_state.get(_VIEW)
    entering = prior is None or prior[0] != state
    if entering or st.session_state.get(CHAMBER) not in keys:
        wanted, note = coverage.parse_chamber(state, st.query_params.get(CHAMBER))
        if note:
            notes.append(note)
        current = st.session_state.get(CHAMBER)
        st.session_state[CHAMBER] = wanted or (current if current in keys else keys[0])


def district_from_link(state: str, chamber: str, notes: list[str]) -> None:
    """Put the district lookup on the link's district when the link opened this view."""
    prior = st.session_state.get(_VIEW)
    if prior == (state, chamber):
        return
    wanted = None
    if prior is None:
        wanted, note = coverage.parse_district(state, chamber, st.query_params.get(DISTRICT))
        if note:
            notes.append(note)
    st.session_state[DISTRICT] = wanted


def state_view(state: str) -> None:
    name = STATE_NAMES.get(state, state)
    chambers = coverage.state_chambers(state)
    if not chambers:
        st.title(name)
        st.warning(
            f"{name} ({state}) is not one of the 50 states, so it has no state legislature to "
            "map. Pick a state in the sidebar.",
            icon=":material/location_off:",
        )
        return
    keys = [key for key, _ in chambers]
    names = dict(chambers)
    notes: list[str] = []
    chamber_from_link(state, keys, notes)
    chamber = st.session_state[CHAMBER]
    district_from_link(state, chamber, notes)
    st.session_state[_VIEW] = (state, chamber)
    st.query_params[CHAMBER] = chamber

    cycles = ctx.query(coverage.chamber_cycles, Filters(states=(state,)), chamber)
    cycle, moved = coverage.view_cycle(filters.cycle, cycles)
    scoped = Filters(cycle=cycle, states=(state,), categories=filters.categories)
    statuses = ctx.query(coverage.chamber_statuses, scoped, state, chamber, as_of)
    races = ctx.query(coverage.chamber_races, scoped, state, chamber, as_of)
    results = coverage.chamber_results(races)
    labels = dict(zip(statuses["district"], statuses["label"], strict=True))

    st.title(f"{name} · {names[chamber]}")
    when = f"{cycle} election" if cycle else "all cycles"
    categories = (
        "all categories"
        if filters.categories is None
        else ", ".join(CATEGORY_LABELS[c] for c in filters.categories)
    )
    st.caption(f"{when} · as of {day_label(as_of)} · {categories}")
    pick_chamber, pick_district, back = st.columns([2, 2, 1], vertical_alignment="bottom")
    pick_chamber.segmented_control(
        "Chamber", keys, format_func=names.__getitem__, required=True, key=CHAMBER
    )
    selected = pick_district.selectbox(
        "Look up a district",
        list(labels),
        index=None,
        format_func=labels.__getitem__,
        key=DISTRICT,
        placeholder="Pick a district",
    )
    if selected:
        st.query_params[DISTRICT] = selected
    elif DISTRICT in st.query_params:
        del st.query_params[DISTRICT]
    if ctx.viewer.states is None:
        back.button("All states", icon=":material/public:", on_click=all_states, key="states_back")

    cycle_note = coverage.cycle_note(
        f"{name}'s {names[chamber]}", filters.cycle, cycle, moved, bool(cycles)
    )
    if cycle_note:
        st.info(cycle_note, icon=":material/event:")
    for note in notes:
        st.warning(note, icon=":material/link_off:")

    ui.scorecards(coverage.chamber_scorecards(statuses, results), per_row=4)
    show_problems(scoped)
    if selected:
        with st.container(border=True):
            st.markdown(coverage.district_summary(statuses, selected))

    st.subheader("Districts")
    shapes = None
    try:
        shapes = geo.district_shapes(state, chamber)
    except geo.ShapesError as exc:
        st.warning(
            f"The district map cannot be drawn ({exc}): the districts are shown as tiles.",
            icon=":material/map:",
        )
    if shapes is not None:
        missing = [label for d, label in labels.items() if d not in shapes.ids]
        if missing:
            st.warning(
                f"{len(missing)} district(s) have no shape and are not on the map: "
                f"{', '.join(missing[:10])}{'…' if len(missing) > 10 else ''}.",
                icon=":material/map:",
            )
        areas = geo.AREAS.get(state, {})
        only = None
        if areas:
            area = st.segmented_control(
                "Zoom to",
                [WHOLE_STATE, *areas],
                default=WHOLE_STATE,
                required=True,
                key=AREA,
            )
            if area in areas:
                only = shapes.ids_within(areas[area])
        ui.chart(maps.district_map, statuses, shapes, selected, only, width="stretch")
        st.caption(f"Shapes: {shapes.description} (US Census Bureau), simplified.")
    else:
        ui.chart(maps.tile_grid, statuses, selected, width="content")
        st.caption("No district shapes for this chamber: one tile per district, in number order.")

    targets_col, _ = st.columns([3, 1])
    with targets_col:
        st.subheader("Targets without a project")
        targets = coverage.targets_display(statuses)
        if targets.empty:
            scored = statuses["winnability"].notna().any()
            st.info(
                "Every targeted district has a project."
                if scored
                else "The data squad has not scored this chamber's districts yet."
            )
        else:
            st.caption("Targeted districts where no program project has started, most winnable "
                       "first.")  # fmt: skip
            ui.dataframe(
                targets,
                hide_index=True,
                width="stretch",
                height=min(38 + 35 * len(targets), 420),
                column_config={
                    "rank": st.column_config.NumberColumn(catalogue.column_label("rank"), width=40),
                    "district": st.column_config.TextColumn("District", width="small"),
                    "winnability": st.column_config.ProgressColumn(
                        "Winnability", min_value=0, max_value=100, format="%.0f"
                    ),
                    "held_by": st.column_config.TextColumn("Held by", width=60),
                    "previous_margin": st.column_config.NumberColumn(
                        "Previous margin", format="percent"
                    ),
                },
            )
    st.subheader("Results")
    if races.empty:
        st.info("No program races in this chamber for this cycle.")
    else:
        st.markdown(coverage.results_sentence(results))
        ctx.table(
            coverage.races_display(races),
            "races_display",
            f"tfc_{state.lower()}_{chamber}_races.csv",
            width="stretch",
            column_config={
                "district": st.column_config.TextColumn("District", width="small"),
                "candidate": "Candidate",
                "projects": st.column_config.NumberColumn(
                    catalogue.label("projects_started"), format="%d", width=60
                ),
                "volunteers": st.column_config.NumberColumn(
                    catalogue.label("volunteers_deployed"), format="%d", width=70
                ),
                "result": st.column_config.TextColumn("Result", width=60),
                "vote_share": st.column_config.NumberColumn(
                    "Vote share", format="percent", width=70
                ),
                "held_before": st.column_config.TextColumn("Held before", width=60),
                "flipped": st.column_config.CheckboxColumn(
                    catalogue.column_label("flipped"), width=50
                ),
            },
        )
    ctx.download_csv(
        coverage.districts_display(statuses),
        f"tfc_{state.lower()}_{chamber}_districts.csv",
        "Download the districts (CSV)",
        key="states_districts_csv",
    )


if filters.states is not None and len(filters.states) == 1:
    state_view(filters.states[0])
else:
    national_view()
