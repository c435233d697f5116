"""What the page tells the bookkeeper: the message banner and the progress bar.

Every panel reports through one ``StatusModel``. ``guard`` wraps widget
callbacks so an exception never vanishes (Voila shows nothing for an exception
raised in a callback): a ``LedgerkitError`` becomes an error banner with its
message, anything else becomes an "unexpected" banner with the details and
what to do next. ``task`` drives the progress bar for long operations.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import traceback
from collections.abc import Callable, Iterator

from traitlets import Bool, Float, HasTraits, Unicode

from ledgerkit.errors import LedgerkitError

log = logging.getLogger("widgets")

UNEXPECTED_HINT = ("Nothing was changed by this action. Try it once more; if it fails again, reload the page "
                   "and send the details below to whoever looks after ledgerkit.")


class StatusModel(HasTraits):
    level = Unicode("")          # "" (nothing shown) | info | success | warning | error
    message = Unicode("")
    hint = Unicode("")           # what to do next
    details = Unicode("")        # traceback or issue list, shown folded
    busy = Bool(False)
    progress = Float(0.0)        # 0..1
    progress_label = Unicode("")

    def show(self, level: str, message: str, hint: str = "", details: str = "") -> None:
        with self.hold_trait_notifications():
            self.message, self.hint, self.details = message, hint, details
            self.level = level

    def info(self, message: str, hint: str = "") -> None:
        self.show("info", message, hint)

    def success(self, message: str, hint: str = "") -> None:
        self.show("success", message, hint)

    def warning(self, message: str, hint: str = "", details: str = "") -> None:
        self.show("warning", message, hint, details)

    def error(self, message: str, hint: str = "", details: str = "") -> None:
        self.show("error", message, hint, details)

    def clear(self) -> None:
        self.show("", "")

    def report(self, exc: BaseException, doing: str = "") -> None:
        """Show an exception: user errors plainly, faults with their traceback."""
        what = f"Could not {doing}: " if doing else ""
        if isinstance(exc, LedgerkitError):
            self.error(f"{what}{exc}", "Correct the value and try again.")
            return
        log.exception("dashboard callback failed", exc_info=exc)
        details = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
        self.error(f"{what or 'Unexpected problem: '}{type(exc).__name__}: {exc}", UNEXPECTED_HINT, details)

    @contextlib.contextmanager
    def task(self, label: str) -> Iterator[Callable[[float, str], None]]:
        """Show the progress bar while the block runs; yields ``step(fraction, label)``.

        Exceptions propagate (``guard`` reports them); the bar is always hidden
        afterwards.
        """
        def step(fraction: float, text: str = "") -> None:
            self.progress = max(0.0, min(1.0, float(fraction)))
            if text:
                self.progress_label = text

        with self.hold_trait_notifications():
            self.progress, self.progress_label, self.busy = 0.0, label, True
        try:
            yield step
        finally:
            with self.hold_trait_notifications():
                self.busy, self.progress = False, 1.0

    def guard(self, fn: Callable | None = None, *, doing: str = "") -> Callable:
        """Decorator for callbacks: report any exception in the page instead of losing it."""
        def wrap(f: Callable) -> Callable:
            @functools.wraps(f)
            def guarded(*args, **kwargs):
                try:
                    return f(*args, **kwargs)
                except Exception as e:
                    self.report(e, doing)
                    return None
            return guarded
        return wrap(fn) if fn is not None else wrap
