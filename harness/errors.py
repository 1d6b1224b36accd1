"""The harness's own error family.

``HarnessError`` means the user's set-up of the harness is wrong (a bad flag, a
missing variable, an unreadable config). It becomes exit code 2 with a clear
message and no traceback. A provider that misbehaves is never a HarnessError: it
becomes a failed check in the report.
"""

from __future__ import annotations


class HarnessError(Exception):
    """A usage or configuration error: nothing was sent."""

    exit_code = 2

    def __init__(self, message: str, *, fix: str | None = None, cause: str | None = None) -> None:
        self.problem = message
        self.fix = fix
        self.cause = cause  # a catalogue cause id where one applies (config.*)
        super().__init__(message if fix is None else f"{message} {fix}")


class ConfigError(HarnessError):
    """A target could not be built from flags, environment or TOML."""
