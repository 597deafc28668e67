"""tfc_dash.ingest: see the README, Layout."""
