"""The brand, read from ``.streamlit/config.toml`` so the app and every chart agree on it."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from tfc_dash.core.config import PROJECT_ROOT

CONFIG_PATH = PROJECT_ROOT / ".streamlit" / "config.toml"

_FALLBACK_PALETTE = ("#2F4BD8", "#F26B4F", "#1FA187", "#F5B82E", "#7A5CC4", "#5B6475")


@dataclass(frozen=True)
class Brand:
    primary: str
    text: str
    background: str
    muted_background: str
    palette: tuple[str, ...]
    font: str = "sans-serif"
    name: str = "Tech for Campaigns"

    @property
    def accent(self) -> str:
        return self.palette[1] if len(self.palette) > 1 else self.primary

    @property
    def positive(self) -> str:
        return self.palette[2] if len(self.palette) > 2 else self.primary

    @property
    def grey(self) -> str:
        return self.palette[5] if len(self.palette) > 5 else "#5B6475"


@lru_cache(maxsize=4)
def brand(path: Path = CONFIG_PATH) -> Brand:
    theme: dict[str, Any] = {}  # TOML's values: any of its types
    if path.exists():
        with path.open("rb") as fh:
            theme = tomllib.load(fh).get("theme", {})
    palette = theme.get("chartCategoricalColors") or _FALLBACK_PALETTE
    return Brand(
        primary=str(theme.get("primaryColor", "#2F4BD8")),
        text=str(theme.get("textColor", "#14213D")),
        background=str(theme.get("backgroundColor", "#FFFFFF")),
        muted_background=str(theme.get("secondaryBackgroundColor", "#F1F4FB")),
        palette=tuple(str(c) for c in palette),
        font=str(theme.get("font", "sans-serif")),
    )
