"""The compiled XmR kernel of :func:`bettercare.core.spc.xmr`, loaded with :mod:`ctypes`.

``_xmr_kernel.c`` (plain C99, no Python API) is built next to this module by ``make setup``
into ``_xmr_kernel.so``. Where it has not been built (no C compiler), or is from another
version of the source, :func:`load` returns None and :func:`~bettercare.core.spc.xmr` uses its
pure-Python kernel, which gives the same charts to the last bit (ADR 0132). Setting
``BETTERCARE_NO_COMPILED_KERNEL`` to a non-empty value also leaves the library unloaded.
"""

from __future__ import annotations

import ctypes
import logging
import os
from pathlib import Path
from typing import Protocol

__all__ = ["DISABLE_VARIABLE", "LIBRARY", "XmrKernel", "load"]

logger = logging.getLogger(__name__)

#: The shared library ``make setup`` builds from ``_xmr_kernel.c``.
LIBRARY = Path(__file__).with_name("_xmr_kernel.so")
#: Environment variable that, when set, keeps the compiled kernel unloaded.
DISABLE_VARIABLE = "BETTERCARE_NO_COMPILED_KERNEL"
#: ``XMR_KERNEL_VERSION`` in ``_xmr_kernel.c``: a library built from other source is not used.
VERSION = 1


class XmrKernel(Protocol):
    """``xmr_one`` of ``_xmr_kernel.c``: addresses as ints, options as ints and floats."""

    def __call__(
        self,
        values: int,
        size: int,
        starts: int | None,
        n_starts: int,
        fix: int,
        sign: int,
        screen: int,
        counts_beyond: int,
        shift_points: int,
        trend_points: int,
        limit_factor: float,
        sigma_factor: float,
        outlier_factor: float,
        out: int,
        /,
    ) -> int: ...


def load() -> XmrKernel | None:
    """The compiled kernel, or None (logged at debug level) when it cannot be used."""
    if os.environ.get(DISABLE_VARIABLE):
        logger.debug("%s is set: xmr() uses its Python kernel", DISABLE_VARIABLE)
        return None
    try:
        library = ctypes.CDLL(str(LIBRARY))
        version = library.xmr_kernel_version()
    except (OSError, AttributeError) as error:
        logger.debug("no compiled XmR kernel (%s): xmr() uses its Python kernel", error)
        return None
    if version != VERSION:
        logger.debug(
            "%s is version %s, not %s (rebuild it with make setup): xmr() uses its Python kernel",
            LIBRARY,
            version,
            VERSION,
        )
        return None
    function = library.xmr_one
    address, int64, real = ctypes.c_void_p, ctypes.c_int64, ctypes.c_double
    function.argtypes = [address, int64, address, *[int64] * 7, real, real, real, address]
    function.restype = ctypes.c_int
    kernel: XmrKernel = function
    return kernel
