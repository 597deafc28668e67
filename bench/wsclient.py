"""One Streamlit session over Streamlit's own websocket protocol, as its frontend speaks it, with
no browser: what the server does for a person, without measuring Chromium.

What the frontend does (streamlit's frontend/connection/WebsocketConnection and App's
``sendRerunBackMsg``, checked against the 1.67 bundle the installed package serves):

- it opens ``/_stcore/stream`` with the subprotocols ``streamlit`` and an auth-token
  placeholder (a reconnecting tab adds its old session id);
- every run it wants is a ``BackMsg.rerun_script`` (a ``ClientState``): the first by the page's
  name (the link's path) and the link's query string; a page change by that page's
  ``page_script_hash`` (from the ``navigation`` message) with the query cleared and the states of
  the widgets the router drew (the sidebar); a widget change with the state of every widget on
  screen, on the current page, with the current query string; always with the hashes of the
  messages it holds in its cache (``cached_message_hashes``) and the browser's context;
- the server answers with ``ForwardMsg``s: ``new_session`` as a run starts, the elements and
  blocks (``delta``, at a ``delta_path``), ``navigation``, ``page_info_changed`` (the query
  string the page set), and ``script_finished``; a message the client listed comes back as a
  ``ref_hash`` to its cached copy. A run the script restarted itself (``st.rerun``) finishes
  ``FINISHED_EARLY_FOR_RERUN`` and goes on; the view is done at ``FINISHED_SUCCESSFULLY``.

Each request gives a :class:`View`: seconds from the request (for a link, from opening the
websocket) to ``script_finished``, the elements drawn, exceptions (``Exception`` elements, a
script that did not compile, a page not found) and error messages (``st.error``), or why it never
finished.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

FINISHED = ForwardMsg.ScriptFinishedStatus
# What the frontend sends as the first subprotocol entry when its host gives it no token.
AUTH_PLACEHOLDER = "PLACEHOLDER_AUTH_TOKEN"


@dataclass
class View:
    """One request of a session and what came back for it."""

    kind: str  # link, filter, page, rerun
    page: str  # the page's url path ("" for the default page)
    started: float  # time.time() when requested
    seconds: float | None = None  # to script_finished; None when it never finished
    finished: bool = False
    exceptions: list[str] = field(default_factory=list)
    error_messages: list[str] = field(default_factory=list)
    elements: Counter[str] = field(default_factory=Counter)
    messages: int = 0
    bytes_received: int = 0
    problem: str = ""  # why it never finished
    session: int = 0  # which session made it (the load generator's numbering)

    @property
    def errors(self) -> list[str]:
        return self.exceptions + self.error_messages


@dataclass
class _Widget:
    label: str
    state: WidgetState
    from_router: bool  # drawn by the main script (the sidebar), kept over a page change
    options: list[str]


def _widget_state(kind: str, proto, known: WidgetState | None) -> WidgetState | None:
    """The state the frontend holds for a widget it was just sent: the value the server set, or
    the one it already holds, or the widget's default. None for widgets it sends nothing for
    until they are used (buttons, selections)."""
    if known is not None and not proto.set_value:
        return known
    state = WidgetState(id=proto.id)
    if kind == "selectbox":
        if proto.set_value and proto.HasField("raw_value"):
            state.string_value = proto.raw_value
        elif proto.HasField("default") and len(proto.options) > proto.default:
            state.string_value = proto.options[proto.default]
        else:
            return None
    elif kind == "multiselect":
        values = proto.raw_values if proto.set_value else [proto.options[i] for i in proto.default]
        state.string_array_value.data[:] = list(values)
    elif kind == "button_group":
        values = (
            proto.raw_values
            if proto.set_value
            else [proto.options[i].content for i in proto.default]
        )
        state.string_array_value.data[:] = list(values)
    elif kind == "date_input":
        state.string_array_value.data[:] = list(proto.value if proto.set_value else proto.default)
    elif kind in ("text_input", "text_area"):
        state.string_value = proto.value if proto.set_value else proto.default
    elif kind == "number_input":
        if proto.set_value and proto.HasField("value"):
            state.double_value = proto.value
        elif proto.HasField("default"):
            state.double_value = proto.default
        else:
            return None
    elif kind == "checkbox":
        state.bool_value = proto.value if proto.set_value else proto.default
    else:
        return None
    return state


class Session:
    """A browser tab's conversation with the server, one request at a time."""

    def __init__(self, base_url: str, timeout: float = 120.0, number: int = 0) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.number = number
        self.pages: dict[str, str] = {}  # url path -> page_script_hash ("" for the default)
        self.page = ""  # the url path of the page on screen
        self.page_hash = ""
        self.main_script_hash = ""
        self.query_string = ""
        self._widgets: dict[str, _Widget] = {}
        self._cache: dict[str, ForwardMsg] = {}
        self._ws = None

    # --- requests -------------------------------------------------------------------------------
    async def open(self, link: str) -> View:
        """A new tab opening ``link`` (``/volunteers?state=VA``): the websocket, then the run."""
        parts = urlsplit(link)
        self.page = parts.path.strip("/")
        self.query_string = parts.query
        view = View("link", self.page, time.time(), session=self.number)
        began = time.perf_counter()
        from websockets.asyncio.client import connect

        uri = "ws" + self.base_url.removeprefix("http") + "/_stcore/stream"
        try:
            # A browser sends no pings and offers permessage-deflate, as this does by default.
            self._ws = await asyncio.wait_for(
                connect(uri, subprotocols=["streamlit", AUTH_PLACEHOLDER], max_size=None,
                        ping_interval=None, open_timeout=self.timeout),
                self.timeout,
            )  # fmt: skip
        except (OSError, TimeoutError) as exc:
            view.problem = f"websocket not opened ({type(exc).__name__}: {exc})"
            return view
        message = self._rerun_message(page_name=self.page, page_hash="", widgets=[])
        return await self._request(message, view, began)

    async def set_widget(self, label: str, value: str | list[str]) -> View:
        """Change a widget on screen (by its label), as a person picking a filter does."""
        widget = next((w for w in self._widgets.values() if w.label == label), None)
        if widget is None:
            raise LookupError(f"no widget labelled {label!r} on {self.page or 'the default page'}")
        state = widget.state
        if isinstance(value, list):
            state.string_array_value.data[:] = value
        else:
            state.string_value = value
        view = View("filter", self.page, time.time(), session=self.number)
        message = self._rerun_message(page_hash=self.page_hash, widgets=self._widgets.values())
        return await self._request(message, view, time.perf_counter())

    async def switch_page(self, path: str) -> View:
        """Click a page in the sidebar's navigation (by its url path; "" for the default)."""
        if path not in self.pages:
            raise LookupError(f"no page at /{path} in the navigation ({sorted(self.pages)})")
        self.page = path
        self.query_string = ""
        view = View("page", path, time.time(), session=self.number)
        kept = [w for w in self._widgets.values() if w.from_router]
        message = self._rerun_message(page_hash=self.pages[path], widgets=kept)
        return await self._request(message, view, time.perf_counter())

    async def rerun(self) -> View:
        """Run the page on screen again with everything as it is (the menu's Rerun)."""
        view = View("rerun", self.page, time.time(), session=self.number)
        message = self._rerun_message(page_hash=self.page_hash, widgets=self._widgets.values())
        return await self._request(message, view, time.perf_counter())

    async def close(self) -> None:
        if self._ws is not None:
            await self._ws.close()
            self._ws = None

    def widget_labels(self) -> list[str]:
        return [w.label for w in self._widgets.values()]

    def widget_options(self, label: str) -> list[str]:
        """The choices of a select widget on screen (by its label); [] when there is none."""
        return next((w.options for w in self._widgets.values() if w.label == label), [])

    # --- the protocol ---------------------------------------------------------------------------
    def _rerun_message(self, page_hash: str, widgets, page_name: str = "") -> BackMsg:
        message = BackMsg()
        client = message.rerun_script
        client.query_string = self.query_string
        client.page_script_hash = page_hash
        client.page_name = page_name
        client.widget_states.widgets.extend(w.state for w in widgets)
        client.cached_message_hashes.extend(self._cache)
        context = client.context_info
        context.timezone, context.timezone_offset, context.locale = "UTC", 0, "en-US"
        context.url = f"{self.base_url}/{self.page}"
        context.color_scheme = "light"
        return message

    async def _request(self, message: BackMsg, view: View, began: float) -> View:
        if self._ws is None:
            view.problem = "no websocket"
            return view
        seen: dict[str, _Widget] = {}
        deadline = began + self.timeout
        try:
            await self._ws.send(message.SerializeToString())
            while True:
                data = await asyncio.wait_for(self._ws.recv(), deadline - time.perf_counter())
                view.messages += 1
                view.bytes_received += len(data)
                msg = ForwardMsg.FromString(data)
                if msg.metadata.cacheable and msg.hash:
                    self._cache[msg.hash] = msg
                if msg.WhichOneof("type") == "ref_hash":
                    cached = self._cache.get(msg.ref_hash)
                    if cached is None:
                        view.exceptions.append(f"cached message {msg.ref_hash} missing")
                        continue
                    metadata = msg.metadata
                    msg = ForwardMsg()
                    msg.CopyFrom(cached)
                    msg.metadata.CopyFrom(metadata)
                status = self._handle(msg, view, seen)
                if status == FINISHED.FINISHED_SUCCESSFULLY:
                    view.finished = True
                    break
                if status == FINISHED.FINISHED_WITH_COMPILE_ERROR:
                    view.exceptions.append("the script did not compile")
                    view.finished = True
                    break
        except TimeoutError:
            view.problem = f"no script_finished within {self.timeout:g} s"
        except Exception as exc:  # the connection went away: an unfinished view, not a crash
            view.problem = f"{type(exc).__name__}: {exc}"
        if view.finished:
            view.seconds = time.perf_counter() - began
            self._widgets = seen  # the frontend drops widgets the last run did not draw
        return view

    def _handle(self, msg: ForwardMsg, view: View, seen: dict[str, _Widget]) -> int | None:
        kind = msg.WhichOneof("type")
        if kind == "new_session":
            # A run starts (again, after st.rerun): what is drawn is this run's.
            session = msg.new_session
            self.main_script_hash = session.main_script_hash
            self.page_hash = session.page_script_hash
            view.elements.clear()
            seen.clear()
        elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            element = msg.delta.new_element
            element_kind = element.WhichOneof("type")
            view.elements[element_kind] += 1
            proto = getattr(element, element_kind)
            if element_kind == "exception":
                view.exceptions.append(f"{proto.type}: {proto.message}"[:300])
            elif element_kind == "alert" and proto.format == proto.ERROR:
                view.error_messages.append(proto.body[:300])
            widget_id = getattr(proto, "id", "")
            if widget_id:
                known = self._widgets.get(widget_id)
                state = _widget_state(element_kind, proto, known.state if known else None)
                if state is not None:
                    from_router = msg.metadata.active_script_hash == self.main_script_hash
                    options = [getattr(o, "content", o) for o in getattr(proto, "options", [])]
                    seen[widget_id] = _Widget(proto.label, state, from_router, options)
        elif kind == "delta" and msg.delta.WhichOneof("type") == "add_block":
            view.elements["block"] += 1
        elif kind == "navigation":
            # The page the router chose: a rerun asks for it by this hash, as the frontend does.
            self.page_hash = msg.navigation.page_script_hash
            for page in msg.navigation.app_pages:
                path = "" if page.is_default else page.url_pathname
                self.pages[path] = page.page_script_hash
                if page.page_script_hash == self.page_hash:
                    self.page = path
        elif kind == "page_info_changed":
            self.query_string = msg.page_info_changed.query_string
        elif kind == "page_not_found":
            view.exceptions.append(f"page not found: {msg.page_not_found.page_name}")
        elif kind == "session_event" and msg.session_event.HasField("script_compilation_exception"):
            error = msg.session_event.script_compilation_exception
            view.exceptions.append(f"{error.type}: {error.message}"[:300])
        elif kind == "script_finished":
            return msg.script_finished
        return None
