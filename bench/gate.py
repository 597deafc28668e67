"""The load-average gate: `make bench` measures a quiet machine or refuses to report.

Figures taken while other work runs on the machine are noise (on 2 shared cores, most of what a
busy machine's benchmark measures is the waiting). So the bench reads the 1-minute load average
before it starts and every few seconds while it runs, and works out the others' share of it: the
threads outside the bench's own processes (its servers, browsers and clients, and the local
database server that serves its stores) that are running or waiting to run, counted and averaged
the way the kernel averages the load. (The bench's own CPU time would not do: two cores busy
with four runnable threads make a load of four from two cores' worth of CPU.) It stops with a
clear line, before reporting anything, when the others' load goes above ``limit_per_core`` x the
cores. ``--ignore-load`` measures anyway, for development: every figure
still carries the load beside it, and the run is marked as taken on a busy machine.
"""

from __future__ import annotations

import math
import os
import threading
import time
from dataclasses import dataclass, field

from bench.procs import others_running

DEFAULT_LIMIT_PER_CORE = 0.25
SAMPLE_SECONDS = 5.0  # the kernel recomputes the load average every 5 s
WINDOW_SECONDS = 60.0  # ... as an exponential average over a minute


class TooBusy(Exception):
    """The machine is too busy to measure."""


@dataclass
class Gate:
    limit_per_core: float = DEFAULT_LIMIT_PER_CORE
    enforce: bool = True
    cores: int = field(default_factory=lambda: os.cpu_count() or 1)
    _others: float | None = None  # the others' share of the load average, as the kernel averages
    _last: float = 0.0  # monotonic time of the last sample
    _worst: dict | None = None  # the busiest reading since the last checkpoint
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def limit(self) -> float:
        return self.limit_per_core * self.cores

    def _sample(self, load: float) -> float:
        """The others' load now. Before the first sample the whole load average is theirs (the
        bench has not started anything); then it follows the threads they have running."""
        now, running = time.monotonic(), others_running()
        with self._lock:
            if self._others is None:
                self._others = load
            else:
                decay = math.exp(-max(now - self._last, 1e-3) / WINDOW_SECONDS)
                self._others = self._others * decay + running * (1 - decay)
            self._last = now
            return self._others

    def reading(self) -> dict:
        """The load now: the 1-minute average, this benchmark's share of it, the rest."""
        load = os.getloadavg()[0]
        others = min(self._sample(load), load)
        own = load - others
        return {
            "load_1m": round(load, 2),
            "own": round(own, 2),
            "others": round(others, 2),
            "cores": self.cores,
        }

    def _too_busy(self, reading: dict) -> bool:
        return reading["others"] > self.limit

    def message(self, reading: dict, when: str) -> str:
        return (
            f"bench: refused {when}: the machine is too busy to measure (1-minute load average "
            f"{reading['load_1m']:.2f} on {reading['cores']} cores, {reading['others']:.2f} of "
            f"it not this benchmark's; the limit is {self.limit:.2f}, {self.limit_per_core:g} a "
            "core). Wait until the machine is quiet, or pass --ignore-load to measure anyway "
            "(the figures are then marked as taken on a busy machine)."
        )

    def check(self, when: str) -> dict:
        """Raise TooBusy if the machine is busy now or was since the last check (while
        watching); the reading otherwise (always, when not enforced)."""
        reading = self.reading()
        with self._lock:
            worst, self._worst = self._worst, None
        if worst is not None and worst["others"] > reading["others"]:
            reading = {**worst, "at": "while measuring"}
        if self.enforce and self._too_busy(reading):
            raise TooBusy(self.message(reading, when))
        return reading

    def watch(self) -> None:
        """Sample in the background every few seconds, keeping the busiest reading."""

        def run() -> None:
            while not self._stop.wait(SAMPLE_SECONDS):
                reading = self.reading()
                with self._lock:
                    if self._worst is None or reading["others"] > self._worst["others"]:
                        self._worst = reading

        self.reading()
        self._thread = threading.Thread(target=run, name="load-gate", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
