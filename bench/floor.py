"""The floor of each page view: the same elements drawn by a bare Streamlit app, from constants.

A page view's floor is what Streamlit itself costs to draw what that view draws. It is taken from
a run of the real page under AppTest: every message the run sent (page config, the sidebar's
widgets, the navigation, scorecards, tables, the very chart specs with their data, images and
downloads) is saved (:func:`capture`, :func:`save`), and ``bench/floor_app.py`` draws the same
elements again through Streamlit's public API (``st.metric``, ``st.dataframe``,
``st.vega_lite_chart`` with the saved spec and datasets, ``st.multiselect``...), in the same
containers, with no query, no pandas logic and no chart building: the data become DataFrames
once, when the floor app's process first loads them (:func:`load`).

A kind of element the floor cannot draw yet is a :class:`FloorError` (the floor test,
tests/test_bench_floor.py, compares the kinds of element each floor draws with its page's).
"""

from __future__ import annotations

import functools
import io
import json
import pickle
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

ROOT = Path(__file__).resolve().parent.parent


class FloorError(Exception):
    """A page drew something the floor cannot draw."""


# --- capture: the messages of a page's AppTest run ----------------------------------------------
@dataclass
class Capture:
    """What one run of a page view sent: its messages, and the files its elements point to."""

    name: str
    query: dict[str, str]
    messages: list[bytes]  # serialized ForwardMsgs, in the order sent
    media: dict[str, tuple[Any, str, str | None]] = field(default_factory=dict)  # url -> file


@contextmanager
def recording() -> Iterator[Callable[[str, dict[str, str]], Capture]]:
    """Record what AppTest runs send; ``take(name, query)`` gives the last run's Capture."""
    import streamlit.testing.v1.local_script_runner as local
    from streamlit.runtime.media_file_manager import MediaFileManager

    last: list[ForwardMsg] = []
    media: dict[str, tuple[Any, str, str | None]] = {}
    parse, add, add_deferred = (
        local.parse_tree_from_messages,
        MediaFileManager.add,
        MediaFileManager.add_deferred,
    )

    def keep_messages(messages):  # type: ignore[no-untyped-def]
        last[:] = list(messages)
        return parse(messages)

    def keep_file(self, data, mimetype, coordinates, file_name=None, **kwargs):  # type: ignore[no-untyped-def]
        url = add(self, data, mimetype, coordinates, file_name, **kwargs)
        media[url] = (data, mimetype, file_name)
        return url

    def keep_deferred(self, make, mimetype, coordinates, file_name=None, **kwargs):  # type: ignore[no-untyped-def]
        file_id = add_deferred(self, make, mimetype, coordinates, file_name, **kwargs)
        media[file_id] = (None, mimetype, file_name)  # made when clicked: nothing to hold
        return file_id

    local.parse_tree_from_messages = keep_messages
    MediaFileManager.add, MediaFileManager.add_deferred = keep_file, keep_deferred

    def take(name: str, query: dict[str, str]) -> Capture:
        used = {_file_ref(m) for m in last} - {""}
        return Capture(
            name, dict(query), [m.SerializeToString() for m in last],
            {url: media[url] for url in used if url in media},
        )  # fmt: skip

    try:
        yield take
    finally:
        local.parse_tree_from_messages = parse
        MediaFileManager.add, MediaFileManager.add_deferred = add, add_deferred


def _file_ref(msg: ForwardMsg) -> str:
    if msg.WhichOneof("type") != "delta" or msg.delta.WhichOneof("type") != "new_element":
        return ""
    element = msg.delta.new_element
    kind = element.WhichOneof("type")
    if kind == "download_button":
        return element.download_button.url or element.download_button.deferred_file_id
    if kind == "imgs" and element.imgs.imgs:
        return element.imgs.imgs[0].url
    return ""


