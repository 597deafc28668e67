"""`python -m tfc_dash export`: the kit's files, a progress bar, and clear failures."""

import io
import subprocess
import sys
from pathlib import Path

import pytest

from tests import builders as b
from tfc_dash.cli import ProgressBar, main

ROOT = Path(__file__).resolve().parent.parent


def test_export_writes_every_chart_and_the_headline(demo_db_url, tmp_path, capsys):
    assert main(["export", "--out", str(tmp_path / "kit"), "--db", demo_db_url]) == 0
    out, err = capsys.readouterr()
    names = sorted(p.name for p in (tmp_path / "kit").iterdir())
    # Per chart: PNG at each size (wide, 1200x675, 1080x1080), SVG and CSV; and the headline.
    assert len(names) == 26 and "tfc-headline-2018-09-14.txt" in names
    for key in ("progress", "volunteers", "states", "races", "crowdfunding"):
        assert {f"tfc-{key}-2018-09-14.{ext}" for ext in ("png", "svg", "csv")} <= set(names)
        assert {f"tfc-{key}-2018-09-14-{px}.png" for px in ("1200x675", "1080x1080")} <= set(names)
    assert "Wrote 26 files" in out
    headline = (tmp_path / "kit" / "tfc-headline-2018-09-14.txt").read_text()
    assert headline.strip() in out
    assert "Drawing [" in err and "5/5" in err and "Writing [" in err and "26/26" in err


def test_export_as_a_module_in_a_fresh_process(demo_db_url, tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "tfc_dash", "export", "--out", str(tmp_path), "--db", demo_db_url,
         "--as-of", "2018-06-01"],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "tfc-progress-2018-06-01.png").read_bytes()[:4] == b"\x89PNG"
    assert "(As of 1 Jun 2018.)" in done.stdout


def test_missing_parts_are_notes_not_failures(make_store, tmp_path, capsys):
    url = make_store(
        campaigns=[b.campaign("C1", candidate="A")],
        projects=[b.project("P1", name="P", category="digital_basics", start="2018-06-01",
                            end=None, needed=None)],
    )  # fmt: skip
    assert main(["export", "--out", str(tmp_path), "--db", url]) == 0
    err = capsys.readouterr().err
    assert "note: not in the kit: Crowdfunding: no crowdfunding figures" in err
    assert (tmp_path / "tfc-progress-2018-06-01.png").exists()


def test_empty_store_is_an_error(make_store, tmp_path, capsys):
    assert main(["export", "--out", str(tmp_path), "--db", make_store()]) == 1
    assert "nothing to export" in capsys.readouterr().err


def test_unwritable_folder_is_an_error(demo_db_url, tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    assert main(["export", "--out", str(blocker / "kit"), "--db", demo_db_url]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "Traceback" not in err


@pytest.mark.parametrize(
    "args",
    [["export"], ["export", "--out", "x", "--as-of", "14/09/2018"],
     ["export", "--out", "x", "--category", "knitting"]],
)  # fmt: skip
def test_bad_usage(args):
    with pytest.raises(SystemExit) as exc:
        main(args)
    assert exc.value.code == 2


@pytest.mark.parametrize(("tty", "expected"), [(False, "\n"), (True, "\r")])
def test_progress_bar(tty, expected):
    stream = io.StringIO()
    stream.isatty = lambda: tty  # type: ignore[method-assign]
    bar = ProgressBar("Drawing", stream=stream, width=4)
    bar(1, 2, "a")
    bar(2, 2, "b")
    text = stream.getvalue()
    assert "Drawing [##..] 1/2 a" in text and "Drawing [####] 2/2 b" in text
    assert text.startswith(expected) if tty else text.count("\n") == 2
