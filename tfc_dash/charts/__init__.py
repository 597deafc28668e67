"""Altair charts and maps: DataFrames from the figures in, charts out, in the theme's named colours.

May import: tfc_dash.core, tfc_dash.store, tfc_dash.figures (not tfc_dash.ingest).
"""
