"""Where things are: the project's folders, the store's address, the secrets file.

Works without Streamlit: the CLI and the tests read ``.streamlit/secrets.toml`` with ``tomllib``;
the app passes ``st.secrets`` in instead, so that a host which injects secrets (Streamlit
Community Cloud) is honoured.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DATA_DIR = PROJECT_ROOT / "data"
SECRETS_PATH = PROJECT_ROOT / ".streamlit" / "secrets.toml"
DEFAULT_DATABASE_URL = f"sqlite:///{DATA_DIR / 'tfc.db'}"
DATABASE_URL_ENV = "TFC_DATABASE_URL"


class ConfigError(Exception):
    """The configuration cannot be read; the message says which file and why."""


def load_secrets(path: Path = SECRETS_PATH) -> dict[str, Any]:
    """The secrets file as a dict; empty when there is no file."""
    if not path.exists():
        return {}
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path} is not valid TOML: {exc}") from exc


def database_url(
    secrets: Mapping[str, Any] | None = None, env: Mapping[str, str] | None = None
) -> str:
    """The store's SQLAlchemy URL: ``TFC_DATABASE_URL``, else ``[database] url``, else SQLite.

    A relative SQLite path is taken from the project folder, so the app, the CLI and ``make``
    agree on ``data/tfc.db`` whatever the working directory.
    """
    env = os.environ if env is None else env
    if secrets is None:
        secrets = load_secrets()
    url = env.get(DATABASE_URL_ENV) or (secrets.get("database") or {}).get("url")
    if not url:
        return DEFAULT_DATABASE_URL
    return _anchor_sqlite_path(str(url))


def _anchor_sqlite_path(url: str) -> str:
    prefix = "sqlite:///"
    if url.startswith(prefix) and not url.startswith(prefix + "/"):
        rest = url[len(prefix) :]
        if rest and not rest.startswith(":memory:"):
            return prefix + str(PROJECT_ROOT / rest)
    return url


def redact_url(url: str) -> str:
    """The address with any password hidden, for messages and logs; parsable or not."""
    return redact_secrets(url)


# user:password@ in anything that looks like an address (``scheme://u:pw@``, ``scheme:/u:pw@``,
# ``u:pw@host``),
# and password= in a query string or a connection string.
_URL_PASSWORD = re.compile(
    r"(?P<head>(?:[A-Za-z][A-Za-z0-9+.\-]*:/*)?[^\s:/@'\"]*:)(?!\*\*\*@)[^\s/'\"]*@"
)
_PASSWORD_PARAM = re.compile(r"(?P<head>\bpassword\s*=\s*)(?!\*\*\*)[^\s&;]+", re.IGNORECASE)


def redact_secrets(text: str) -> str:
    """``text`` with every password in an address or a ``password=`` setting replaced by ***."""
    text = _URL_PASSWORD.sub(r"\g<head>***@", text)
    return _PASSWORD_PARAM.sub(r"\g<head>***", text)


SYNC_TTL_ENV = "TFC_SYNC_TTL_MINUTES"


def gsheets_section(secrets: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """The ``[connections.gsheets]`` section, or None when no spreadsheet is configured."""
    section = (secrets.get("connections") or {}).get("gsheets")
    return section or None


def sync_settings(secrets: Mapping[str, Any]) -> Mapping[str, Any]:
    """The ``[sync]`` section (limits and the TTL); empty when there is none."""
    section = secrets.get("sync") or {}
    if not isinstance(section, Mapping):
        raise ConfigError("[sync] must be a section of settings (see the README).")
    return section


def sync_ttl_minutes(secrets: Mapping[str, Any], env: Mapping[str, str] | None = None) -> Any:
    """How old the data may get before the app syncs: ``TFC_SYNC_TTL_MINUTES``, else
    ``[sync] ttl_minutes``, else None (the default, 10 minutes)."""
    env = os.environ if env is None else env
    return env.get(SYNC_TTL_ENV) or (secrets.get("sync") or {}).get("ttl_minutes")
