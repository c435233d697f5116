"""Session methods of the review engine (register, rules, states, coding, approval).

Mixed into ``Session``; every method uses ``self.store``, ``self.actor`` and
``self.client(ref)`` from the core session.
"""

from __future__ import annotations


class ReviewMixin:
    pass