def save(captures: list[Capture], directory: Path) -> Path:
    """Write the captures (one file for all the views, read by the floor app)."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "views.pickle"
    for capture in captures:
        for url, (data, mimetype, name) in list(capture.media.items()):
            if callable(data):
                capture.media[url] = (None, mimetype, name)
    path.write_bytes(pickle.dumps(captures))
    return path


def element_kinds(messages: list[ForwardMsg]) -> Counter[str]:
    """How many elements of each kind a run drew, blocks by their kind (``block:column``): what
    is on screen at the end (an element written over by a later one counts once)."""
    final: dict[tuple[int, ...], str] = {}
    for msg in messages:
        if msg.WhichOneof("type") != "delta":
            continue
        delta = msg.delta
        if delta.WhichOneof("type") == "new_element":
            kind = delta.new_element.WhichOneof("type")
        elif delta.WhichOneof("type") == "add_block":
            kind = "block:" + str(delta.add_block.WhichOneof("type"))
        else:
            continue
        final[tuple(msg.metadata.delta_path)] = kind
    return Counter(final.values())


# --- the floor app: what each view draws, as calls of Streamlit's API ---------------------------
@dataclass
class Op:
    """One call: ``containers[parent].<method>(*args, **kwargs)``; the containers it returns
    (blocks, a slot written more than once) are kept under the keys in ``opens``."""

    parent: tuple
    method: str
    args: tuple = ()
    kwargs: dict[str, Any] = field(default_factory=dict)
    opens: list[tuple] = field(default_factory=list)


@dataclass
class FloorView:
    name: str
    query: dict[str, str]
    page_hash: str  # the page it ran (an st.Page's hash follows its url path)
    router: list[Op]  # drawn before st.navigation: the sidebar, notes above the page
    page: list[Op]  # drawn by the page
    kinds: Counter[str]


@dataclass
class Floor:
    page_config: dict[str, Any]
    navigation: Any  # the Navigation message the real app sent
    views: list[FloorView]

    def view_for(self, page_hash: str, query: dict[str, str]) -> FloorView:
        """The view of this page whose query the link carries (the plain one otherwise)."""
        candidates = [v for v in self.views if v.page_hash == page_hash]
        if not candidates:
            raise FloorError(f"no captured view of page {page_hash}")
        matching = [v for v in candidates if all(query.get(k) == x for k, x in v.query.items())]
        return max(matching or candidates, key=lambda v: len(v.query))


def _frame(arrow: bytes):  # type: ignore[no-untyped-def]
    import pyarrow as pa

    return pa.ipc.open_stream(io.BytesIO(arrow)).read_all().to_pandas()


def _user_key(element_id: str) -> str | None:
    # "$$ID-<hash>-<key>": the key the page gave the widget, if any.
    parts = element_id.split("-", 2)
    return parts[2] if len(parts) == 3 and parts[2] != "None" and parts[2] else None


def _width(element) -> str | int:  # type: ignore[no-untyped-def]
    config = element.width_config
    if config.pixel_width:
        return config.pixel_width
    return "content" if config.use_content and not config.use_stretch else "stretch"


def _height(element) -> str | int | None:  # type: ignore[no-untyped-def]
    config = element.height_config
    if config.pixel_height:
        return config.pixel_height
    return None


def _day(text: str) -> date:
    return date.fromisoformat(text.replace("/", "-"))


def _element_op(path: tuple[int, ...], element, media) -> Op:  # type: ignore[no-untyped-def]  # type: ignore[no-untyped-def]
    kind = element.WhichOneof("type")
    proto = getattr(element, kind)
    parent = path[:-1]
    if kind == "markdown":
        types = type(proto)
        if proto.element_type == types.CAPTION:
            return Op(parent, "caption", (proto.body,), {"help": proto.help or None})
        if proto.element_type == types.DIVIDER:
            return Op(parent, "divider")
        if proto.element_type == types.LATEX:
            return Op(parent, "latex", (proto.body,))
        return Op(parent, "markdown", (proto.body,),
                  {"help": proto.help or None, "unsafe_allow_html": proto.allow_html})  # fmt: skip
    if kind == "heading":
        method = {"h1": "title", "h2": "header"}.get(proto.tag, "subheader")
        kwargs: dict[str, Any] = {"help": proto.help or None}
        if proto.anchor:
            kwargs["anchor"] = proto.anchor
        if proto.divider and method != "title":
            kwargs["divider"] = True
        return Op(parent, method, (proto.body,), kwargs)
    if kind == "alert":
        method = {1: "error", 2: "warning", 3: "info", 4: "success"}.get(proto.format)
        if method is None:
            raise FloorError(f"an alert of format {proto.format}")
        return Op(parent, method, (proto.body,), {"icon": proto.icon or None})
    if kind == "metric":
        colors = type(proto)
        if not proto.delta:
            delta_color = "normal"
        elif proto.color == colors.GRAY:
            delta_color = "off"
        else:
            delta_color = "normal" if (proto.color == colors.GREEN) == (
                proto.direction == colors.UP) else "inverse"  # fmt: skip
        return Op(parent, "metric", (proto.label, proto.body), {
            "delta": proto.delta or None, "delta_color": delta_color, "help": proto.help or None,
            "border": proto.show_border, "chart_data": list(proto.chart_data) or None,
        })  # fmt: skip
    if kind == "vega_lite_chart":
        spec = json.loads(proto.spec)
        if proto.datasets:
            # Shapes (GeoJSON) stay in the spec's datasets; the tables were sent as Arrow.
            tables = {d.name: _frame(d.data.data) for d in proto.datasets}
            spec["datasets"] = {**spec.get("datasets", {}), **tables}
        data = _frame(proto.data.data) if proto.data.data else None
        kwargs = {"theme": "streamlit" if proto.theme == "streamlit" else None,
                  "width": _width(element)}  # fmt: skip
        if _height(element):
            kwargs["height"] = _height(element)
        if proto.selection_mode:
            kwargs |= {"on_select": "rerun", "selection_mode": list(proto.selection_mode),
                       "key": _user_key(proto.id)}  # fmt: skip
        return Op(parent, "vega_lite_chart", (data, spec), kwargs)
    if kind == "dataframe":
        kwargs = {"width": _width(element), "column_order": list(proto.column_order) or None}
        if _height(element):
            kwargs["height"] = _height(element)
        config = json.loads(proto.columns) if proto.columns else {}
        if config:
            kwargs["column_config"] = config
        if proto.selection_mode:
            modes = {0: "single-row", 1: "multi-row", 2: "single-column", 3: "multi-column",
                     4: "single-cell", 5: "multi-cell"}  # fmt: skip
            kwargs |= {"on_select": "rerun", "key": _user_key(proto.id),
                       "selection_mode": [modes[m] for m in proto.selection_mode]}  # fmt: skip
        return Op(parent, "dataframe", (_frame(proto.arrow_data.data),), kwargs)
    # A widget shows the value the page set (session state, the link) when it set one.
    if kind == "selectbox":
        index = proto.default if proto.HasField("default") else None
        if proto.set_value and proto.HasField("raw_value") and proto.raw_value in proto.options:
            index = list(proto.options).index(proto.raw_value)
        return Op(parent, "selectbox", (proto.label, list(proto.options)), {
            "index": index, "key": _user_key(proto.id), "help": proto.help or None,
            "placeholder": proto.placeholder or None,
        })  # fmt: skip
    if kind == "multiselect":
        options = list(proto.options)
        chosen = list(proto.raw_values) if proto.set_value else [options[i] for i in proto.default]
        return Op(parent, "multiselect", (proto.label, options), {
            "default": chosen, "key": _user_key(proto.id),
            "placeholder": proto.placeholder or None, "help": proto.help or None,
        })  # fmt: skip
    if kind == "date_input":
        days = [_day(d) for d in (proto.value if proto.set_value else proto.default)]
        value = tuple(days) if proto.is_range else (days[0] if days else None)
        return Op(parent, "date_input", (proto.label,), {
            "value": value, "min_value": _day(proto.min) if proto.min else None,
            "max_value": _day(proto.max) if proto.max else None, "key": _user_key(proto.id),
            "format": proto.format or "YYYY/MM/DD", "help": proto.help or None,
        })  # fmt: skip
    if kind == "text_input":
        return Op(parent, "text_input", (proto.label,), {
            "value": proto.value if proto.set_value else proto.default,
            "placeholder": proto.placeholder or None,
            "key": _user_key(proto.id), "help": proto.help or None,
        })  # fmt: skip
    if kind == "number_input":
        integer = proto.data_type == type(proto).INT
        number = int if integer else float
        return Op(parent, "number_input", (proto.label,), {
            "min_value": number(proto.min) if proto.has_min else None,
            "max_value": number(proto.max) if proto.has_max else None,
            "value": number(proto.value) if proto.set_value and proto.HasField("value") else (
                number(proto.default) if proto.HasField("default") else None),
            "step": number(proto.step) if proto.step else None, "key": _user_key(proto.id),
            "help": proto.help or None,
        })  # fmt: skip
    if kind == "button":
        return Op(parent, "button", (proto.label,), {
            "key": _user_key(proto.id), "type": proto.type or "secondary",
            "icon": proto.icon or None, "help": proto.help or None,
        })  # fmt: skip
    if kind == "download_button":
        ref = proto.url or proto.deferred_file_id
        data, mimetype, file_name = media.get(ref, (b"", "application/octet-stream", None))
        return Op(parent, "download_button", (proto.label, data if data is not None else _later), {
            "file_name": file_name, "mime": mimetype, "key": _user_key(proto.id),
            "icon": proto.icon or None, "type": proto.type or "secondary",
            "on_click": "ignore" if proto.ignore_rerun else "rerun", "width": _width(element),
        })  # fmt: skip
    if kind == "button_group":
        options = [o.content for o in proto.options]
        method = "pills" if proto.style == type(proto).PILLS else "segmented_control"
        multi = proto.click_mode == type(proto).MULTI_SELECT
        default = list(proto.raw_values) if proto.set_value else [options[i] for i in proto.default]
        return Op(parent, method, (proto.label, options), {
            "default": default if multi else (default[0] if default else None),
            "selection_mode": "multi" if multi else "single", "key": _user_key(proto.id),
            "required": proto.required, "help": proto.help or None,
        })  # fmt: skip
    if kind == "imgs":
        images = [media.get(img.url, (img.url, None, None))[0] for img in proto.imgs]
        captions = [img.caption for img in proto.imgs]
        return Op(parent, "image", (images if len(images) > 1 else images[0],), {
            "caption": (captions if len(captions) > 1 else captions[0]) or None,
            "width": _width(element),
        })  # fmt: skip
    if kind == "code":
        return Op(parent, "code", (proto.code_text,), {
            "language": proto.language or None, "wrap_lines": proto.wrap_lines,
        })  # fmt: skip
    if kind == "page_link":
        return Op(parent, "page_link", (proto.page_script_hash,), {
            "label": proto.label, "icon": proto.icon or None, "help": proto.help or None,
        })  # fmt: skip
    if kind == "empty":
        return Op(parent, "empty")
    if kind == "html":
        # A style-only st.html lands in the event container (path [2, ...]); st.html puts it
        # there again when called on the main area.
        return Op((0,) if parent[:1] == (2,) else parent, "html", (proto.body,))
    raise FloorError(f"the floor cannot draw a {kind} element (at {list(path)}) yet")


def _later() -> bytes:
    return b""


def _block_ops(deltas: list[tuple[tuple[int, ...], Any]]) -> dict[int, Op]:
    """The calls that open the blocks, by delta index; columns and tabs open all at once."""
    ops: dict[int, Op] = {}
    for i, (path, delta) in enumerate(deltas):
        if delta.WhichOneof("type") != "add_block":
            continue
        block = delta.add_block
        kind = block.WhichOneof("type")
        children = [(p, d.add_block) for p, d in deltas
                    if p[:-1] == path and d.WhichOneof("type") == "add_block"]  # fmt: skip
        parent = path[:-1]
        if (
            kind == "flex_container"
            and children
            and all(b.WhichOneof("type") == "column" for _, b in children)
        ):
            weights = [b.column.weight for _, b in children]
            ops[i] = Op(parent, "columns", (weights,), {}, [p for p, _ in children])
        elif kind == "flex_container":
            ops[i] = Op(parent, "container", (), {"border": block.flex_container.border}, [path])
        elif kind == "tab_container":
            labels = [b.tab.label for _, b in children]
            ops[i] = Op(parent, "tabs", (labels,), {}, [p for p, _ in children])
        elif kind == "expandable":
            expandable = block.expandable
            ops[i] = Op(parent, "expander", (expandable.label,),
                        {"expanded": expandable.expanded}, [path])  # fmt: skip
        elif kind not in ("column", "tab"):  # those open with their parent
            raise FloorError(f"the floor cannot open a {kind} block (at {list(path)}) yet")
    return ops


def _ops(deltas: list[tuple[tuple[int, ...], Any]], media) -> list[Op]:  # type: ignore[no-untyped-def]
    blocks = _block_ops(deltas)
    written = Counter(path for path, _ in deltas)
    ops: list[Op] = []
    slots: set[tuple] = set()
    for i, (path, delta) in enumerate(deltas):
        kind = delta.WhichOneof("type")
        if kind == "add_block":
            if i in blocks:
                ops.append(blocks[i])
            continue
        if kind != "new_element":
            raise FloorError(f"the floor cannot replay a {kind} delta yet")
        op = _element_op(path, delta.new_element, media)
        if written[path] > 1:  # a slot the page wrote more than once: st.empty, then each
            slot = ("slot", *path)
            if slot not in slots:
                ops.append(Op(path[:-1], "empty", (), {}, [slot]))
                slots.add(slot)
            op.parent = slot
        ops.append(op)
    return ops


def floor_from(captures: list[Capture]) -> Floor:
    """The floor of every captured view, with its data as DataFrames."""
    config: dict[str, Any] = {}
    navigation = None
    views = []
    for capture in captures:
        messages = [ForwardMsg.FromString(m) for m in capture.messages]
        router: list[tuple[tuple[int, ...], Any]] = []
        page: list[tuple[tuple[int, ...], Any]] = []
        target = router
        page_hash = ""
        for msg in messages:
            kind = msg.WhichOneof("type")
            if kind == "page_config_changed" and not config:
                pc = msg.page_config_changed
                config = {"page_title": pc.title or None, "page_icon": pc.favicon or None,
                          "layout": "wide" if pc.layout == type(pc).WIDE else "centered",
                          "initial_sidebar_state": {1: "expanded", 2: "collapsed"}.get(
                              pc.initial_sidebar_state, "auto")}  # fmt: skip
            elif kind == "navigation":
                navigation = navigation or msg.navigation
                page_hash = msg.navigation.page_script_hash
                target = page
            elif kind == "delta":
                target.append((tuple(msg.metadata.delta_path), msg.delta))
        views.append(FloorView(
            capture.name, capture.query, page_hash, _ops(router, capture.media),
            _ops(page, capture.media), element_kinds(messages),
        ))  # fmt: skip
    if navigation is None:
        raise FloorError("no st.navigation in the captured runs")
    return Floor(config, navigation, views)


@functools.cache
def load(path: str) -> Floor:
    """The floor saved at ``path``, built once per process: the floor app's constants."""
    return floor_from(pickle.loads(Path(path).read_bytes()))


