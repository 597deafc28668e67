"""A deterministic demo dataset grounded on the program's public facts.

What is real and what is made up:

* **Real**: the 2017 Virginia House of Delegates results (``data/va_hod_2017_results.csv``): the
  12 House campaigns are the eight closest Democratic flips, the closest Democratic hold and the
  three closest Democratic losses of 2017 (HD-94, a tie decided by lot, among them), which gives
  the program's reported record of 9 won and 8 seats flipped. Also real: the three 2017 Virginia
  statewide results, the chambers and districts of every legislature, the goals (50 projects by
  the end of November 2017, 500 by 6 Nov 2018), the 14-state footprint of 2018 and the volunteer
  sign-up milestones (about 700 in the first days, 3,000 by October 2017, 4,500 by July 2018,
  8,700 by October 2018).
* **Made up**: every volunteer (names and ``example.org`` emails), every 2018 candidate, the
  projects' dates, teams and outcomes, the district scores and the crowdfunding curve.

The demo stops on ``DEMO_AS_OF`` (14 Sep 2018), in the middle of the 2018 push, so that paces and
projections mean something. The same ``seed`` and ``scale`` always give the same data.
"""

from __future__ import annotations

import bisect
import itertools
import math
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TypedDict

import pandas as pd

from tfc_dash.figures.reference import legislative_chambers, va_house_results_2017
from tfc_dash.figures.skills import ALL_SKILLS, SKILLS_BY_CATEGORY
from tfc_dash.store.models import CATEGORIES

DEMO_AS_OF = date(2018, 9, 14)
DEFAULT_SEED = 2018
ELECTION_2017 = date(2017, 11, 7)
ELECTION_2018 = date(2018, 11, 6)

PRIORITY_STATES_2018: tuple[str, ...] = (
    "AZ", "CO", "FL", "GA", "ME", "MI", "MN", "NH", "NC", "NV", "OH", "PA", "TX", "WI",
)  # fmt: skip
# Relative weight of each priority state in the 2018 program (bigger, more contested states
# get more projects).
STATE_WEIGHTS_2018: dict[str, float] = {
    "PA": 1.6, "MI": 1.5, "WI": 1.3, "NC": 1.3, "AZ": 1.2, "FL": 1.2, "TX": 1.1, "GA": 1.0,
    "MN": 1.0, "OH": 0.9, "CO": 0.8, "NH": 0.8, "ME": 0.6, "NV": 0.6,
}  # fmt: skip
US_HOUSE_SEATS: dict[str, int] = {
    "AZ": 9, "CO": 7, "FL": 27, "GA": 14, "ME": 2, "MI": 14, "MN": 8, "NH": 2, "NC": 13,
    "NV": 4, "OH": 16, "PA": 18, "TX": 36, "WI": 8,
}  # fmt: skip
STATEWIDE_OFFICES = ("Governor", "Attorney General", "Secretary of State")
# How far Democratic margins in the Virginia House moved from 2015 to 2017, roughly: used only to
# make up 2015 margins, which the reference data does not have.
VA_2017_WAVE = 0.09
# The crowdfunding (Indiegogo) campaign: $250,000 to hire full-time staff, over 60 days.
CROWDFUNDING_GOAL_USD = 250_000.0
CROWDFUNDING_START = date(2018, 8, 6)
CROWDFUNDING_DAYS = 60

# Cumulative volunteer sign-ups at dates from the brief; linear in between.
SIGNUP_MILESTONES: tuple[tuple[date, int], ...] = (
    (date(2017, 1, 9), 0),
    (date(2017, 1, 16), 700),
    (date(2017, 10, 1), 3000),
    (date(2018, 7, 1), 4500),
    (date(2018, 10, 15), 8700),
)

