"""The load-average gate (bench/gate.py): `make bench` refuses to report on a busy machine."""

from __future__ import annotations

import pytest

from bench import gate


@pytest.fixture
def machine(monkeypatch: pytest.MonkeyPatch) -> dict[str, float]:
    """A 2-core machine whose load average, clock and benchmark CPU time the test sets."""
    state = {"load": 0.1, "now": 1000.0, "own_cpu": 0.0}
    monkeypatch.setattr(gate.os, "getloadavg", lambda: (state["load"], 0.0, 0.0))
    monkeypatch.setattr(gate.time, "monotonic", lambda: state["now"])
    monkeypatch.setattr(gate, "own_cpu_seconds", lambda: state["own_cpu"])
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
    # Ten minutes at 1.8 cores of its own (a server and a client): the load average follows.
    machine["now"] += 600
    machine["own_cpu"] += 1.8 * 600
    machine["load"] = 2.0
    reading = g.check("after the floors")
    assert reading["own"] == pytest.approx(1.8, abs=0.01)
    assert reading["others"] == pytest.approx(0.2, abs=0.01)


def test_a_busy_spell_while_measuring_is_refused_at_the_next_check(machine):
    g = gate.Gate(cores=2)
    g.check("before measuring")
    machine["now"] += 5
    machine["load"] = 4.0
    g._worst = g.reading()  # what the watcher keeps
    machine["now"] += 5
    machine["load"] = 0.2  # quiet again by the time of the check
    with pytest.raises(gate.TooBusy, match=r"4\.00 on 2 cores"):
        g.check("after the load test")


def test_the_override_measures_anyway_and_keeps_the_load(machine):
    machine["load"] = 3.2
    reading = gate.Gate(cores=2, enforce=False).check("before measuring")
    assert reading["others"] == 3.2
