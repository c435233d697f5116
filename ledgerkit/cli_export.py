"""Command-line commands of the exporters (export, batches).

``register(sub)`` adds the subcommands to the main parser; each command is a
thin call into the Session (see ``ledgerkit.cli`` for the shared helpers).
"""

from __future__ import annotations


def register(sub) -> None:
    pass
