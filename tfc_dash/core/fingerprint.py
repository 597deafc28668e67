"""A digest of a value's content, for caches keyed on what a function was given.

:func:`fingerprint` covers the values the chart functions take: DataFrames and Series (their
columns, dtypes, index and every cell), numbers, text, dates, enums, and tuples, lists, dicts and
dataclasses of them. Anything else is not fingerprinted (None): its caller then does the work
uncached rather than risk a stale answer.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import hashlib
from typing import Any

import numpy as np
import pandas as pd

_SCALARS = (str, int, float, bool, type(None), bytes, dt.date, dt.datetime, dt.time, dt.timedelta)


class _Unhashable(Exception):
    pass


def fingerprint(*values: Any) -> bytes | None:
    """A digest that changes whenever the content of ``values`` does; None when one of them is
    of a kind this does not know how to digest."""
    digest = hashlib.blake2b(digest_size=20)
    try:
        for value in values:
            _feed(digest, value)
    except _Unhashable:
        return None
    return digest.digest()


def _feed(digest: Any, value: Any) -> None:
    kind = type(value)
    digest.update(f"<{kind.__module__}.{kind.__qualname__}>".encode())
    if isinstance(value, enum.Enum):
        digest.update(repr(value.value).encode())
    elif isinstance(value, (*_SCALARS, np.generic)):
        digest.update(repr(value).encode())
    elif isinstance(value, pd.DataFrame):
        _feed(digest, tuple(map(str, value.columns)))
        _feed(digest, tuple(map(str, value.dtypes)))
        _feed_frame_cells(digest, value)
    elif isinstance(value, pd.Series):
        _feed(digest, (str(value.name), str(value.dtype)))
        _feed_frame_cells(digest, value.to_frame())
    elif isinstance(value, (tuple, list)):
        digest.update(f"{len(value)}[".encode())
        for item in value:
            _feed(digest, item)
        digest.update(b"]")
    elif isinstance(value, (frozenset, set)):
        _feed(digest, sorted(value, key=repr))
    elif isinstance(value, dict):
        _feed(digest, [(k, v) for k, v in value.items()])
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        _feed(digest, [(f.name, getattr(value, f.name)) for f in dataclasses.fields(value)])
    else:
        raise _Unhashable(kind)


def _feed_frame_cells(digest: Any, frame: pd.DataFrame) -> None:
    digest.update(f"{frame.shape}".encode())
    try:
        # Each column on its own, so that a value moved to another column changes the digest.
        _feed(digest, tuple(map(str, frame.index.names)))
        digest.update(pd.util.hash_pandas_object(frame.index).to_numpy().tobytes())
        for _, column in frame.items():
            digest.update(pd.util.hash_pandas_object(column, index=False).to_numpy().tobytes())
    except TypeError as exc:  # cells pandas cannot hash (lists, dicts)
        raise _Unhashable(exc) from exc
