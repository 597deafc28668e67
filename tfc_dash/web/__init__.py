"""The Streamlit layer, the only part of tfc_dash that imports streamlit: what the router and the
pages share (ui), and what the app keeps between reruns (secrets, the store's engine and cached
queries, the Google Sheets connection, the refresher).

May import: every other part of tfc_dash.
"""
