"""Tech for Campaigns program dashboard: the logic behind the Streamlit pages.

Everything here runs without Streamlit except :mod:`tfc_dash.web.cache`, the one module of Streamlit
caching wrappers.
"""

__version__ = "0.1.0"
