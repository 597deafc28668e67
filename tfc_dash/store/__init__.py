"""tfc_dash.store: see the README, Layout."""
