"""Checking parsed rows against the contract's rules, within a tab and between tabs.

Parsing (:mod:`tfc_dash.ingest.parsing`) already rejected cells that cannot be read. Here a row
is left out when it breaks a rule that needs more than one cell: a duplicate key, a district that
does not exist in that state's chamber (``openstates-metadata``), dates out of order, or a reference
to a project, campaign or volunteer that is not there. Every row left out is reported as a
:class:`~tfc_dash.ingest.parsing.Problem`; none is dropped silently.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from tfc_dash.figures.reference import district_index
from tfc_dash.ingest.contract import REFERENCES, TABS
from tfc_dash.ingest.parsing import ParsedRow, ParsedTab, Problem, shown

KeySource = Callable[[str, str], set[Any]]  # (table, column) -> values present in the store


@dataclass
class Validated:
    """The rows that may land, per table, and everything that was left out."""

    rows: dict[str, list[ParsedRow]] = field(default_factory=dict)
    held_keys: dict[str, set[tuple[Any, ...]]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


def _problem(parsed: ParsedTab, row: ParsedRow, column: str, reason: str) -> Problem:
    return Problem(
        parsed.title,
        row.row,
        parsed.header(column),
        parsed.cell(row.row, column),
        shown(row.record.get(column)),
        reason,
    )


@dataclass(frozen=True)
class _Districts:
    names: Mapping[tuple[str, str], Mapping[str, str]]  # (state, chamber) -> lower name -> name

    @classmethod
    def load(cls) -> _Districts:
        return cls(
            {key: {name.lower(): name for name in names} for key, names in district_index().items()}
        )

    def check(self, state: str, chamber: str, district: str) -> tuple[str | None, str | None]:
        """(the district's canonical name, None) or (None, the reason it is wrong)."""
        known = self.names.get((state, chamber))
        if known is None:
            hint = " (Nebraska's legislature is the upper chamber)" if state == "NE" else ""
            return None, f"{state} has no {chamber} legislative chamber{hint}"
        name = known.get(district.strip().lower())
        if name is None:
            return None, f"district {district} does not exist in {state}'s {chamber} chamber"
        return name, None


def _row_rules(parsed: ParsedTab, row: ParsedRow, districts: _Districts) -> list[Problem]:
    """Rules that look at one row only."""
    r = row.record
    table = parsed.tab.table
    found: list[Problem] = []
    if table in ("campaigns", "districts") and r.get("chamber") in ("lower", "upper"):
        if r.get("district") is None:
            found.append(
                _problem(
                    parsed,
                    row,
                    "district",
                    f"district is required for a {r['chamber']} chamber race",
                )
            )
        else:
            name, reason = districts.check(r["state"], r["chamber"], r["district"])
            if reason:
                found.append(_problem(parsed, row, "district", reason))
            else:
                r["district"] = name
    if table == "projects":
        start = r.get("start_date")
        if r.get("status") in ("active", "completed") and start is None:
            found.append(
                _problem(parsed, row, "start_date", f"an {r['status']} project needs a start date")
            )
        for later in ("end_date", "completed_date"):
            if start is not None and r.get(later) is not None and r[later] < start:
                found.append(
                    _problem(parsed, row, later, f"{later} {r[later]} is before start_date {start}")
                )
    if table == "assignments" and r.get("end_date") is not None and r["end_date"] < r["start_date"]:
        found.append(
            _problem(
                parsed,
                row,
                "end_date",
                f"end_date {r['end_date']} is before start_date {r['start_date']}",
            )
        )
    return found


def validate(parsed_tabs: Mapping[str, ParsedTab], store_keys: KeySource) -> Validated:
    """Check every parsed row; keep the good ones, report the rest.

    ``parsed_tabs`` maps table names to what was read; a reference to a tab that was not read
    (a CSV import of one tab) is checked against ``store_keys``, what the store holds.
    """
    result = Validated()
    districts = _Districts.load()
    for table, parsed in parsed_tabs.items():
        result.problems.extend(parsed.problems)
        held = result.held_keys.setdefault(table, set(parsed.held_keys))
        kept: list[ParsedRow] = []
        first_seen: dict[tuple[Any, ...], int] = {}
        key = parsed.tab.key
        for row in parsed.rows:
            problems = _row_rules(parsed, row, districts)
            row_key = tuple(row.record[k] for k in key)
            if not problems and row_key in first_seen:
                shown_key = ", ".join(str(v) for v in row_key if v is not None)
                problems.append(
                    _problem(
                        parsed, row, key[0], f"duplicate of row {first_seen[row_key]} ({shown_key})"
                    )
                )
            if problems:
                result.problems.extend(problems)
                held.add(row_key)
                continue
            first_seen[row_key] = row.row
            kept.append(row)
        result.rows[table] = kept
    _check_references(parsed_tabs, result, store_keys)
    return result


def _check_references(
    parsed_tabs: Mapping[str, ParsedTab], result: Validated, store_keys: KeySource
) -> None:
    """Drop rows that name a campaign, project or volunteer that is not there.

    Tabs are checked in contract order, so a project left out for a bad campaign takes its
    assignments and outcomes with it, each reported.
    """
    order = [t.table for t in TABS if t.table in parsed_tabs]
    for table in order:
        refs = [(col, target) for (src, col), target in REFERENCES.items() if src == table]
        if not refs:
            continue
        parsed = parsed_tabs[table]
        targets: dict[str, set[Any]] = {}
        for column, (target_table, target_column) in refs:
            targets[column] = _present(target_table, target_column, parsed_tabs, result, store_keys)
        kept: list[ParsedRow] = []
        for row in result.rows[table]:
            bad = [
                _problem(
                    parsed,
                    row,
                    column,
                    f"{column} {row.record[column]} is not in "
                    f"{_tab_title(parsed_tabs, REFERENCES[(table, column)][0])}",
                )
                for column in targets
                if row.record[column] not in targets[column]
            ]
            if bad:
                result.problems.extend(bad)
                result.held_keys[table].add(tuple(row.record[k] for k in parsed.tab.key))
            else:
                kept.append(row)
        result.rows[table] = kept


def _present(
    table: str,
    column: str,
    parsed_tabs: Mapping[str, ParsedTab],
    result: Validated,
    store_keys: KeySource,
) -> set[Any]:
    """The values of ``table.column`` a reference may name.

    From this sync: the rows that landed, and rows held back for a bad cell whose previous
    version the store still has. From the store: everything not removed, when the tab was not read.
    """
    if table not in parsed_tabs:
        return store_keys(table, column)
    present = {row.record[column] for row in result.rows.get(table, [])}
    held = result.held_keys.get(table)
    if held:
        key = parsed_tabs[table].tab.key
        position = key.index(column)
        in_store = store_keys(table, column)
        present |= {k[position] for k in held if k[position] in in_store}
    return present


def _tab_title(parsed_tabs: Mapping[str, ParsedTab], table: str) -> str:
    parsed = parsed_tabs.get(table)
    if parsed is not None:
        return parsed.title
    return next(t.name for t in TABS if t.table == table) + " (in the store)"
