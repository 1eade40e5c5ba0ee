"""Progress bars: drawn on a terminal, silent in notebooks, CI and pipes."""

from __future__ import annotations

import io

import pytest

from analysis.progress import progress, progress_enabled


class _Tty(io.StringIO):
    def isatty(self):
        return True


@pytest.fixture
def clean_env(monkeypatch):
    for name in ("CI", "ANALYSIS_PROGRESS", "ANALYSIS_NO_PROGRESS"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_bar_on_a_terminal(clean_env):
    stream = _Tty()
    assert list(progress(range(5), desc="counting", stream=stream, leave=True)) == [0, 1, 2, 3, 4]
    assert "counting" in stream.getvalue() and "5/5" in stream.getvalue()


def test_silent_when_not_a_tty(clean_env):
    stream = io.StringIO()
    assert list(progress(range(3), desc="x", stream=stream)) == [0, 1, 2]
    assert stream.getvalue() == ""


@pytest.mark.parametrize("name,value", [("CI", "true"), ("ANALYSIS_NO_PROGRESS", "1")])
def test_silent_under_ci_and_when_asked(clean_env, name, value):
    clean_env.setenv(name, value)
    stream = _Tty()
    assert list(progress("ab", stream=stream)) == ["a", "b"]
    assert stream.getvalue() == "" and not progress_enabled(stream)


def test_forced_on(clean_env):
    clean_env.setenv("CI", "true")
    clean_env.setenv("ANALYSIS_PROGRESS", "1")
    assert progress_enabled(io.StringIO())


def test_silent_in_a_notebook_kernel(clean_env):
    import sys
    import types

    import analysis.progress as mod

    class ZMQInteractiveShell:  # what get_ipython() returns inside Jupyter
        pass

    fake_ipython = types.ModuleType("IPython")
    fake_ipython.get_ipython = lambda: ZMQInteractiveShell()
    clean_env.setitem(sys.modules, "ipykernel", types.ModuleType("ipykernel"))
    clean_env.setitem(sys.modules, "IPython", fake_ipython)
    assert mod._in_notebook()
    assert not progress_enabled(_Tty())


def test_generators_pass_through_unchanged(clean_env):
    gen = (i * i for i in range(4))
    assert list(progress(gen, total=4, stream=_Tty())) == [0, 1, 4, 9]
