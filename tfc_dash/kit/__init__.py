"""tfc_dash.kit: see the README, Layout."""
