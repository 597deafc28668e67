"""What ``tfc_dash.web.ui.forget_pages_folder`` relies on in Streamlit's private code.

The app keeps its pages in ``pages/`` and routes with ``st.navigation``; Streamlit takes a
``pages/`` folder for an old-style multipage app until ``st.navigation`` runs, and offers no public
setting to say otherwise (see the function's docstring). These tests pin each piece of that
behaviour, so that a Streamlit upgrade that changes it fails here rather than in production.
"""

from __future__ import annotations

import inspect

import pytest
from streamlit.commands import navigation
from streamlit.runtime.pages_manager import PagesManager
from streamlit.runtime.scriptrunner import script_runner

from tfc_dash.web import ui


@pytest.fixture
def flag():
    saved = PagesManager.uses_pages_directory
    PagesManager.uses_pages_directory = None
    yield
    PagesManager.uses_pages_directory = saved


def test_a_pages_folder_makes_streamlit_run_old_style_pages(tmp_path, flag):
    (tmp_path / "pages").mkdir()
    (tmp_path / "pages" / "progress.py").write_text("")
    (tmp_path / "app.py").write_text("")
    PagesManager(str(tmp_path / "app.py"))
    assert PagesManager.uses_pages_directory is True
    # ...and the script runner then runs the page alone, without the main script
    source = inspect.getsource(script_runner.ScriptRunner)
    assert "if PagesManager.uses_pages_directory:\n" in source
    assert "_mpa_v1(self._main_script_path)" in source


def test_forgetting_the_folder_holds_for_the_whole_process(tmp_path, flag):
    (tmp_path / "pages").mkdir()
    (tmp_path / "app.py").write_text("")
    PagesManager(str(tmp_path / "app.py"))
    ui.forget_pages_folder()
    assert PagesManager.uses_pages_directory is False
    PagesManager(str(tmp_path / "app.py"))  # a new session does not detect the folder again
    assert PagesManager.uses_pages_directory is False


def test_st_navigation_does_the_same_but_only_when_it_runs():
    source = inspect.getsource(navigation.navigation)
    assert "PagesManager.uses_pages_directory = False" in source
