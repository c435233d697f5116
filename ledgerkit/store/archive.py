"""Content-addressed archive of raw files: the evidence behind every record.

A file is stored once, unchanged, under ``archive/ab/abcdef...`` named by its
SHA-256. Writing is atomic (temporary file, fsync, rename) so a crash never
leaves a half file under a valid name.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class Archive:
    def __init__(self, root: Path):
        self.root = Path(root)

    def path_for(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256

    def has(self, sha256: str) -> bool:
        return self.path_for(sha256).exists()

    def put(self, data: bytes, sha256: str | None = None) -> tuple[str, Path]:
        """Store ``data``; returns (sha256, path). Idempotent."""
        digest = sha256 or sha256_bytes(data)
        target = self.path_for(digest)
        if target.exists():
            return digest, target
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return digest, target

    def read(self, sha256: str, limit: int | None = None) -> bytes:
        """The stored bytes (only the first ``limit`` of them when given)."""
        if limit is None:
            return self.path_for(sha256).read_bytes()
        with self.path_for(sha256).open("rb") as fh:
            return fh.read(limit)

    def verify(self, sha256: str) -> bool:
        """True when the stored bytes still hash to their name."""
        path = self.path_for(sha256)
        return path.exists() and sha256_bytes(path.read_bytes()) == sha256
