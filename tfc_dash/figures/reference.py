"""Reference facts that are not the program's own data: legislatures and real election results.

Chambers and districts come from the ``openstates-metadata`` package (offline), corrected to the
2018 cycle where today's legislatures differ (see ``SEAT_CORRECTIONS_2018``).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import openstates_metadata
import pandas as pd

from tfc_dash.core.config import DATA_DIR
from tfc_dash.figures.filters import FIFTY_STATES

VA_RESULTS_PATH = DATA_DIR / "va_hod_2017_results.csv"

# openstates-metadata describes today's legislatures. For the 2018 cycle: Wyoming had 60 House
# and 30 Senate seats, and Maine's House 151 voting seats (the package adds 2 non-voting tribal
# seats). With these, the 50 states have the 7,383 legislative seats usually quoted for 2018.
SEAT_CORRECTIONS_2018: dict[tuple[str, str], int] = {
    ("WY", "lower"): 60,
    ("WY", "upper"): 30,
    ("ME", "lower"): 151,
}
SEATS_2018_TOTAL = 7383


@dataclass(frozen=True)
class Chamber:
    state: str
    chamber: str  # lower or upper (Nebraska's unicameral legislature counts as upper)
    name: str
    seats: int
    districts: tuple[str, ...]


def _chamber_key(chamber_type: str) -> str:
    return "upper" if chamber_type == "unicameral" else chamber_type


@lru_cache(maxsize=1)
def legislative_chambers() -> tuple[Chamber, ...]:
    """Every state legislative chamber of the 50 states, as it stood for the 2018 cycle."""
    chambers: list[Chamber] = []
    for abbr in FIFTY_STATES:
        state = openstates_metadata.lookup(abbr=abbr.lower())
        for c in state.chambers:
            key = _chamber_key(c.chamber_type)
            districts = [d.name for d in c.districts]
            seats = c.num_seats
            corrected = SEAT_CORRECTIONS_2018.get((abbr, key))
            if corrected is not None:
                seats = corrected
                if abbr == "ME":
                    districts = [d for d in districts if d.isdigit()]
                else:
                    districts = districts[:corrected]
            chambers.append(Chamber(abbr, key, c.name, seats, tuple(districts)))
    return tuple(chambers)


def chambers_frame() -> pd.DataFrame:
    """One row per chamber: state, chamber, name, seats, districts (count)."""
    return pd.DataFrame(
        [
            {
                "state": c.state,
                "chamber": c.chamber,
                "name": c.name,
                "seats": c.seats,
                "districts": len(c.districts),
            }
            for c in legislative_chambers()
        ]
    )


@lru_cache(maxsize=1)
def district_index() -> dict[tuple[str, str], frozenset[str]]:
    """(state, chamber) -> the chamber's district names, for validation."""
    return {(c.state, c.chamber): frozenset(c.districts) for c in legislative_chambers()}


def va_house_results_2017(path: Path = VA_RESULTS_PATH) -> pd.DataFrame:
    """The certified 2017 Virginia House of Delegates results, one row per district.

    Adds ``dem_share`` (of all votes cast) and ``dem_margin`` (Democrat minus Republican, as a
    share of all votes).
    """
    frame = pd.read_csv(path, dtype={"district": "string"})
    total = frame["dem_votes"] + frame["rep_votes"] + frame["other_votes"]
    frame["dem_share"] = (frame["dem_votes"] / total).round(4)
    frame["dem_margin"] = ((frame["dem_votes"] - frame["rep_votes"]) / total).round(4)
    return frame
