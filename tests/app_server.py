"""A real ``streamlit run`` on a free loopback port, and Chromium's path and flags: shared by the
browser tests, the benchmarks (bench/) and scripts/screenshot.py, so all start the app and the
browser the same way."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
# Chromium's flags, everywhere it is launched (bench/server.py adds its own for many pages at once).
BROWSER_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def chromium_path() -> str | None:
    candidate = os.environ.get("CHROMIUM") or "/usr/bin/chromium"
    if Path(candidate).exists():
        return candidate
    return shutil.which("chromium")


def launch_options(*extra_args: str) -> dict[str, Any]:
    """``playwright.chromium.launch(**launch_options())``: this machine's Chromium, with
    BROWSER_ARGS and ``extra_args``; RuntimeError when there is no Chromium."""
    path = chromium_path()
    if path is None:
        raise RuntimeError("Chromium not found at /usr/bin/chromium or $CHROMIUM")
    return {"executable_path": path, "args": [*BROWSER_ARGS, *extra_args]}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class AppServer:
    def __init__(self, url: str, process: subprocess.Popen[bytes], log: Path) -> None:
        self.url = url
        self.process = process
        self.log = log

    def rss_mb(self) -> float:
        """The server process's resident memory, in MB (Linux)."""
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        raise RuntimeError(f"no VmRSS for process {self.process.pid}")

    def __enter__(self) -> AppServer:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def start_app_server(
    database_url: str | None,
    log: Path,
    env: Mapping[str, str] | None = None,
    args: Sequence[str] = (),
    script: Path = ROOT / "app.py",
    timeout: float = 30,
    port: int | None = None,
) -> AppServer:
    """``streamlit run`` of ``script`` (the dashboard unless told) against the store at
    ``database_url`` (None: a script without one), from the repository's root (so with its
    ``.streamlit/config.toml``); returns once ``/_stcore/health`` answers, as a context manager
    that stops it. ``port``: a free one unless told (a login's redirect address must name it
    before the server starts)."""
    port = port or free_port()
    store = {"TFC_DATABASE_URL": database_url} if database_url is not None else {}
    environment = {**os.environ, **store, **(env or {})}
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(script),
             "--server.headless", "true", "--server.port", str(port),
             "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false", *args],
            cwd=ROOT, env=environment, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    return wait_until_healthy(f"http://127.0.0.1:{port}", process, log, timeout)


def wait_until_healthy(
    base: str, process: subprocess.Popen[bytes], log: Path, seconds: float = 30
) -> AppServer:
    """The server once ``base`` answers Streamlit's health check; stopped and raised if not."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited early:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=1) as resp:
                if resp.status == 200:
                    return AppServer(base, process, log)
        except OSError:
            time.sleep(0.1)
    AppServer(base, process, log).stop()
    raise RuntimeError(
        f"streamlit did not answer on {base} within {seconds:g} s:\n{log.read_text()}"
    )
