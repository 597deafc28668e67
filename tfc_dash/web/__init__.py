"""The Streamlit layer, the only part of tfc_dash that imports streamlit: what the router and the
pages share (ui), the app's settings from its secrets (settings), what it keeps of the store
between reruns (store_cache: engines, status, cached queries), the ops spreadsheet's connection
(gsheets) and the background sync's scheduler (refresher).

May import: every other part of tfc_dash.
"""
