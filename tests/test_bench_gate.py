"""The load-average gate (bench/gate.py): `make bench` refuses to report on a busy machine."""

from __future__ import annotations

import pytest

from bench import gate, procs


@pytest.fixture
def machine(monkeypatch: pytest.MonkeyPatch) -> dict[str, float]:
    """A 2-core machine whose load average, clock and other people's running threads the test
    sets."""
    state = {"load": 0.1, "now": 1000.0, "others": 0}
    monkeypatch.setattr(gate.os, "getloadavg", lambda: (state["load"], 0.0, 0.0))
    monkeypatch.setattr(gate.time, "monotonic", lambda: state["now"])
    monkeypatch.setattr(gate, "others_running", lambda: state["others"])
    return state


def test_a_quiet_machine_passes_and_the_reading_says_so(machine):
    reading = gate.Gate(cores=2).check("before measuring")
    assert reading == {"load_1m": 0.1, "own": 0.0, "others": 0.1, "cores": 2}


def test_a_busy_machine_is_refused_with_a_line_that_says_why_and_what_to_do(machine):
    machine["load"] = 3.2
    with pytest.raises(gate.TooBusy) as refused:
        gate.Gate(cores=2).check("before measuring")
    line = str(refused.value)
    assert "too busy to measure" in line and "3.20 on 2 cores" in line
    assert "limit is 0.50" in line and "--ignore-load" in line


def test_the_benchmarks_own_load_does_not_count_against_it(machine):
    g = gate.Gate(cores=2)
    g.check("before measuring")
    # A minute of samples with the bench's server, client and browser making a load of 3.9 on
    # 2 cores (more runnable threads than cores) and nobody else running anything.
    machine["load"] = 3.9
    for _ in range(12):
        machine["now"] += 5
        g.reading()
    reading = g.check("after the floors")
    assert reading["others"] < 0.05 and reading["own"] == pytest.approx(3.9, abs=0.05)


def test_others_running_threads_are_refused_while_the_bench_runs(machine):
    g = gate.Gate(cores=2)
    g.check("before measuring")
    machine["load"], machine["others"] = 5.0, 2  # somebody's two busy threads
    for _ in range(12):
        machine["now"] += 5
        g.reading()
    with pytest.raises(gate.TooBusy, match=r"5\.00 on 2 cores, 1\.\d\d of it not"):
        g.check("after the floors")


def test_others_running_counts_threads_outside_the_bench(monkeypatch):
    """The real count, from /proc: a busy thread of another process counts, the bench's own
    children do not."""
    import subprocess
    import sys
    import time

    spin = "import time\nend = time.time() + 30\nwhile time.time() < end: pass\n"
    child = subprocess.Popen([sys.executable, "-c", spin])  # a child of ours: not counted
    try:
        time.sleep(0.5)
        ours = [gate.others_running() for _ in range(5)]
        monkeypatch.setattr(procs, "descendants", lambda pid: [])  # now it is somebody else's
        theirs = [gate.others_running() for _ in range(5)]
    finally:
        child.kill()
        child.wait()
    assert sum(theirs) >= sum(ours) + 3  # the spinning thread, running at (nearly) every look


def test_a_busy_spell_while_measuring_is_refused_at_the_next_check(machine):
    g = gate.Gate(cores=2)
    g.check("before measuring")
    machine["now"] += 5
    machine["load"], machine["others"] = 4.0, 40
    g._worst = g.reading()  # what the watcher keeps
    machine["now"] += 5
    machine["load"], machine["others"] = 0.2, 0  # quiet again by the time of the check
    with pytest.raises(gate.TooBusy, match=r"4\.00 on 2 cores"):
        g.check("after the load test")


def test_the_override_measures_anyway_and_keeps_the_load(machine):
    machine["load"] = 3.2
    reading = gate.Gate(cores=2, enforce=False).check("before measuring")
    assert reading["others"] == 3.2
