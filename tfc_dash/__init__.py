"""Tech for Campaigns program dashboard: the logic behind the Streamlit pages.

Subpackages, one per layer, bottom to top (a layer imports only the layers below it; the README's
Layout section shows the tree and tests/test_layers.py enforces it): ``core``, ``store``,
``figures``, ``ingest`` and ``charts`` (side by side: neither imports the other), ``kit``, and
``web``, the Streamlit layer and the only part that imports streamlit. ``cli`` (``python -m
tfc_dash``) sits on top and may import every layer but ``web``.
"""

__version__ = "0.1.0"
