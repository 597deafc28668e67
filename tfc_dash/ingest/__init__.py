"""From the ops spreadsheet into the store: the sheet's contract, parsing and validation, the
Google Sheets client, the sync and its refresh, the demo data and preparing a new store; and the
record each sync leaves (history of the figures, data health).

May import: tfc_dash.core, tfc_dash.store, tfc_dash.figures (not tfc_dash.charts).
"""
