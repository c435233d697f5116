"""ledgerkit: an open-source bank-feed review workbench for bookkeeping firms.

Start with ``Session``: ``Session("workspace").import_files("Acme", ["bank.ofx"])``.
The core never imports UI packages; the dashboard lives in ``widgets``.
"""

__version__ = "0.1.0"
__all__ = ["Session", "__version__"]


def __getattr__(name: str):
    # Session pulls in the whole engine; load it on first use so that small
    # tools (a single importer, the CLI's --help) start fast
    if name == "Session":
        from .session import Session
        return Session
    raise AttributeError(name)
