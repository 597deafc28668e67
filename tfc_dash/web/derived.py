"""Figures derived from query results, cached like the queries (part of the Streamlit layer).

A page turns its query results into what it draws with pandas (a breakdown by skill, a trend by
sign-up month, a status breakdown): on a warm rerun that was most of the Volunteers page's time,
though the results it starts from come from the cache. :func:`derived` caches such a derivation
on what it is made of rather than on the data itself: the queries (by name and arguments, read
through the access policy for the viewer) and the plain values it takes, with the store's
version and file, exactly as :func:`tfc_dash.web.store_cache.query` keys its results. A sync or
a swapped store gives a new key, so nothing derived from old data is ever shown.

A derivation must be a function of its arguments only (no clock, no session state).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import streamlit as st

from tfc_dash.figures import policy
from tfc_dash.web import store_cache as cache


@dataclass(frozen=True)
class Q:
    """A query's result, as a page gets it: ``fn(engine, *args)`` through the access policy."""

    fn: Callable[..., Any]
    args: tuple[Any, ...]


@dataclass(frozen=True)
class D:
    """A derivation's result: ``fn(*args, **kwargs)``, its arguments resolved first."""

    fn: Callable[..., Any]
    args: tuple[Any, ...]
    kwargs: tuple[tuple[str, Any], ...] = ()


def q(fn: Callable[..., Any], *args: Any) -> Q:
    return Q(fn, args)


def d(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> D:
    return D(fn, args, tuple(sorted(kwargs.items())))


def _plan(item: Any) -> Any:
    """The cache key's form of an argument: functions by module and name."""
    if isinstance(item, Q):
        return ("q", item.fn.__module__, item.fn.__name__, item.args)
    if isinstance(item, D):
        parts = tuple(_plan(a) for a in item.args)
        named = tuple((k, _plan(v)) for k, v in item.kwargs)
        return ("d", item.fn.__module__, item.fn.__qualname__, parts, named)
    return ("v", item)


def _resolve(plan: Any, handle: cache.StoreHandle, viewer: policy.Viewer) -> Any:
    kind = plan[0]
    if kind == "v":
        return plan[1]
    if kind == "q":
        fn = getattr(importlib.import_module(plan[1]), plan[2])
        return policy.enforce(cache.query(handle, fn, *plan[3]), viewer)
    fn = importlib.import_module(plan[1])
    for part in plan[2].split("."):
        fn = getattr(fn, part)
    args = [_resolve(p, handle, viewer) for p in plan[3]]
    kwargs = {k: _resolve(v, handle, viewer) for k, v in plan[4]}
    return fn(*args, **kwargs)


@st.cache_data(ttl=cache.DATA_TTL_SECONDS, show_spinner=False, max_entries=1000)
def _derived(
    url: str,
    version: int,
    file: tuple[int, ...] | None,
    viewer: policy.Viewer,
    plan: Any,
    _handle: cache.StoreHandle,
) -> Any:
    return _resolve(plan, _handle, viewer)


def derived(handle: cache.StoreHandle, viewer: policy.Viewer, item: D) -> Any:
    """``item``'s result, cached per store version and file, viewer and plan."""
    return _derived(handle.url, handle.version, handle.file, viewer, _plan(item), handle)
