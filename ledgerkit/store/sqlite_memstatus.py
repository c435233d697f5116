"""Turn SQLite's memory statistics off for the process, when that can be done safely.

Why: Debian's SQLite (the one Python's ``sqlite3`` loads here) is built with
memory statistics on, so every allocation SQLite makes takes one process-wide
lock. An export runs SQLite on two threads at once (the codings move and the
items are written while the rows are read); with that lock the two threads wait
on each other, and each runs up to twice as slow as alone. SQLite's own list of
recommended build options turns the statistics off (``SQLITE_DEFAULT_MEMSTATUS=0``).

The setting can only change while SQLite is shut down, and shutting it down is
only allowed while nothing of it is open. So this runs once per process, when
the first workspace opens, and only when SQLite's own count says it holds no
memory besides a probe connection of ours: no other connection exists in the
process (in a Jupyter kernel, IPython's history database usually does, and the
statistics then stay on). It does nothing where the library cannot be found
(only Linux's ``/proc/self/maps`` is read).
"""

from __future__ import annotations

import ctypes
import sqlite3
import threading
from pathlib import Path

_SQLITE_CONFIG_MEMSTATUS = 9
_SQLITE_STATUS_MEMORY_USED = 0
_lock = threading.Lock()
_state: dict[str, str] = {}


def _library() -> ctypes.CDLL | None:
    """The SQLite library the ``sqlite3`` module has loaded (the same copy, not another)."""
    try:
        maps = Path("/proc/self/maps").read_text()
    except OSError:
        return None
    for line in maps.splitlines():
        path = line.split()[-1] if line.split() else ""
        if "/libsqlite3.so" in path:
            try:
                return ctypes.CDLL(path)
            except OSError:
                return None
    return None


def _memory_used(lib: ctypes.CDLL) -> int:
    current, highwater = ctypes.c_int64(), ctypes.c_int64()
    if lib.sqlite3_status64(_SQLITE_STATUS_MEMORY_USED, ctypes.byref(current), ctypes.byref(highwater), 0) != 0:
        return -1
    return current.value


def turn_off() -> str:
    """Try once; returns what happened (also kept for ``status()``)."""
    with _lock:
        if "result" not in _state:
            _state["result"] = _turn_off()
        return _state["result"]


def status() -> str:
    return _state.get("result", "not tried")


def _turn_off() -> str:
    lib = _library()
    if lib is None:
        return "left on: the SQLite library was not found"
    probe = sqlite3.connect(":memory:")
    try:
        probe.execute("SELECT 1").fetchall()
        counted = _memory_used(lib)
    finally:
        probe.close()
    if counted == 0:
        return "already off"        # statistics off: nothing counts, and nothing can be told from the count
    if counted < 0 or _memory_used(lib) != 0:
        return "left on: other SQLite connections are open in this process"
    if lib.sqlite3_shutdown() != 0:
        return "left on: SQLite did not shut down"
    configured = lib.sqlite3_config(_SQLITE_CONFIG_MEMSTATUS, ctypes.c_int(0))
    if lib.sqlite3_initialize() != 0:
        raise RuntimeError("SQLite did not initialize again after turning its memory statistics off")
    return "off" if configured == 0 else "left on: SQLite refused the setting"
