"""Tables of the exporters: recorded export batches and their items."""

from __future__ import annotations

import sqlalchemy as sa  # noqa: F401

from .schema import metadata  # noqa: F401
