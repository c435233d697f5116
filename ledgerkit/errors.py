"""User-facing errors: a clear message, never a traceback.

Problems in a user's *files* are ``Issue`` records (see ``model``). These
exceptions are for requests that cannot be carried out (an unknown client, an
invalid value typed into a form); the CLI and the dashboard show ``str(e)``.
"""


class LedgerkitError(Exception):
    """A request that cannot be carried out; the message says what to do."""


class NotFound(LedgerkitError):
    pass


class Invalid(LedgerkitError):
    pass


class Conflict(LedgerkitError):
    """The thing changed since it was read, or would be done twice."""
