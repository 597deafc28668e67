"""The background sync's child process: ``python -m tfc_dash.ingest.sync_process``.

It reads (store URL, spreadsheet settings, limits) pickled on its stdin, runs
:func:`tfc_dash.ingest.refresh.run_sync` against them and writes its result, (report, failure),
pickled on its stdout (anything else it would print goes to stderr). See
:func:`tfc_dash.ingest.refresh.run_sync_in_subprocess`.
"""

from __future__ import annotations

import pickle
import sys


def main() -> int:
    out = sys.stdout.buffer
    sys.stdout = sys.stderr  # only the result goes to stdout
    url, settings, limits = pickle.loads(sys.stdin.buffer.read())

    from tfc_dash.ingest.refresh import run_sync
    from tfc_dash.ingest.sheets import SheetsReader
    from tfc_dash.store import database

    engine = database.make_engine(url)
    try:
        result = run_sync(engine, lambda: SheetsReader(settings), limits=limits)
    finally:
        engine.dispose()
    out.write(pickle.dumps(result))
    out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
