"""ledgerkit: an open-source bank-feed review workbench for bookkeeping firms.

Start with ``Session``: ``Session("workspace").import_files("Acme", ["bank.ofx"])``.
The core never imports UI packages; the dashboard lives in ``widgets``.
"""

from .session import Session

__version__ = "0.1.0"
__all__ = ["Session", "__version__"]