def draw(ops: list[Op], pages: dict[str, Any]) -> None:
    """Make the calls, each on its container (the main area, the sidebar, or one an earlier call
    opened); ``pages`` are the floor's pages by hash, for ``st.page_link``."""
    import streamlit as st

    containers: dict[tuple, Any] = {(0,): st._main, (1,): st.sidebar}
    for op in ops:
        if op.parent not in containers:
            raise FloorError(f"no container at {list(op.parent)} for {op.method}")
        args = op.args
        if op.method == "page_link":
            args = (pages[args[0]], *args[1:])
        elif op.method == "vega_lite_chart":  # Streamlit takes the tables out of the spec it gets
            args = (args[0], dict(args[1]))
        made = getattr(containers[op.parent], op.method)(*args, **op.kwargs)
        if op.opens:
            opened = made if isinstance(made, list | tuple) else [made]
            containers.update(zip(op.opens, opened, strict=True))


def capture_views(db_url: str, views: list) -> list[Capture]:  # type: ignore[type-arg]
    """Each page view (bench.views.PageView) opened directly under AppTest, as its link opens it
    on a server, and what it sent."""
    from bench.apptest_timing import navigation_shim, open_page

    captures = []
    with navigation_shim(), recording() as take:
        for view in views:
            at = open_page(db_url, view.script, view.query)
            at.run()
            if at.exception:
                raise FloorError(f"{view.name}: {at.exception[0].value}")
            captures.append(take(view.name, view.query))
    return captures
