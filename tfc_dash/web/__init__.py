"""tfc_dash.web: see the README, Layout."""
