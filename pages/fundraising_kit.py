"""Fundraising kit: branded charts and the headline numbers, ready for updates and donors."""

import functools

import streamlit as st

from tfc_dash.core.text import day_label
from tfc_dash.kit import drawing, fundraising_kit, headline
from tfc_dash.web import ui

ctx = ui.page_context()
bundle = ctx.query(fundraising_kit.build_page_kit, ctx.filters, ctx.as_of)

st.title("Fundraising kit")
scope = bundle.scope[:1].upper() + bundle.scope[1:]  # "Virginia", never "Va"
st.caption(
    f"{scope}, every cycle up to {day_label(bundle.as_of)} · charts as PNG (for link posts, "
    "square posts, or wide at twice screen resolution) and SVG, with the figures behind each as "
    "CSV · no volunteer's name or email anywhere"
)
if bundle.is_demo:
    st.warning(
        "**Drawn from the demo data: do not publish.** Every chart and the headline say so.",
        icon=":material/science:",
    )
if bundle.missing:
    st.info(
        "**Not in the kit today:** "
        + " ".join(f"{m[0].upper()}{m[1:]}" for m in bundle.missing)
        + " The rest is ready.",
        icon=":material/info:",
    )

for note in bundle.goal_notes:  # ops' words, not the sheet's: markdown as written
    st.info(note, icon=":material/flag:")

st.subheader("Headline")
st.code(bundle.headline, language=None, wrap_lines=True)
left, right = st.columns([3, 1])
left.caption("Copy it with the button at the top right of the box, or download it.")
right.download_button(
    "Headline (TXT)",
    headline.headline_bytes(bundle.headline),
    file_name=bundle.headline_file,
    mime="text/plain",
    key="kit_headline",
    on_click="ignore",
    icon=":material/download:",
)

st.subheader("Charts")
png_size = st.segmented_control(
    "PNG size",
    list(drawing.SIZE_LABELS),
    format_func=drawing.SIZE_LABELS.__getitem__,
    default=drawing.CURRENT,
    required=True,
    key="kit_png_size",
    help="Each size is laid out for its shape: 1200 × 675 for link posts, 1080 × 1080 for "
    "square posts, or the wide chart shown here.",
)
for start in range(0, len(bundle.charts), 2):
    for column, chart in zip(st.columns(2), bundle.charts[start : start + 2], strict=False):
        with column.container(border=True):
            st.markdown(f"**{chart.name}**")
            if chart.ready and png_size != drawing.CURRENT:
                # A posting size: its own layout, as the PNG will be.
                st.image(drawing.chart_png(chart, png_size), width="stretch")
            elif chart.ready:
                # The SVG file itself: crisp at any size, and cheap to send on every rerun.
                st.image(chart.svg.decode("utf-8"), width="stretch")
            else:
                st.info(f"Not available: {chart.missing}", icon=":material/block:")
            png, svg, csv = st.columns(3)
            if chart.ready:
                png.download_button(
                    "PNG",
                    functools.partial(drawing.chart_png, chart, png_size),  # made when asked for
                    file_name=bundle.file_name(chart.key, "png", png_size),
                    mime="image/png",
                    key=f"kit_png_{chart.key}",
                    on_click="ignore",
                    icon=":material/image:",
                    width="stretch",
                )
                svg.download_button(
                    "SVG",
                    chart.svg,
                    file_name=bundle.file_name(chart.key, "svg"),
                    mime="image/svg+xml",
                    key=f"kit_svg_{chart.key}",
                    on_click="ignore",
                    icon=":material/draw:",
                    width="stretch",
                )
            if not chart.data.empty:
                with csv:
                    ctx.download_csv(
                        chart.data,
                        bundle.file_name(chart.key, "csv"),
                        "CSV",
                        key=f"kit_csv_{chart.key}",
                    )

st.caption(
    "Every cycle up to the as-of date, narrowed by the sidebar's states and categories; the "
    "progress chart tracks the goal of the cycle picked in the sidebar (or the next goal ahead). "
    "`python -m tfc_dash export --out DIR` writes the same files for the weekly update."
)
