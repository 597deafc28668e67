"""tfc_dash.core: see the README, Layout."""
