"""One error type for every failure the engine reports to its callers.

Each error has a stable ``code`` (what went wrong, for programs), a ``message`` (for people)
and a JSON ``path`` to the part of the input at fault (``$`` is the whole input). The API maps
codes to HTTP statuses in one place; the CLI prints the message on one line.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable


class KrugerError(Exception):
    """An input the engine cannot take, said so that its sender can mend it."""

    def __init__(self, code: str, message: str, path: str = "$") -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.path = path

    def __reduce__(self):
        """Pickled whole, so that an error raised in a Dask worker reaches the caller with its code and path."""
        return type(self), (self.code, self.message, self.path)

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message, "path": self.path}

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path != "$" else self.message


def json_path(*parts: str | int) -> str:
    """``$.organisations.o1.total_income`` from its parts, quoting keys that are not plain names."""
    path = "$"
    for part in parts:
        if isinstance(part, int):
            path += f"[{part}]"
        elif part.isidentifier():
            path += f".{part}"
        else:
            escaped = part.replace("\\", "\\\\").replace('"', '\\"')
            path += f'["{escaped}"]'
    return path


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` when a close choice exists, else an empty string."""
    close = difflib.get_close_matches(str(word), list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


SHOWN_LENGTH = 40
"""Longest value quoted back in a message: enough to recognise it, short enough for one line."""


def shortened(text: str) -> str:
    """``text`` as a message quotes it: cut to SHOWN_LENGTH characters, with an ellipsis."""
    return text if len(text) <= SHOWN_LENGTH else text[: SHOWN_LENGTH - 3] + "..."


def unknown_variable(name: str, known: Iterable[str], path: str) -> KrugerError:
    """The error for a variable name the rules do not have, with the nearest real one."""
    return KrugerError("unknown_variable", f"unknown variable '{name}'{did_you_mean(name, known)}", path)
