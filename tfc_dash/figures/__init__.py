"""tfc_dash.figures: see the README, Layout."""
