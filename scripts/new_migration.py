"""Write the next schema migration after a change to ``tfc_dash/store/models.py``.

    .venv/bin/python scripts/new_migration.py "add a notes column to projects"

Builds a scratch SQLite store with the existing migrations, compares it with the models (alembic
autogenerate), writes ``tfc_dash/store/migrations/versions/NNNN_<message>.py``, formatted with ruff,
and moves ``HEAD`` in ``tfc_dash/store/migrate.py`` on to it.
Read it before committing: autogenerate sees added and dropped tables, columns and indexes, but
takes a rename for a drop and an add (which loses the column's data), and misses some type
changes. Then run ``make test``: tests/test_migrations.py upgrades a filled store through it on
SQLite and PostgreSQL and checks that nothing is lost and that the result equals the models.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tfc_dash.store import migrate


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("message", help="what the migration changes, in a few words")
    args = parser.parse_args()
    path = migrate.new_revision(args.message)
    # The app's quick check compares the store with migrate.HEAD: move it on.
    source = Path(migrate.__file__)
    text = source.read_text()
    head = f'HEAD = "{path.name.split("_", 1)[0]}"'
    source.write_text(re.sub(r'^HEAD = "\d+"$', head, text, count=1, flags=re.MULTILINE))
    ruff = shutil.which("ruff") or str(Path(sys.executable).parent / "ruff")
    if Path(ruff).exists():
        subprocess.run([ruff, "format", "--quiet", str(path)], check=False)
        subprocess.run([ruff, "check", "--fix", "--quiet", str(path)], check=False)
    print(f"Wrote {path}: review it, then run make test.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
