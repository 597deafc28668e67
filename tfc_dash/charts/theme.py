"""The brand, read from ``.streamlit/config.toml`` so the app and every chart agree on it."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from tfc_dash.core.config import PROJECT_ROOT

CONFIG_PATH = PROJECT_ROOT / ".streamlit" / "config.toml"

# The brand's palette, in config.toml's order; each colour has a name below (Brand's properties).
_FALLBACK_PALETTE = ("#2F4BD8", "#F26B4F", "#1FA187", "#F5B82E", "#7A5CC4", "#5B6475")

# Colours outside the brand's palette, by name: chart code names a colour, never writes its hex.
PALE_BLUE = "#C9D2F5"  # the low end of a scale that ends in the primary blue
LIGHT_SLATE = "#B8C0D6"  # a previous election; a minor category
PALE_SLATE = "#DDE1EA"  # the least of the categories
MIST = "#DCE1EA"  # a district nobody targeted
FOG = "#E8EBF2"  # a state without data on the map
GRID = "#E6E9F2"  # grid lines of the kit's charts
DEEP_RED = "#B00020"  # an assignment that ended badly (project timeline)


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
    def yellow(self) -> str:
        return self._named(3)

    @property
    def purple(self) -> str:
        """The palette's fifth colour; the grey when a palette is shorter."""
        return self.palette[4] if len(self.palette) > 4 else self.grey

    @property
    def grey(self) -> str:
        return self.palette[5] if len(self.palette) > 5 else _FALLBACK_PALETTE[5]

    @property
    def series(self) -> list[str]:
        """Colours for a run of series (one per cycle): the primary, accent and positive colours,
        then the rest of the palette in order."""
        return [self.primary, self.accent, self.positive, *self.palette[3:]]

    def _named(self, index: int) -> str:
        return self.palette[index] if len(self.palette) > index else _FALLBACK_PALETTE[index]


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
