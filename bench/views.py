"""The page views the benchmarks open: every page of app.py's navigation, the States page's
Virginia House of Delegates view and a project's detail."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class PageView:
    name: str
    script: str  # the page file, for AppTest.switch_page
    path: str  # its address under the app ("" for the default page)
    query: dict[str, str] = field(default_factory=dict)
    title: str = ""  # its link in the sidebar's navigation (none for a view with a query)

    def url(self, base: str) -> str:
        from urllib.parse import urlencode

        link = f"{base}/{self.path}"
        return f"{link}?{urlencode(self.query)}" if self.query else link


def page_views(project_id: str | None) -> list[PageView]:
    views = [
        PageView("progress", "pages/progress.py", "", title="Progress"),
        PageView("volunteers", "pages/volunteers.py", "volunteers", title="Volunteers"),
        PageView("staffing", "pages/staffing.py", "staffing", title="Staffing"),
        PageView("projects", "pages/projects.py", "projects", title="Projects"),
        PageView("states (national)", "pages/states.py", "states", title="States"),
        PageView("states (VA House)", "pages/states.py", "states",
                 {"state": "VA", "chamber": "lower"}),
        PageView("outcomes", "pages/outcomes.py", "outcomes", title="Outcomes"),
        PageView("fundraising kit", "pages/fundraising_kit.py", "fundraising_kit",
                 title="Fundraising kit"),
        PageView("data health", "pages/data_health.py", "data_health", title="Data health"),
    ]  # fmt: skip
    if project_id:
        views.insert(
            4, PageView("project detail", "pages/projects.py", "projects", {"project": project_id})
        )
    return views


def busiest_project(db_url: str) -> str | None:
    """A running project with the largest team: the detail view with the most to draw."""
    import sqlalchemy as sa

    from tfc_dash.store import database, models

    projects, assignments = models.Project.__table__, models.Assignment.__table__
    team = sa.func.count(assignments.c.id)
    statement = (
        sa.select(projects.c.project_id)
        .join(assignments, assignments.c.project_id == projects.c.project_id)
        .where(projects.c.status == "active", projects.c.removed_at.is_(None))
        .group_by(projects.c.project_id)
        .order_by(team.desc(), projects.c.project_id)
        .limit(1)
    )
    engine = database.make_engine(db_url)
    with engine.connect() as conn:
        found = conn.execute(statement).scalar()
    engine.dispose()
    return found


def described_views(db_url: str) -> list[dict]:
    """Each page view with what the browser must wait for: its heading, charts and images, as
    its AppTest run (one warm rerun, in a fresh interpreter) found them."""
    import json
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    described = []
    for view in page_views(busiest_project(db_url)):
        args = [sys.executable, "-m", "bench.apptest_timing", db_url, view.script, "1"]
        if view.query:
            args.append(json.dumps(view.query))
        out = subprocess.run(args, cwd=root, capture_output=True, text=True, check=True)
        found = json.loads(out.stdout.strip().splitlines()[-1])
        described.append({"name": view.name, "url": view.url(""), "title": view.title,
                          "heading": found["heading"], "charts": found["charts"],
                          "images": found["images"]})  # fmt: skip
    return described
