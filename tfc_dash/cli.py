"""The command line: ``python -m tfc_dash <command>``.

Commands: ``seed-demo``, ``ensure-store``, ``sync [--dry-run]`` (the ops spreadsheet, for cron),
``import --tab NAME FILE.csv`` (a tab kept outside the spreadsheet), ``export`` (the fundraising
kit), ``digest [--send]`` (each role's weekly email, for cron) and ``glossary [--readme
README.md [--check]]`` (every figure's label and definition; with ``--check``, exit 1 when the
README's copy is out of step).

Exit codes:
  0  done (for sync and import: every row landed, or would land with --dry-run)
  1  the command failed and nothing was written (the message says why: Sheets unreachable or not
     shared, a missing tab or column, a store problem, no [connections.gsheets], a file too big,
     a sync or import that would remove most of a table without --replace; for digest: a mail
     server that does not answer, refuses the login or drops the connection, in which case the
     digests sent before it did are recorded and the next run sends only the rest)
  2  bad usage (an unknown option, a date that is not one or outside the data)
  3  done, but some rows were quarantined: they are listed, and on the Data health page (for
     digest: sent, but the server refused some recipients; they are listed)

A failure is one line on stderr that starts with ``error:``, never a traceback.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import NoReturn, TextIO

from sqlalchemy.engine import Engine

from tfc_dash.core import clock, config
from tfc_dash.figures import policy, queries
from tfc_dash.figures.filters import make_filters
from tfc_dash.ingest import provision, refresh, sheets, sheets_api, sync
from tfc_dash.ingest.demo import DEFAULT_SEED
from tfc_dash.kit import digest
from tfc_dash.store import database
from tfc_dash.store.models import CATEGORIES

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_QUARANTINED = 0, 1, 2, 3
DEBUG_ENV = "TFC_DEBUG"  # set to 1 to see the traceback of an unexpected error


class UsageError(Exception):
    """The command was given something it cannot use; exits 2 with the message."""


def seed_demo(
    url: str, scale: int = 1, seed: int = DEFAULT_SEED, force: bool = False
) -> int | None:
    """Fill the store at ``url`` with the demo dataset; returns the sync run id."""
    engine = database.make_engine(url)
    database.init_schema(engine)
    status = database.check_store(engine)
    if not status.is_empty and not status.is_demo and not force:
        raise database.StoreError(
            f"The store at {status.url} holds real data ({status.projects} projects).",
            "Seeding demo data would replace it: pass --force if that is what you want.",
        )
    return provision.write_demo(engine, scale=scale, seed=seed)


def cmd_seed_demo(args: argparse.Namespace) -> int:
    url = args.db or config.database_url()
    began = time.perf_counter()
    run_id = seed_demo(url, scale=args.scale, seed=args.seed, force=args.force)
    status = database.check_store(database.make_engine(url))
    print(
        f"Seeded demo data (scale {args.scale}) into {status.url} in "
        f"{time.perf_counter() - began:.1f} s: {status.projects} projects, "
        f"{status.campaigns} campaigns, {status.volunteers} volunteers (run {run_id})."
    )
    return 0


def cmd_ensure_store(args: argparse.Namespace) -> int:
    """Prepare the store as the app does when it starts: create (or upgrade) it, and when it is
    empty, sync the spreadsheet, or without one, seed the demo data."""
    secrets = config.load_secrets(Path(args.secrets)) if args.secrets else config.load_secrets()
    section = config.gsheets_section(secrets)
    engine = database.make_engine(args.db or config.database_url(secrets))
    result = provision.prepare_store(
        engine,
        (lambda: sheets.SheetsReader(sheets.settings_from_secrets(section))) if section else None,
        ttl=refresh.ttl_from(config.sync_ttl_minutes(secrets)),
        limits=sync.Limits.from_settings(config.sync_settings(secrets)),
        progress=lambda msg: print(msg, file=sys.stderr),
    )
    status = result.status
    if result.outcome is provision.Outcome.SYNC_FAILED:
        print(f"error: the first sync of the spreadsheet failed: {result.problem}", file=sys.stderr)
        return EXIT_FAILED
    if result.report is not None:
        return _report_exit(result.report)
    if result.ready:
        kind = "demo data" if status.is_demo else "data"
        print(f"Store ready at {status.url}: {status.projects} projects of {kind}.")
    else:
        print(f"Store ready at {status.url}: it holds no projects, campaigns or volunteers yet.")
    return EXIT_OK


def _report_exit(report: sync.SyncReport) -> int:
    print(report.summary())
    return EXIT_QUARANTINED if report.problems else EXIT_OK


def cmd_sync(args: argparse.Namespace) -> int:
    """Read the spreadsheet configured in [connections.gsheets] and apply it to the store."""
    secrets = _secrets(args.secrets)
    settings = sheets.settings_from_secrets((secrets.get("connections") or {}).get("gsheets"))
    limits = sync.Limits.from_settings(config.sync_settings(secrets))
    engine = database.make_engine(args.db or config.database_url(secrets))
    report = sync.sync_sheets(
        engine,
        sheets.SheetsReader(settings),
        dry_run=args.dry_run,
        progress=lambda msg: print(msg, file=sys.stderr),
        limits=limits,
        replace=args.replace,
    )
    return _report_exit(report)


def _secrets(path: str | None) -> dict:
    """The secrets file given with --secrets (which must exist), else the default one."""
    if path is None:
        return config.load_secrets()
    if not Path(path).is_file():
        raise config.ConfigError(
            f"There is no secrets file at {path}"
            + (" (it is a folder)." if Path(path).is_dir() else ".")
        )
    return config.load_secrets(Path(path))


def cmd_import(args: argparse.Namespace) -> int:
    """Load one tab's rows from a CSV file, through the same checks as a sync."""
    secrets = _secrets(args.secrets)
    limits = sync.Limits.from_settings(config.sync_settings(secrets))
    engine = database.make_engine(args.db or config.database_url(secrets))
    report = sync.import_csv(
        engine,
        args.tab,
        Path(args.file),
        dry_run=args.dry_run,
        limits=limits,
        replace=args.replace,
    )
    return _report_exit(report)