TASKS: dict[str, tuple[str, ...]] = {
    "digital_basics": ("Website build", "Website refresh", "Donation page",
                       "Volunteer sign-up site"),
    "email_analytics": ("Email program", "List segmentation", "Fundraising ROI analysis",
                        "Voter list cleanup"),
    "social_digital": ("Paid social program", "Peer-to-peer texting", "GOTV texting",
                       "Digital ads plan"),
    "engineering_data": ("Targeting model", "Canvass data pipeline", "Voter file analysis",
                         "Field dashboard"),
}  # fmt: skip
HOME_STATE_WEIGHTS: dict[str, float] = {
    "CA": 22, "NY": 14, "WA": 6, "MA": 6, "TX": 5, "IL": 4, "VA": 5, "DC": 3, "MD": 3, "CO": 3,
    "PA": 3, "FL": 3, "GA": 2, "MI": 2, "NC": 2, "OR": 2, "MN": 2, "NJ": 2, "AZ": 2, "OH": 2,
    "WI": 1.5, "NH": 0.5, "NV": 1, "ME": 0.5, "UT": 1, "CT": 1,
}  # fmt: skip
FIRST_NAMES = (
    "Aaliyah Aaron Abigail Adrian Aisha Alejandro Alex Alicia Amara Amir Ana Andre Angela Anika "
    "Ari Arjun Ava Bea Ben Bianca Brandon Brianna Caleb Camila Carlos Carmen Chen Chloe Chris "
    "Dana Daniel Danielle Darius David Deepa Devon Diego Elena Eli Elise Emeka Emily Eric Esther "
    "Fatima Felix Gabriel Grace Hana Hannah Hector Ian Imani Isaac Isabel Jada Jamal James Jasmine "
    "Javier Jenna Jin Jonah Jordan Jose Julia Kai Karen Keisha Kenji Kevin Kim Lara Laura Leah "
    "Leo Lila Lucas Luis Maya Megan Mei Miguel Mira Nadia Naomi Nate Nia Noah Olivia Omar Priya "
    "Rachel Rafael Ravi Rosa Ryan Sam Sara Sofia Tariq Tessa Theo Uma Victor Wei Yara Zoe"
).split()
LAST_NAMES = (
    "Abbott Adeyemi Alvarez Anderson Bauer Becker Bennett Brooks Campbell Chang Chavez Chen Cohen "
    "Collins Cruz Das Diaz Dubois Edwards Evans Fischer Flores Foster Garcia Gill Gonzalez Gordon "
    "Gupta Hall Hansen Harris Hernandez Hughes Ito Jackson James Jensen Johnson Kaur Kelly Khan "
    "Kim Klein Kowalski Lee Lewis Lopez Martin Martinez Mehta Miller Mitchell Moore Morales "
    "Murphy Nakamura Nguyen Nelson Novak Okafor Olsen Ortiz Park Patel Perez Peterson Phillips "
    "Price Quinn Ramirez Reed Reyes Rivera Roberts Robinson Rossi Sanchez Santos Schmidt Shah "
    "Silva Singh Smith Sullivan Tanaka Taylor Thomas Torres Tran Turner Walker Wang Ward Weber "
    "White Williams Wilson Wong Wright Young Zhang"
).split()


@dataclass
class DemoDataset:
    frames: dict[str, pd.DataFrame]
    goals: pd.DataFrame
    meta: dict[str, str] = field(default_factory=dict)


def _date_at_fraction(milestones: tuple[tuple[date, int], ...], count: float) -> date:
    """The day on which the cumulative milestone curve reaches ``count``."""
    for (d0, c0), (d1, c1) in itertools.pairwise(milestones):
        if count <= c1:
            span = (d1 - d0).days
            frac = 0.0 if c1 == c0 else (count - c0) / (c1 - c0)
            return d0 + timedelta(days=int(frac * span))
    return milestones[-1][0]


def signups_by(day: date) -> float:
    """Cumulative sign-ups on ``day`` along the milestones."""
    for (d0, c0), (d1, c1) in itertools.pairwise(SIGNUP_MILESTONES):
        if day <= d1:
            if day <= d0:
                return float(c0)
            return c0 + (c1 - c0) * (day - d0).days / (d1 - d0).days
    return float(SIGNUP_MILESTONES[-1][1])


class _VolunteerRow(TypedDict):
    volunteer_id: str
    name: str
    email: str
    home_state: str
    skills: str
    hours_per_week: float
    signed_up: date
    status: str


class _ProjectRow(TypedDict):
    project_id: str
    campaign_id: str
    name: str
    category: str
    status: str
    start_date: date | None
    end_date: date | None
    completed_date: date | None
    volunteers_needed: int


class _DistrictRow(TypedDict):
    state: str
    chamber: str
    district: str
    winnability: float
    targeted: bool
    incumbent_party: str
    previous_margin: float


