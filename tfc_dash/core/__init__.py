"""The rules every layer shares: configuration, the clock, the one function that makes data safe
to show (text), the one CSV writer, and the metric catalogue (every figure's name and label).

May import: no other part of tfc_dash.
"""
