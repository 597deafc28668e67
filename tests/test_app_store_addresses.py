"""Every store address, parsable or not, gives the store page: what is wrong, what to do, and
the password masked in the page and in the logs."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

SECRET = "S3cretPW"
ADDRESSES = {
    "bad port": (f"postgresql+psycopg://u:{SECRET}@127.0.0.1:abc/x", "port is not a number"),
    "one slash": (f"postgresql+psycopg:/u:{SECRET}@127.0.0.1/x", "is not a database URL"),
    "no scheme": (f"u:{SECRET}@127.0.0.1/x", "is not a database URL"),
    "unknown driver": (f"nosuchdb://u:{SECRET}@127.0.0.1/x", "No database driver"),
    "no server": (
        f"postgresql+psycopg://u:{SECRET}@127.0.0.1:1/x?connect_timeout=2",
        "cannot be reached",
    ),
    "a folder": ("sqlite:///{tmp}", "names a folder"),
}


def everything_shown(at) -> str:
    return "\n".join(str(el.proto) for el in at.main) + "\n".join(
        str(el.proto) for el in at.sidebar
    )


@pytest.mark.parametrize("address", ADDRESSES)
def test_every_store_address_gives_the_store_page(run_app, tmp_path: Path, caplog, address):
    url, message = ADDRESSES[address]
    with caplog.at_level(logging.DEBUG):
        at = run_app(url=url.format(tmp=tmp_path))
    assert not at.exception
    assert message in at.error[0].value
    assert at.info  # what to do
    assert SECRET not in everything_shown(at)
    assert SECRET not in caplog.text
    if SECRET in url and address != "no server":  # a server is named by host and port only
        # masked, and shown as text (escaped, a word joiner after the @)
        assert "u:\\*\\*\\*@\u2060127.0.0.1" in at.error[0].value
    if address == "a folder":
        assert "database server" not in at.info[0].value
    assert not at.metric
