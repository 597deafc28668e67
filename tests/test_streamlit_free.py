"""Only the web layer imports Streamlit: every other module of tfc_dash imports without it, so the
CLI, the exports and the digest run (and start) without Streamlit, and a Streamlit import added
to a lower layer fails here."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.test_layers import ROOT, layer_of, package_modules

WEB = "web"


def modules_outside_web() -> list[str]:
    """Every module but the web layer's (and ``__main__``, which runs the CLI when imported)."""
    return sorted(
        m
        for m in package_modules()
        if not m.endswith(".__main__") and (m == "tfc_dash" or layer_of(m) != WEB)
    )


def first_to_import_streamlit(modules: list[str]) -> str | None:
    """Import ``modules`` one after the other in a fresh interpreter; the first after whose
    import streamlit is in ``sys.modules`` (it or a module it imports pulls it in), or None."""
    code = (
        "import importlib, json, sys\n"
        "for module in json.loads(sys.argv[1]):\n"
        "    importlib.import_module(module)\n"
        "    if any(m == 'streamlit' or m.startswith('streamlit.') for m in sys.modules):\n"
        "        print(json.dumps(module))\n"
        "        break\n"
        "else:\n"
        "    print(json.dumps(None))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, json.dumps(modules)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_no_module_outside_the_web_layer_imports_streamlit():
    modules = modules_outside_web()
    assert "tfc_dash.cli" in modules and "tfc_dash.kit.digest" in modules
    culprit = first_to_import_streamlit(modules)
    assert culprit is None, f"importing {culprit} loads streamlit, which only tfc_dash.web may"


def test_the_check_sees_a_streamlit_import():
    """The web layer does import it: the check is not blind."""
    modules = ["tfc_dash.core.text", "tfc_dash.web.ui", "tfc_dash.cli"]
    assert first_to_import_streamlit(modules) == "tfc_dash.web.ui"
