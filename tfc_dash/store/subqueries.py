"""Queries made inside another query, shared with the pages' cache.

A query that needs other queries' results (:func:`tfc_dash.figures.bottleneck.limiting_step`
reads the timeline, the pool, the running projects...) asks for them with :func:`query`. Called
plainly (the CLI, the digest, the tests) that is ``fn(bind, *args)``; while the app's cache
computes a query (``tfc_dash.web.store_cache``), it routes them through the same cache, at the same
store version, so that a page view does not run again what another part of it, or another page,
ran already.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

T = TypeVar("T")
Route = Callable[..., Any]  # route(fn, *args): fn's result for the store being read

_route: ContextVar[Route | None] = ContextVar("tfc_subquery_route", default=None)


def query(bind: Any, fn: Callable[..., T], *args: Any) -> T:
    """``fn(bind, *args)``, through the route set by :func:`routed` when there is one."""
    route = _route.get()
    return route(fn, *args) if route is not None else fn(bind, *args)


@contextmanager
def routed(route: Route) -> Iterator[None]:
    """Route :func:`query` through ``route`` in this thread while the block runs."""
    token = _route.set(route)
    try:
        yield
    finally:
        _route.reset(token)
