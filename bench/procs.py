"""Processes on Linux, from /proc: their CPU time and their descendants (nothing elsewhere)."""

from __future__ import annotations

import os
from pathlib import Path


def _stat(pid: int) -> list[str] | None:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None


def cpu_seconds(pid: int, with_children: bool = False) -> float:
    """User and system CPU time of one process so far (and of its finished, waited-for
    children, with ``with_children``)."""
    fields = _stat(pid)
    if fields is None:
        return 0.0
    ticks = fields[11:15] if with_children else fields[11:13]
    return sum(int(t) for t in ticks) / os.sysconf("SC_CLK_TCK")


def descendants(pid: int) -> list[int]:
    """Every process below ``pid``."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").glob("[0-9]*"):
        fields = _stat(int(entry.name))
        if fields is not None:
            children.setdefault(int(fields[1]), []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


RUNNING = {"R", "D"}  # the states the kernel's load average counts: running, or waiting on a disk
# The local database server serves the bench's stores: its processes' work is the bench's.
SERVING_US = {"postgres"}
KTHREADD = 2


def others_running() -> int:
    """User-space threads that count toward the load average now (running, runnable or in
    uninterruptible sleep) outside this process, everything it started and the local database
    server: the load other people's work puts on the machine, counted the way the kernel counts
    it."""
    ours = {os.getpid(), *descendants(os.getpid())}
    count = 0
    for entry in Path("/proc").glob("[0-9]*"):
        pid = int(entry.name)
        fields = _stat(pid)
        # Kernel threads (kthreadd, pid 2, and its children) work for whatever runs: under the
        # bench mostly for the bench (its network traffic, its writes), so they count as no one's.
        if pid in ours or pid == KTHREADD or fields is None or int(fields[1]) == KTHREADD:
            continue
        try:
            if (entry / "comm").read_text().strip() in SERVING_US:
                continue
            tasks = list((entry / "task").iterdir())
        except OSError:
            continue
        for task in tasks:
            try:
                state = (task / "stat").read_text().rsplit(")", 1)[1].split()[0]
            except (OSError, IndexError):
                continue
            count += state in RUNNING
    return count


def own_cpu_seconds() -> float:
    """CPU seconds used so far by this process and everything it started: finished children
    (once waited for) through ``os.times``, running ones through /proc, with what their own
    finished children used."""
    times = os.times()
    total = times.user + times.system + times.children_user + times.children_system
    return total + sum(cpu_seconds(pid, with_children=True) for pid in descendants(os.getpid()))
