"""Persistence: the database (SQLAlchemy Core) and the content-addressed archive."""

from . import schema
from .archive import Archive, sha256_bytes
from .database import Store, utcnow

__all__ = ["Archive", "Store", "schema", "sha256_bytes", "utcnow"]
