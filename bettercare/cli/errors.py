"""Errors the user caused: printed as one line, without a traceback, with a non-zero exit."""


class UserError(Exception):
    """A problem with what the user asked for (unknown area, bad period, missing file...)."""

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code