class _Builder:
    def __init__(self, scale: int, seed: int) -> None:
        if scale < 1:
            raise ValueError("scale must be at least 1")
        self.scale = scale
        self.rng = random.Random(seed)
        self.campaigns: list[dict[str, object]] = []
        self.projects: list[_ProjectRow] = []
        self.assignments: list[dict[str, object]] = []
        self.outcomes: list[dict[str, object]] = []
        self.districts: list[_DistrictRow] = []
        self._project_seq = 0

    # --- volunteers -------------------------------------------------------------------------
    def volunteers(self) -> pd.DataFrame:
        rng = self.rng
        n = round(signups_by(DEMO_AS_OF) * self.scale)
        states = list(HOME_STATE_WEIGHTS)
        weights = list(HOME_STATE_WEIGHTS.values())
        rows: list[_VolunteerRow] = []
        for i in range(n):
            # Spread sign-ups along the milestone curve; i / n is the cumulative share.
            signed_up = _date_at_fraction(SIGNUP_MILESTONES, (i + 0.5) / self.scale)
            first = rng.choice(FIRST_NAMES)
            last = rng.choice(LAST_NAMES)
            skills = rng.sample(ALL_SKILLS, k=rng.choice((1, 2, 2, 3)))
            rows.append(
                {
                    "volunteer_id": f"V{i + 1:06d}",
                    "name": f"{first} {last}",
                    "email": f"{first}.{last}.{i + 1}@example.org".lower(),
                    "home_state": rng.choices(states, weights)[0],
                    "skills": ", ".join(sorted(skills)),
                    "hours_per_week": float(rng.choice((3, 4, 5, 5, 6, 8, 8, 10, 12, 15))),
                    "signed_up": min(signed_up, DEMO_AS_OF),
                    "status": "active",
                }
            )
        self.volunteer_rows = rows
        self.signup_days = [r["signed_up"] for r in rows]  # ascending by construction
        self.skill_sets = [set(r["skills"].split(", ")) for r in rows]
        self.busy_until: list[date | None] = [None] * n
        return pd.DataFrame(rows)

    # --- campaigns and projects -----------------------------------------------------------------
    def _add_campaign(self, **row: object) -> str:
        election_date = row["election_date"]
        if not isinstance(election_date, date):
            raise TypeError("a campaign needs its election_date")
        cycle = election_date.year
        campaign_id = f"C{cycle}-{sum(1 for c in self.campaigns if c['cycle'] == cycle) + 1:04d}"
        self.campaigns.append({"campaign_id": campaign_id, "cycle": cycle, **row})
        return campaign_id

    def _add_project(
        self,
        campaign_id: str,
        candidate: str,
        category: str,
        status: str,
        start: date | None,
        weeks: int,
        cycle: int,
    ) -> _ProjectRow:
        self._project_seq += 1
        rng = self.rng
        end = start + timedelta(weeks=weeks) if start else None
        completed = end if status == "completed" else None
        project: _ProjectRow = {
            "project_id": f"P{cycle}-{self._project_seq:05d}",
            "campaign_id": campaign_id,
            "name": f"{candidate.split()[-1]}: {rng.choice(TASKS[category])}",
            "category": category,
            "status": status,
            "start_date": start,
            "end_date": end,
            "completed_date": completed,
            "volunteers_needed": rng.choice((3, 4, 4, 5)),
        }
        self.projects.append(project)
        return project

    def program_2017(self) -> None:
        rng = self.rng
        results = va_house_results_2017()
        flips = results[(results.winner_party == "D") & (results.winner_party_2015 == "R")]
        holds = results[
            (results.winner_party == "D")
            & (results.winner_party_2015 == "D")
            & (results.rep_votes > 0)
        ]
        losses = results[(results.winner_party != "D") & (results.dem_votes > 0)]
        chosen = pd.concat(
            [
                flips.sort_values("dem_margin").head(8),
                holds.sort_values("dem_margin").head(1),
                losses.sort_values("dem_margin", ascending=False).head(3),
            ]
        ).sort_values("district", key=lambda s: s.astype(int))
        house_campaigns: list[tuple[str, str]] = []
        for row in chosen.to_dict("records"):
            cid = self._add_campaign(
                candidate=row["dem_candidate"],
                party="D",
                state="VA",
                chamber="lower",
                district=str(row["district"]),
                election_date=ELECTION_2017,
                result="won" if row["winner_party"] == "D" else "lost",
                vote_share=float(row["dem_share"]),
                seat_held_by=row["winner_party_2015"],
            )
            house_campaigns.append((cid, row["dem_candidate"]))
        statewide = (
            ("Ralph Northam", "Governor", 0.539),
            ("Justin Fairfax", "Lieutenant Governor", 0.527),
            ("Mark Herring", "Attorney General", 0.533),
        )
        statewide_campaigns = [
            (
                self._add_campaign(
                    candidate=name, party="D", state="VA", chamber="statewide", district=office,
                    election_date=ELECTION_2017, result="won", vote_share=share,
                    seat_held_by="D",
                ),
                name,
            )
            for name, office, share in statewide
        ]  # fmt: skip
        # 35 projects for the 12 House campaigns (3 each, one campaign with 2) and 15 for the
        # statewide ones: 50 projects active or done by the end of October 2017.
        plan = [(c, 3) for c in house_campaigns]
        plan[-1] = (plan[-1][0], 2)
        plan += [(c, 5) for c in statewide_campaigns]
        slots = [c for c, k in plan for _ in range(k * self.scale)]
        first, last = date(2017, 7, 10), date(2017, 10, 20)
        span = (last - first).days
        for i, (cid, candidate) in enumerate(slots):
            start = first + timedelta(days=int(span * (i + 0.5) / len(slots)))
            start += timedelta(days=rng.randint(-3, 3))
            weeks = min(rng.randint(4, 8), max(4, (ELECTION_2017 - start).days // 7))
            self._add_project(
                cid, candidate, rng.choice(CATEGORIES), "completed", start, weeks, 2017
            )

    def districts_and_scores(self) -> None:
        rng = self.rng
        va = va_house_results_2017().set_index("district")
        margins = va["dem_margin"].astype(float)
        for chamber in legislative_chambers():
            if chamber.state not in PRIORITY_STATES_2018 and chamber.state != "VA":
                continue
            for name in chamber.districts:
                previous: float | None = None
                if chamber.state == "VA" and chamber.chamber == "lower":
                    # The data squad's score, made to follow the 2017 result with some noise.
                    score = 50 + 100 * margins[name] + rng.gauss(0, 8)
                    incumbent = str(va["winner_party_2015"][name])
                    # The previous election is 2015's, whose margins the reference data lacks:
                    # made up as 2017's without its wave, on the side of the 2015 winner.
                    previous = margins[name] - VA_2017_WAVE
                else:
                    score = rng.gauss(42, 18)
                    incumbent = "D" if score > 55 + rng.gauss(0, 8) else "R"
                score = max(0.0, min(100.0, score))
                noise = rng.gauss(0, 0.03)
                if previous is not None:
                    previous = min(max(previous + noise, -1.0), 1.0)
                    previous = max(previous, 0.01) if incumbent == "D" else min(previous, -0.01)
                else:
                    previous = (score - 50) / 100 + noise
                self.districts.append(
                    {
                        "state": chamber.state,
                        "chamber": chamber.chamber,
                        "district": name,
                        "winnability": round(score, 1),
                        "targeted": (45 <= score <= 75 and incumbent == "R") or 40 <= score <= 60,
                        "incumbent_party": incumbent,
                        "previous_margin": round(previous, 3),
                    }
                )

    def _candidate_name(self, first: str, last: str) -> str:
        """A made-up candidate, with a middle initial that no volunteer's name has.

        Candidates are public and shown on every page; volunteers are private. Were a candidate
        to share a volunteer's full name, every check that a page shows no volunteer's name
        would fail on it.
        """
        initial = "ABCDEFGHJKLMNPRSTW"[sum(1 for c in self.campaigns if c["cycle"] == 2018) % 18]
        return f"{first} {initial}. {last}"

    def program_2018(self) -> None:
        rng = self.rng
        targeted: dict[str, list[_DistrictRow]] = {}
        for d in self.districts:
            if d["state"] in PRIORITY_STATES_2018 and d["targeted"]:
                targeted.setdefault(d["state"], []).append(d)
        weight_total = sum(STATE_WEIGHTS_2018.values())
        campaigns: list[tuple[str, str, str]] = []  # (campaign_id, candidate, kind)
        for state in PRIORITY_STATES_2018:
            share = STATE_WEIGHTS_2018[state] / weight_total
            n_leg = max(3, round(150 * share))
            n_fed = max(1, round(45 * share))
            ranked = sorted(targeted.get(state, []), key=lambda d: -d["winnability"])
            picked = ranked[: n_leg * 2]
            rng.shuffle(picked)
            for d in sorted(picked[:n_leg], key=lambda d: (d["chamber"], d["district"])):
                candidate = self._candidate_name(rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES))
                cid = self._add_campaign(
                    candidate=candidate, party="D", state=state, chamber=d["chamber"],
                    district=d["district"], election_date=ELECTION_2018,
                    result=rng.choices(("pending", "withdrawn"), (97, 3))[0], vote_share=None,
                    seat_held_by=d["incumbent_party"],
                )  # fmt: skip
                campaigns.append((cid, candidate, "legislative"))
            for k in range(n_fed):
                candidate = self._candidate_name(rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES))
                if k % 3 == 2:
                    chamber, district = "statewide", STATEWIDE_OFFICES[k % len(STATEWIDE_OFFICES)]
                else:
                    chamber, district = "congress", str(rng.randint(1, US_HOUSE_SEATS[state]))
                cid = self._add_campaign(
                    candidate=candidate, party="D", state=state, chamber=chamber,
                    district=district, election_date=ELECTION_2018, result="pending",
                    vote_share=None, seat_held_by=rng.choice(("R", "R", "D")),
                )  # fmt: skip
                campaigns.append((cid, candidate, "federal"))
        legislative = [c for c in campaigns if c[2] == "legislative"]
        federal = [c for c in campaigns if c[2] == "federal"]
        # Projects started by the demo's day, along an accelerating curve: 312 per scale unit,
        # about 22 a week over the last four weeks. 70% go to state legislative campaigns.
        started_total = 312 * self.scale
        season_start = date(2018, 1, 8)
        season_days = (DEMO_AS_OF - season_start).days
        for i in range(started_total):
            frac = ((i + 0.5) / started_total) ** (1 / 2.8)
            start = season_start + timedelta(days=int(frac * season_days))
            pool = legislative if rng.random() < 0.7 else federal
            cid, candidate, _ = rng.choice(pool)
            weeks = rng.randint(4, 8)
            end = start + timedelta(weeks=weeks)
            if rng.random() < 0.04:
                status = "cancelled"
            elif end <= DEMO_AS_OF:
                status = "completed"
            else:
                status = "active"
            self._add_project(cid, candidate, rng.choice(CATEGORIES), status, start, weeks, 2018)
        for _ in range(60 * self.scale):  # in scoping: no dates yet
            cid, candidate, _ = rng.choice(legislative if rng.random() < 0.7 else federal)
            self._add_project(cid, candidate, rng.choice(CATEGORIES), "scoping", None, 0, 2018)

    # --- teams ------------------------------------------------------------------------------------
    def staff(self) -> None:
        """Put volunteers on the started projects, preferring recent sign-ups with the skills."""
        rng = self.rng
        started = sorted(
            ((start, p) for p in self.projects if (start := p["start_date"]) is not None),
            key=lambda sp: (sp[0], sp[1]["project_id"]),
        )
        placed: list[int] = []  # indices of volunteers placed before, for repeat placements
        for start, p in started:
            needed = p["volunteers_needed"]
            team_size = needed
            if p["status"] == "active" and rng.random() < 0.3:
                team_size = max(1, needed - rng.randint(1, 2))  # understaffed: a staffing gap
            elif rng.random() < 0.1:
                team_size = needed - 1
            wanted = set(SKILLS_BY_CATEGORY[p["category"]])
            hi = bisect.bisect_right(self.signup_days, start - timedelta(days=3))
            team: list[int] = []
            window = 400 * self.scale
            attempts = 0
            while len(team) < team_size and attempts < 200 and hi > 0:
                attempts += 1
                if placed and attempts < 6 and rng.random() < 0.3:
                    idx = rng.choice(placed)
                else:
                    idx = rng.randrange(max(0, hi - window), hi)
                if idx >= hi or idx in team:
                    continue
                busy = self.busy_until[idx]
                free = busy is None or busy < start
                if not free:
                    continue
                if attempts < 150 and not (self.skill_sets[idx] & wanted):
                    continue
                team.append(idx)
            end = p["end_date"]
            assert end is not None  # a project with a start has an end (its start plus weeks)
            for k, idx in enumerate(team):
                a_start = start + timedelta(days=rng.randint(0, 4))
                a_end = end
                if p["status"] == "cancelled":
                    a_end = min(end, start + timedelta(weeks=2))
                elif rng.random() < 0.08:  # left before the end of the commitment
                    a_end = a_start + timedelta(days=rng.randint(7, max(8, (end - a_start).days)))
                    a_end = min(a_end, end)
                if a_end > DEMO_AS_OF and p["status"] != "active":
                    a_end = DEMO_AS_OF
                if self.busy_until[idx] is None:
                    placed.append(idx)
                self.busy_until[idx] = a_end
                hours = min(
                    self.volunteer_rows[idx]["hours_per_week"],
                    float(rng.choice((3, 4, 5, 6, 8))),
                )
                self.assignments.append(
                    {
                        "project_id": p["project_id"],
                        "volunteer_id": self.volunteer_rows[idx]["volunteer_id"],
                        "role": "lead" if k == 0 else "member",
                        "hours_per_week": hours,
                        "start_date": min(a_start, DEMO_AS_OF),
                        "end_date": a_end,
                    }
                )
        # Status on the demo's day: whoever is on an active project is active; of the rest, a few
        # paused or left.
        for i, row in enumerate(self.volunteer_rows):
            busy = self.busy_until[i]
            if busy is not None and busy >= DEMO_AS_OF:
                continue
            row["status"] = rng.choices(("active", "paused", "left"), (85, 8, 7))[0]

    def outcomes_for_projects(self) -> None:
        rng = self.rng
        ranges = {
            "digital_basics": (("site_visits", 500, 20000),),
            "email_analytics": (("emails_sent", 5000, 80000), ("voters_contacted", 500, 9000)),
            "social_digital": (
                ("texts_sent", 2000, 60000),
                ("ad_impressions", 50000, 1500000),
                ("spend_usd", 500, 15000),
                ("voters_contacted", 1000, 20000),
            ),
            "engineering_data": (("voters_contacted", 1000, 30000),),
        }
        for p in self.projects:
            if p["status"] not in ("active", "completed"):
                continue
            start, end = p["start_date"], p["end_date"]
            assert start is not None and end is not None  # active and completed ones have dates
            as_of = min(end, DEMO_AS_OF)
            progress = min(1.0, max(0.1, (as_of - start).days / max(1, (end - start).days)))
            for metric, low, high in ranges[str(p["category"])]:
                value = math.floor(rng.uniform(low, high) * progress)
                self.outcomes.append(
                    {"project_id": p["project_id"], "metric": metric, "value": float(value),
                     "as_of": as_of}
                )  # fmt: skip


