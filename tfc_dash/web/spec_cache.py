"""Charts drawn from Vega-Lite specs built once per content (part of the Streamlit layer).

``st.altair_chart`` builds the Altair chart and turns it into a Vega-Lite spec on every rerun
(Altair's ``to_dict`` validates the whole spec against its JSON schema, then the data is
serialized to Arrow): on a warm rerun that was the larger part of a chart page's script time.
:func:`draw` builds the spec once for each chart function and content of its arguments (see
:mod:`tfc_dash.core.fingerprint`) and sends that spec the way ``st.altair_chart`` does, so the
message is the same byte for byte. The key is the content itself, so new data after a sync, a
replaced store or another as-of day gives another key: nothing can be served stale. Arguments
that cannot be fingerprinted draw uncached.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

import streamlit as st
from streamlit.elements.vega_charts import _convert_altair_to_vega_lite_spec

from tfc_dash.core.fingerprint import fingerprint

MAX_SPECS = 512  # a few KB to a few hundred KB each (the Arrow data): tens of MB at most

_specs: OrderedDict[tuple[str, str, bytes], dict[str, Any]] = OrderedDict()
_lock = threading.Lock()
stats = {"hits": 0, "misses": 0, "uncached": 0}


def spec(build: Callable[..., Any], *args: Any) -> dict[str, Any]:
    """The Vega-Lite spec (its data as Arrow datasets) of ``build(*args)``, as Streamlit makes
    it; built once per content of ``args``. Callers must not change it."""
    digest = fingerprint(*args)
    if digest is None:
        stats["uncached"] += 1
        return _convert_altair_to_vega_lite_spec(build(*args))
    key = (build.__module__, build.__qualname__, digest)
    with _lock:
        found = _specs.get(key)
        if found is not None:
            _specs.move_to_end(key)
            stats["hits"] += 1
            return found
    made = _convert_altair_to_vega_lite_spec(build(*args))
    with _lock:
        stats["misses"] += 1
        _specs[key] = made
        while len(_specs) > MAX_SPECS:
            _specs.popitem(last=False)
    return made


def draw(build: Callable[..., Any], *args: Any, into: Any = None, **options: Any) -> Any:
    """``st.altair_chart(build(*args), **options)`` (in ``into``, a container, when given),
    with the spec from :func:`spec`."""
    where = st._main if into is None else into
    # What st.altair_chart does with the spec it makes (a copy: Streamlit takes the datasets
    # out of the dict it is given).
    return where._vega_lite_chart(
        data=None, spec=dict(spec(build, *args)), agent_command="altair_chart", **options
    )


def clear() -> None:
    with _lock:
        _specs.clear()
