"""tfc_dash.charts: see the README, Layout."""