class ProgressBar:
    """A text progress bar on stderr: redrawn in place on a terminal, a line a step otherwise."""

    def __init__(self, label: str, stream: TextIO | None = None, width: int = 24) -> None:
        self.label = label
        self.stream = stream or sys.stderr
        self.width = width
        self.inline = self.stream.isatty()

    def __call__(self, done: int, total: int, name: str) -> None:
        filled = round(self.width * done / total) if total else self.width
        bar = "#" * filled + "." * (self.width - filled)
        line = f"{self.label} [{bar}] {done}/{total} {name}"
        if self.inline:
            end = "\n" if done >= total else ""
            self.stream.write(f"\r\x1b[K{line}{end}")
        else:
            self.stream.write(line + "\n")
        self.stream.flush()


def cmd_export(args: argparse.Namespace) -> int:
    """Write the fundraising kit: every chart as PNG and SVG, its figures as CSV, the headline."""
    from tfc_dash.kit import fundraising_kit

    engine = _filled_store(args.db or config.database_url(), "export")
    as_of = _as_of(engine, args.as_of)
    cycles = queries.cycles(engine)
    cycle = args.cycle if args.cycle is not None else (cycles[0] if cycles else None)
    filters = make_filters(cycle, args.state, args.category)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)  # fail on an unwritable folder before drawing
    bundle = fundraising_kit.build_kit(engine, filters, as_of, progress=ProgressBar("Drawing"))
    written = fundraising_kit.export_kit(bundle, out, progress=ProgressBar("Writing"))
    for missing in bundle.missing:
        print(f"note: not in the kit: {missing}", file=sys.stderr)
    for note in bundle.goal_notes:
        print(f"note: {note.replace('`', '')}", file=sys.stderr)
    print(f"Wrote {len(written)} files to {args.out} (as of {as_of.isoformat()}).")
    print(bundle.headline)
    return EXIT_OK


def cmd_digest(args: argparse.Namespace) -> int:
    """Build each recipient's weekly digest; write them as .eml files, send them, or both."""
    if not args.send and not args.out:
        raise UsageError(
            "pass --out DIR to write the digests as .eml files, or --send to send them"
        )
    secrets = _secrets(args.secrets)
    access = policy.AccessConfig.from_secrets(secrets.get("roles"))
    settings = digest.DigestSettings.from_secrets(secrets.get("digest"), sending=args.send)
    viewers = policy.digest_recipients(access)
    if not viewers:
        raise config.ConfigError(
            "[roles] lists nobody: the digest goes to the founders, fundraising and state leads "
            "listed there (see the README, Weekly digest)."
        )
    if args.to:
        wanted = {e.strip().lower() for e in args.to}
        unknown = sorted(wanted - {(v.email or "").lower() for v in viewers})
        if unknown:
            raise UsageError(
                f"--to {', '.join(unknown)}: not in [roles], so there is no digest for them"
            )
        viewers = [v for v in viewers if (v.email or "").lower() in wanted]
    engine = _filled_store(args.db or config.database_url(secrets), "report")
    as_of = _as_of(engine, args.as_of)
    digests = digest.build_digests(
        engine,
        viewers,
        as_of,
        settings.app_url,
        progress=lambda msg: print(msg, file=sys.stderr),
    )
    if args.out:
        written = digest.write_digests(digests, Path(args.out), settings.sender)
        print(f"Wrote {len(written)} digests to {args.out} (as of {as_of.isoformat()}).")
    if not args.send:
        return EXIT_OK
    report = digest.send_digests(
        engine, digests, settings, progress=lambda msg: print(msg, file=sys.stderr)
    )
    week = clock.week_of(as_of).isoformat()
    for email in report.already:
        print(f"note: already sent to {email} for the week of {week}", file=sys.stderr)
    for email, reason in report.refused:
        print(f"refused: {email}: {reason}", file=sys.stderr)
    print(
        f"Sent {len(report.sent)} of {len(digests)} digests for the week of {week}"
        + (f"; {len(report.already)} already sent" if report.already else "")
        + (f"; {len(report.refused)} refused" if report.refused else "")
        + "."
    )
    return EXIT_QUARANTINED if report.refused else EXIT_OK


