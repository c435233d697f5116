"""Session methods of the exporters (export batches, re-export, history).

Mixed into ``Session``; every method uses ``self.store``, ``self.actor`` and
``self.client(ref)`` from the core session.
"""

from __future__ import annotations


class ExportMixin:
    pass
