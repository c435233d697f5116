"""Tables of the review engine: the client's register, rules, remembered payees."""

from __future__ import annotations

import sqlalchemy as sa  # noqa: F401

from .schema import metadata  # noqa: F401
