"""Screenshot pages of a running dashboard in headless Chromium, to look at what we build.

    python scripts/screenshot.py http://localhost:8501/ docs/progress.png [--width 1400]

Waits until the page has stopped running and its charts are drawn.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.app_server import launch_options  # the tests' browser and its flags


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("out")
    parser.add_argument("--width", type=int, default=1400)
    parser.add_argument("--height", type=int, default=1800)
    parser.add_argument("--settle-ms", type=int, default=2500)
    args = parser.parse_args()
    with sync_playwright() as pw:
        browser = pw.chromium.launch(**launch_options())
        page = browser.new_page(viewport={"width": args.width, "height": args.height})
        page.goto(args.url)
        page.wait_for_selector("[data-testid=stApp]")
        # Streamlit shows a "running" status widget while the script runs.
        page.wait_for_function(
            "!document.querySelector('[data-testid=stStatusWidget]')", timeout=60_000
        )
        page.wait_for_timeout(args.settle_ms)
        page.screenshot(path=args.out, full_page=True)
        browser.close()
    print(args.out)


if __name__ == "__main__":
    main()
