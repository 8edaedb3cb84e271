"""The compiled XmR kernel of ``bettercare.core.spc.xmr`` (``_xmr_kernel.c``, ADR 0132).

test_spc.py runs every chart test with this kernel and with the pure-Python one it falls back
to; here: the library is built (so that ``make test`` cannot pass on the fallback alone), and
the fallback is taken, quietly, whenever the library cannot be used.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pytest

from bettercare.core import _xmr_ctypes, spc


def require_compiled_kernel() -> None:
    """Skip only where the compiled kernel is switched off on purpose; a kernel that is not
    built, or is out of date, fails instead (``make setup`` builds it)."""
    if os.environ.get(_xmr_ctypes.DISABLE_VARIABLE):
        pytest.skip(f"{_xmr_ctypes.DISABLE_VARIABLE} is set: the compiled kernel is off")
    assert spc._compiled_kernel is not None, "the compiled XmR kernel is not loaded: make setup"


def test_the_compiled_kernel_is_built_and_used() -> None:
    if os.environ.get(_xmr_ctypes.DISABLE_VARIABLE):
        pytest.skip(f"{_xmr_ctypes.DISABLE_VARIABLE} is set")
    assert _xmr_ctypes.LIBRARY.is_file(), f"{_xmr_ctypes.LIBRARY} is missing: run make setup"
    assert _xmr_ctypes.load() is not None, "the compiled kernel is out of date: run make setup"
    assert spc._compiled_kernel is not None


def test_without_the_library_xmr_uses_its_python_kernel(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(_xmr_ctypes, "LIBRARY", tmp_path / "_xmr_kernel.so")
    with caplog.at_level(logging.DEBUG, logger=_xmr_ctypes.__name__):
        assert _xmr_ctypes.load() is None
    assert "uses its Python kernel" in caplog.text


def test_a_library_of_another_version_is_not_used(monkeypatch: pytest.MonkeyPatch) -> None:
    require_compiled_kernel()
    monkeypatch.setattr(_xmr_ctypes, "VERSION", _xmr_ctypes.VERSION + 1)
    assert _xmr_ctypes.load() is None


def test_the_variable_switches_the_compiled_kernel_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(_xmr_ctypes.DISABLE_VARIABLE, "1")
    assert _xmr_ctypes.load() is None


@pytest.mark.parametrize("compiled", [True, False])
def test_either_kernel_names_a_value_that_is_not_finite(
    monkeypatch: pytest.MonkeyPatch, compiled: bool
) -> None:
    if compiled:
        require_compiled_kernel()
    if not compiled:
        monkeypatch.setattr(spc, "_compiled_kernel", None)
    with pytest.raises(ValueError, match=r"values must be a finite number .*got inf at position 2"):
        spc.xmr([1.0, 2.0, float("inf"), 3.0], rebase_at=[2])