def cmd_glossary(args: argparse.Namespace) -> int:
    """Print the glossary as markdown, or rewrite (--check: compare) the README's copy."""
    from tfc_dash.figures import glossary

    if args.readme is None:
        if args.check:
            raise UsageError("--check compares the README's glossary: give --readme README.md")
        print(glossary.markdown(), end="")
        return EXIT_OK
    path = Path(args.readme)
    try:
        in_step = glossary.update_readme(path, check=args.check)
    except glossary.GlossaryError as exc:
        print(f"error: {path}: {exc}", file=sys.stderr)
        return EXIT_FAILED
    if in_step:
        print(f"{path}: the glossary is in step with the metric catalogue.")
        return EXIT_OK
    if args.check:
        print(
            f"error: {path}: the glossary is out of step with the metric catalogue "
            f"(tfc_dash/core/catalogue.py); run `python -m tfc_dash glossary --readme {path}` and "
            "commit the result.",
            file=sys.stderr,
        )
        return EXIT_FAILED
    print(f"{path}: the glossary was rewritten from the metric catalogue.")
    return EXIT_OK


def cmd_migrate(args: argparse.Namespace) -> int:
    """Upgrade the store's schema to the newest revision, keeping its data."""
    url = args.db or config.database_url()
    database.require_sqlite_file(url)
    before, after = database.init_schema(database.make_engine(url))
    if before == after:
        print(f"The store is up to date (revision {after}).")
    else:
        print(f"Upgraded the store from revision {before or 'none'} to {after}.")
    return 0


REPLACE_HELP = (
    "let the rows read replace the table even when that removes most of it "
    "([sync] max_removed_share); an empty file still removes nothing"
)


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (use YYYY-MM-DD)") from None


class _Parser(argparse.ArgumentParser):
    """argparse, with its errors as one line (the usage stays with --help)."""

    def error(self, message: str) -> NoReturn:
        print(f"error: {one_line(message)} (see {self.prog} --help)", file=sys.stderr)
        raise SystemExit(EXIT_USAGE)


