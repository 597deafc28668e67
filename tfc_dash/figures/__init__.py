"""The domain: every figure the pages, the kit and the digest show, one module per area
(progress, coverage, outcomes, staffing, volunteering, projects...), with the rules and filters
they share, read from the store in SQL.

May import: tfc_dash.core, tfc_dash.store.
"""
