"""A real ``streamlit run`` of the dashboard for the browser benchmarks, and Chromium for them."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Extra `streamlit run` options, to compare settings (BENCH_STREAMLIT_ARGS="--runner.postScriptGC
# true", say).
EXTRA = os.environ.get("BENCH_STREAMLIT_ARGS", "").split()
BROWSER_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    # Many pages at once (the load): Chromium would otherwise slow the timers and the rendering
    # of every page but one, and measure itself rather than the dashboard.
    "--disable-background-timer-throttling",
    "--disable-backgrounding-occluded-windows",
    "--disable-renderer-backgrounding",
]


def chromium_path() -> str | None:
    candidate = os.environ.get("CHROMIUM") or "/usr/bin/chromium"
    return candidate if Path(candidate).exists() else shutil.which("chromium")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of one process so far (Linux; 0 elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def descendants(pid: int) -> list[int]:
    """Every process below ``pid`` (Linux; none elsewhere)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(parent, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


class Server:
    def __init__(self, url: str, process: subprocess.Popen[bytes], log: Path) -> None:
        self.url = url
        self.process = process
        self.log = log

    def rss_mb(self) -> float:
        """The server process's resident memory, in MB."""
        status = Path(f"/proc/{self.process.pid}/status")
        if status.exists():
            for line in status.read_text().splitlines():
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
        out = subprocess.run(["ps", "-o", "rss=", "-p", str(self.process.pid)],
                             capture_output=True, text=True, check=True)  # fmt: skip
        return int(out.stdout.strip()) / 1024


@contextmanager
def streamlit_server(
    db_url: str, log: Path, env: Mapping[str, str] | None = None, secrets: Path | None = None
) -> Iterator[Server]:
    """``streamlit run app.py`` on a free loopback port, against the store at ``db_url``."""
    port = free_port()
    environment = {**os.environ, "TFC_DATABASE_URL": db_url, **(env or {})}
    args = [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"),
            "--server.headless", "true", "--server.port", str(port),
            "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
            *EXTRA]  # fmt: skip
    if secrets is not None:
        args += ["--secrets.files", str(secrets)]
    with log.open("wb") as out:
        process = subprocess.Popen(args, cwd=ROOT, env=environment, stdout=out,
                                   stderr=subprocess.STDOUT)  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"streamlit exited early:\n{log.read_text()}")
            try:
                with urllib.request.urlopen(f"{base}/_stcore/health", timeout=1) as resp:
                    if resp.status == 200:
                        break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"streamlit did not answer on {base}") from None
                time.sleep(0.2)
        yield Server(base, process, log)
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextmanager
def chromium() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    path = chromium_path()
    if path is None:
        raise RuntimeError("Chromium not found (/usr/bin/chromium or $CHROMIUM)")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=path, args=BROWSER_ARGS)
        try:
            yield browser
        finally:
            browser.close()


# Done: the script has stopped running, the page's title is up, and every chart and image has
# drawn. The title tells the page asked for from the page being left, still on screen after a
# click; charts and images are counted as the page's AppTest run found them.
READY_JS = """([charts, images, title]) => {
  const app = document.querySelector('[data-testid=stApp]');
  if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  const h1 = document.querySelector('[data-testid=stMain] h1');
  if (!h1 || (title && !h1.innerText.includes(title))) return false;
  const all = [...document.querySelectorAll('[data-testid=stVegaLiteChart]')];
  const drawn = all.filter(el => {
    const c = el.querySelector('canvas, svg');
    return c && c.getBoundingClientRect().height > 20;
  });
  const imgs = [...document.querySelectorAll('[data-testid=stImage] img')];
  const loaded = imgs.filter(img => img.complete && img.naturalWidth > 0);
  return drawn.length === all.length && loaded.length === imgs.length
    && drawn.length >= charts && loaded.length >= images;
}"""

# What a page shows, to say why it did not become ready.
STATE_JS = """() => {
  const app = document.querySelector('[data-testid=stApp]');
  const h1 = document.querySelector('[data-testid=stMain] h1');
  const charts = [...document.querySelectorAll('[data-testid=stVegaLiteChart]')];
  const drawn = charts.filter(el => { const c = el.querySelector('canvas, svg');
                                      return c && c.getBoundingClientRect().height > 20; });
  return `state ${app && app.getAttribute('data-test-script-state')}, heading `
    + `${h1 ? JSON.stringify(h1.innerText.slice(0, 60)) : 'none'}, charts ${drawn.length}`
    + `/${charts.length} drawn, ${location.pathname}${location.search}`;
}"""

PROBLEMS_JS = """() => {
  const texts = (selector, label) => [...document.querySelectorAll(selector)]
    .map(e => label + ': ' + e.innerText.slice(0, 300));
  return [...texts('[data-testid=stException]', 'exception'),
          ...texts('[data-testid=stAlertContentError]', 'error')];
}"""


def ready_args(view: dict) -> list:
    return [view.get("charts", 0), view.get("images", 0), view.get("heading", "")]


def open_and_wait(page, url: str, view: dict, timeout_ms: float = 60_000) -> float:
    """Seconds from navigating to ``url`` until the page has run and drawn everything."""
    began = time.perf_counter()
    page.goto(url, wait_until="commit", timeout=timeout_ms)
    page.wait_for_function(READY_JS, arg=ready_args(view), timeout=timeout_ms, polling="raf")
    return time.perf_counter() - began


def click_and_wait(page, view: dict, timeout_ms: float = 60_000) -> float:
    """Seconds from clicking the sidebar's link to ``view`` until that page has drawn."""
    nav = page.locator("[data-testid=stSidebarNav]")
    link = nav.get_by_role("link", name=view["title"], exact=True)
    began = time.perf_counter()
    link.click(timeout=timeout_ms)
    page.wait_for_function(READY_JS, arg=ready_args(view), timeout=timeout_ms, polling="raf")
    return time.perf_counter() - began


def problems(page) -> list[str]:
    """Exception boxes and error messages on the page."""
    return list(page.evaluate(PROBLEMS_JS))