def one_line(text: object) -> str:
    """``text`` on one line: a driver's multi-line message included."""
    return re.sub(r"\s+", " ", str(text)).strip()


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m tfc_dash", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    seed = sub.add_parser("seed-demo", help="fill the store with the deterministic demo dataset")
    seed.add_argument(
        "--scale",
        type=int,
        default=1,
        help="multiply projects, volunteers and assignments (10 for benchmarks)",
    )
    seed.add_argument("--seed", type=int, default=DEFAULT_SEED, help=argparse.SUPPRESS)
    seed.add_argument("--db", help="store URL (default: TFC_DATABASE_URL, secrets, data/tfc.db)")
    seed.add_argument("--force", action="store_true", help="replace a store that holds real data")
    seed.set_defaults(func=cmd_seed_demo)

    ensure = sub.add_parser(
        "ensure-store",
        help="create the store; when empty, sync the spreadsheet (or seed the demo without one)",
    )
    ensure.add_argument("--db", help="store URL")
    ensure.add_argument(
        "--secrets",
        help="secrets file with [connections.gsheets] (default .streamlit/secrets.toml)",
    )
    ensure.set_defaults(func=cmd_ensure_store)

    sync_p = sub.add_parser("sync", help="sync the ops spreadsheet into the store (for cron)")
    sync_p.add_argument(
        "--dry-run", action="store_true", help="validate and print the report; write nothing"
    )
    sync_p.add_argument("--db", help="store URL")
    sync_p.add_argument(
        "--secrets",
        help="secrets file with [connections.gsheets] (default .streamlit/secrets.toml)",
    )
    sync_p.add_argument("--replace", action="store_true", help=REPLACE_HELP)
    sync_p.set_defaults(func=cmd_sync)

    imp = sub.add_parser("import", help="load one tab's rows from a CSV file")
    imp.add_argument("--tab", required=True, help="the tab: Districts, Outcomes, Projects, ...")
    imp.add_argument("file", help="the CSV file (UTF-8, a header row first)")
    imp.add_argument("--dry-run", action="store_true", help="validate only; write nothing")
    imp.add_argument("--replace", action="store_true", help=REPLACE_HELP)
    imp.add_argument("--db", help="store URL")
    imp.add_argument("--secrets", help="settings file with [sync] limits (default: the app's)")
    imp.set_defaults(func=cmd_import)
    export = sub.add_parser(
        "export", help="write the fundraising kit: charts (PNG, SVG), their CSVs, the headline"
    )
    export.add_argument("--out", required=True, help="folder to write the files into")
    export.add_argument("--db", help="store URL")
    export.add_argument("--as-of", type=_day, help="the day (YYYY-MM-DD; default: the latest data)")
    export.add_argument(
        "--cycle", type=int, help="the cycle whose goal the progress chart tracks (default: newest)"
    )
    export.add_argument("--state", action="append", help="narrow to a state (repeatable)")
    export.add_argument(
        "--category", action="append", choices=CATEGORIES, help="narrow to a category (repeatable)"
    )
    export.set_defaults(func=cmd_export)

    dig = sub.add_parser(
        "digest", help="each role's weekly digest: write .eml files, or send them (for cron)"
    )
    dig.add_argument("--send", action="store_true", help="send them with [digest]'s mail server")
    dig.add_argument("--out", help="folder to write each digest into, as an .eml file")
    dig.add_argument("--as-of", type=_day, help="the day (YYYY-MM-DD; default: the latest data)")
    dig.add_argument(
        "--to", action="append", metavar="EMAIL", help="only this recipient of [roles] (repeatable)"
    )
    dig.add_argument("--db", help="store URL")
    dig.add_argument(
        "--secrets", help="secrets file with [roles] and [digest] (default .streamlit/secrets.toml)"
    )
    dig.set_defaults(func=cmd_digest)

    gloss = sub.add_parser(
        "glossary", help="print every figure's label and definition (or update the README's)"
    )
    gloss.add_argument("--readme", help="rewrite this README's glossary section (between markers)")
    gloss.add_argument(
        "--check",
        action="store_true",
        help="with --readme: fail when it is out of step; write nothing",
    )
    gloss.set_defaults(func=cmd_glossary)

    migrate = sub.add_parser("migrate", help="upgrade the store's schema, keeping its data")
    migrate.add_argument("--db", help="store URL")
    migrate.set_defaults(func=cmd_migrate)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "scale", 1) < 1:
        parser.error("--scale must be at least 1")
    try:
        return int(args.func(args))
    except UsageError as exc:
        print(f"error: {one_line(exc)}", file=sys.stderr)
        return EXIT_USAGE
    except (
        database.StoreError,
        config.ConfigError,
        sheets_api.SheetsError,
        sync.SyncError,
        policy.AccessConfigError,
        digest.DigestError,
    ) as exc:
        print(f"error: {config.redact_secrets(one_line(exc))}", file=sys.stderr)
        return EXIT_FAILED
    except BrokenPipeError:  # piped into head: the reader has what it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_FAILED
    except OSError as exc:  # an export folder that cannot be written, say
        where = f": {exc.filename}" if exc.filename else ""
        print(f"error: {one_line(exc.strerror or exc)}{where}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print("error: interrupted; a sync or import in progress was rolled back", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug: still one line in a cron log, the details on request
        if os.environ.get(DEBUG_ENV) == "1":
            raise
        print(
            f"error: unexpected {type(exc).__name__}: {config.redact_secrets(one_line(exc))} "
            f"(a bug: run again with {DEBUG_ENV}=1 for the details, and report it)",
            file=sys.stderr,
        )
        return EXIT_FAILED


def _filled_store(url: str, nothing_to: str) -> Engine:
    """The store at ``url``, upgraded; an empty one is an error (nothing to export or report)."""
    engine = database.make_engine(url)
    status = database.check_store(engine, upgrade=True)
    if status.is_empty:
        raise database.StoreError(
            f"The store at {status.url} is empty: there is nothing to {nothing_to}.",
            "Fill it with `python -m tfc_dash seed-demo` or a sync first.",
        )
    return engine


def _as_of(engine: Engine, requested: date | None) -> date:
    """``--as-of``: the sidebar's range and default, so files and emails match the pages."""
    bounds = queries.as_of_bounds(engine, clock.today())
    as_of = requested or bounds.default
    if not bounds.first <= as_of <= bounds.last:
        raise UsageError(
            f"--as-of {as_of.isoformat()} is outside the data's days, from "
            f"{bounds.first.isoformat()} (the first in the data) to {bounds.last.isoformat()} "
            "(today): pick a day in that range."
        )
    return as_of
