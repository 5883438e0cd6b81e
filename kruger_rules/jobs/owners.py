"""Which process holds a running job (``host:pid``), how long its claim holds unrenewed, and whether it is still alive.

Only a process on this host can be checked; one elsewhere is taken to be alive, and its job is recovered
when its lease lapses instead.
"""

from __future__ import annotations

import datetime
import os
import socket

LEASE = datetime.timedelta(seconds=60)
"""How long a claim holds without renewal: a job whose process vanished elsewhere is recovered after this at most."""


def owner(pid: int | None = None) -> str:
    return f"{socket.gethostname()}:{os.getpid() if pid is None else pid}"


def alive(holder: str | None) -> bool:
    if not holder:
        return False
    host, _, pid = holder.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return True
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # a process of another user: alive
        return True
    return True