def fundraising_curve() -> pd.DataFrame:
    """Daily running totals of a 60-day crowdfunding campaign for $250,000, up to the demo day."""
    start, goal, days = CROWDFUNDING_START, CROWDFUNDING_GOAL_USD, CROWDFUNDING_DAYS
    rows = []
    for k in range((DEMO_AS_OF - start).days + 1):
        t = k / days
        # A launch spike, a slow middle and (after the demo day) a final push.
        raised = goal * (0.30 * (1 - math.exp(-k / 3)) + 0.45 * t + 0.35 * t**6)
        rows.append(
            {
                "date": start + timedelta(days=k),
                "raised_usd": round(raised, 2),
                "backers": int(raised / 86),
                "goal_usd": goal,
            }
        )
    return pd.DataFrame(rows)


def build_demo(scale: int = 1, seed: int = DEFAULT_SEED) -> DemoDataset:
    """The whole demo dataset as one DataFrame per table (the spreadsheet's tabs)."""
    b = _Builder(scale, seed)
    volunteers = b.volunteers()
    b.program_2017()
    b.districts_and_scores()
    b.program_2018()
    b.staff()
    b.outcomes_for_projects()
    volunteers = pd.DataFrame(b.volunteer_rows)
    frames = {
        "campaigns": pd.DataFrame(b.campaigns),
        "projects": pd.DataFrame(b.projects),
        "volunteers": volunteers,
        "assignments": pd.DataFrame(b.assignments),
        "outcomes": pd.DataFrame(b.outcomes),
        "districts": pd.DataFrame(b.districts),
        "fundraising": fundraising_curve(),
    }
    goals = pd.DataFrame(
        [
            {"cycle": 2017, "metric": "projects", "target": 50, "deadline": date(2017, 11, 30),
             "label": "50 projects by the end of November 2017"},
            {"cycle": 2018, "metric": "projects", "target": 500, "deadline": ELECTION_2018,
             "label": "500 projects by the midterms"},
            {"cycle": 2018, "metric": "crowdfunding_usd", "target": int(CROWDFUNDING_GOAL_USD),
             "deadline": CROWDFUNDING_START + timedelta(days=CROWDFUNDING_DAYS),
             "label": "Indiegogo: $250,000 to hire full-time staff"},
        ]
    )  # fmt: skip
    meta = {
        "demo": "true",
        "demo_as_of": DEMO_AS_OF.isoformat(),
        "demo_scale": str(scale),
        "demo_seed": str(seed),
    }
    return DemoDataset(frames=frames, goals=goals, meta=meta)
