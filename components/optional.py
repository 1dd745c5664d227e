"""Importing a package the product needs only for one feature (HTML pages, PDF packs, Ray, feeds).

When such a package is missing or broken (an install that drifted: lxml 6 moved ``lxml.html.clean``
out, which trafilatura's jusText imports), the user gets one clear line naming the feature, the
package and how to install it, like a missing spaCy model; never a traceback. May import only
``components.errors``.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from types import ModuleType
from typing import TypeVar

from components.errors import MissingPackage

T = TypeVar("T")


def _message(package: str, needed_for: str, exc: BaseException) -> str:
    detail = str(exc).splitlines()[0] if str(exc) else exc.__class__.__name__
    return (
        f"{needed_for} needs the package {package!r}, which is missing or broken in this installation "
        f"({detail}): reinstall with `make app` (the locked requirements) or `pip install {package}`"
    )


def require(module: str, *, package: str, needed_for: str) -> ModuleType:
    """Import ``module`` or raise one clear :class:`MissingPackage`.

    Args:
        module: the module to import, e.g. ``"trafilatura"``.
        package: the PyPI package that provides it, for the message.
        needed_for: what the user was doing, e.g. ``"Reading HTML pages"``.
    """
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise MissingPackage(_message(package, needed_for, exc)) from exc


def guarded(call: Callable[[], T], *, package: str, needed_for: str) -> T:
    """Run ``call``; an ``ImportError`` raised inside it (a lazy import of a broken dependency)
    becomes one clear :class:`MissingPackage`."""
    try:
        return call()
    except ImportError as exc:
        raise MissingPackage(_message(package, needed_for, exc)) from exc
