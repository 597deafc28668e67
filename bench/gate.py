"""The load-average gate: `make bench` measures a quiet machine or refuses to report.

Figures taken while other work runs on the machine are noise (on 2 shared cores, most of what a
busy machine's benchmark measures is the waiting). So the bench reads the 1-minute load average
before it starts and every few seconds while it runs, takes off its own share (the CPU its own
processes, servers and browsers used, averaged the way the kernel averages the load), and stops
with a clear line, before reporting anything, when what is left (the others' load) goes above
``limit_per_core`` x the cores. ``--ignore-load`` measures anyway, for development: every figure
still carries the load beside it, and the run is marked as taken on a busy machine.
"""

from __future__ import annotations

import math
import os
import threading
import time
from dataclasses import dataclass, field

from bench.procs import own_cpu_seconds

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
    _own_load: float = 0.0  # this benchmark's share of the load average, as the kernel averages
    _last: tuple[float, float] = (0.0, 0.0)  # (monotonic, own CPU seconds) at the last sample
    _worst: dict | None = None  # the busiest reading since the last checkpoint
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def limit(self) -> float:
        return self.limit_per_core * self.cores

    def _sample(self) -> None:
        now, cpu = time.monotonic(), own_cpu_seconds()
        with self._lock:
            then, before = self._last
            if then:
                elapsed = max(now - then, 1e-3)
                decay = math.exp(-elapsed / WINDOW_SECONDS)
                rate = max(cpu - before, 0.0) / elapsed
                self._own_load = self._own_load * decay + rate * (1 - decay)
            self._last = (now, cpu)

    def reading(self) -> dict:
        """The load now: the 1-minute average, this benchmark's share of it, the rest."""
        self._sample()
        load = os.getloadavg()[0]
        with self._lock:
            own = self._own_load
        return {
            "load_1m": round(load, 2),
            "own": round(own, 2),
            "others": round(max(load - own, 0.0), 2),
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

        self._sample()
        self._thread = threading.Thread(target=run, name="load-gate", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
