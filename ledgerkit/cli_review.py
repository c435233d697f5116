"""Command-line commands of the review engine (rules, register, review, code, approve, exclude).

``register(sub)`` adds the subcommands to the main parser; each command is a
thin call into the Session (see ``ledgerkit.cli`` for the shared helpers).
"""

from __future__ import annotations


def register(sub) -> None:
    pass
