"""The store: the tables (models), opening and checking the database, writing whole datasets, and
the schema's migrations (Alembic, in migrations/).

May import: tfc_dash.core.
"""
