"""The outputs made outside the pages: the fundraising kit (charts as PNG and SVG, the headline)
and the weekly email digest.

May import: tfc_dash.core, tfc_dash.store, tfc_dash.figures, tfc_dash.ingest, tfc_dash.charts.
"""
