"""File importers behind one small protocol (see ``base``), and format detection.

Each format lives in its own module; ``detect`` asks each importer in order
whether it reads a file. Importers are looked up lazily so that a missing or
broken optional format never stops the others from working.
"""

from __future__ import annotations

import importlib
from functools import cache
from pathlib import Path

from .base import AccountRef, BalanceRef, DocumentRef, Extract, Importer, ParseError

# (module, class) in the order they are asked; the first that identifies a file wins.
_REGISTRY = [
    ("ofx", "OfxImporter"),
    ("qif", "QifImporter"),
    ("documents", "DocumentImporter"),
    ("csvbank", "CsvImporter"),
]


@cache
def all_importers() -> tuple[Importer, ...]:
    found = []
    for module, cls in _REGISTRY:
        try:
            mod = importlib.import_module(f"{__name__}.{module}")
        except ModuleNotFoundError as e:
            if e.name and e.name.endswith(module):
                continue
            raise
        found.append(getattr(mod, cls)())
    return tuple(found)


def by_name(name: str) -> Importer:
    for imp in all_importers():
        if imp.name == name:
            return imp
    raise KeyError(name)


def detect(path: Path, head: bytes) -> Importer | None:
    for imp in all_importers():
        if imp.identify(path, head):
            return imp
    return None


__all__ = ["AccountRef", "BalanceRef", "DocumentRef", "Extract", "Importer", "ParseError",
           "all_importers", "by_name", "detect"]
