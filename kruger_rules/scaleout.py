"""Scale-out on Dask: the options that choose a cluster, a client for them, and a map over chunks that keeps order.

A population run (impact, batch) is a sequence of chunks, each computed by a pure function of the chunk and a
few small arguments. ``ordered_map`` runs that function in this process, or on a Dask cluster when given a
client: each chunk goes to a worker, its small result comes back, in the order the chunks were given, so that
results are the same as in-process. At most ``window`` chunks are out at once, so the client's memory stays
flat however long the population. A worker rebuilds the rule system from the package and the reform's data,
once per process: systems do not pickle, chunks and reforms as data do.

The cost of a partition beyond its work (sending it, scheduling it, the result's way back) is what a task that
does nothing takes: a benchmark times ``list(ordered_map(client, int, range(n)))`` and divides by ``n``.
"""

from __future__ import annotations

import argparse
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from kruger_rules.errors import KrugerError, shortened
from kruger_rules.system import rules_version

if TYPE_CHECKING:
    from distributed import Client

CONNECT_SECONDS = 10
"""How long to wait for a scheduler: long enough for a cluster across a network, short enough to say it is not there."""

SCHEMES = ("tcp", "tls", "ws", "wss")
"""The transports a Dask scheduler listens on; a managed cluster (Kubernetes, Coiled) often gives ``tls://``."""


def add_scaleout_options(parser: argparse.ArgumentParser) -> None:
    """``--scheduler tcp://HOST:PORT`` or ``--dask local:N``, one or neither: where the chunks run (default: here)."""
    where = parser.add_mutually_exclusive_group()
    where.add_argument(
        "--scheduler",
        metavar="tcp://HOST:PORT",
        help="run the chunks on the Dask cluster whose scheduler listens at this address (started with `dask scheduler`, "
        "or a managed cluster's); every worker needs kruger-rules installed at this version",
    )
    where.add_argument(
        "--dask",
        metavar="local:N",
        help="run the chunks on a Dask cluster of N worker processes on this machine, started for the run and stopped after",
    )


@contextmanager
def dask_client(scheduler: str | None, local: str | None, timeout: float = CONNECT_SECONDS) -> Iterator[Client | None]:
    """A Dask client for ``--scheduler`` or ``--dask`` (None for neither: run in-process), closed on leaving, with
    the local cluster it started. A malformed option, an unreachable scheduler or a worker on other rules is a
    ``KrugerError``."""
    if scheduler is not None and local is not None:
        raise KrugerError("bad_option", "give --scheduler or --dask, not both", "$.scheduler")
    if scheduler is None and local is None:
        yield None
        return
    workers = local_workers(local) if local is not None else 0
    address = scheduler_address(scheduler) if scheduler is not None else ""
    from distributed import Client, LocalCluster  # here, not above: the command line starts without loading Dask

    if local is not None:
        # A thread per process, since the rules hold the GIL; the scheduler's web page on a free port, since two
        # clusters on the usual one (8787) would clash.
        with (
            LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0") as cluster,
            Client(cluster) as client,
        ):
            yield client
        return
    try:
        client = Client(address, timeout=timeout)
    except OSError:
        raise KrugerError(
            "unreachable_scheduler",
            f"no Dask scheduler answered at {address} within {timeout:g} s: is it running, and is its port open?",
            "$.scheduler",
        ) from None
    with client:
        check_workers(client)
        yield client


def local_workers(option: str) -> int:
    """N from ``local:N``, N at least 1."""
    kind, _, count = option.partition(":")
    if kind != "local" or not count.isdigit() or int(count) < 1:
        raise KrugerError(
            "bad_option", f"--dask takes local:N, N worker processes (at least 1), e.g. local:2; not '{shortened(option)}'", "$.dask"
        )
    return int(count)


def scheduler_address(option: str) -> str:
    """``option`` when it is a scheduler's address, ``tcp://HOST:PORT`` (or ``tls://``, ``ws://``, ``wss://``)."""
    fault = f"--scheduler takes a Dask scheduler's address, tcp://HOST:PORT (e.g. tcp://10.0.0.5:8786); not '{shortened(option)}'"
    parts = urlsplit(option)
    try:
        port = parts.port
    except ValueError:
        port = None
    if parts.scheme not in SCHEMES or not parts.hostname or port is None or parts.path or parts.query or parts.fragment:
        raise KrugerError("bad_option", fault, "$.scheduler")
    return option


def check_workers(client) -> None:
    """Every worker runs these rules (the package's version and the rule files' hash), or results could differ."""
    mine = rules_version()
    try:
        found = client.run(rules_version)
    except ImportError:
        raise KrugerError(
            "worker_mismatch", "a Dask worker cannot import kruger_rules: install kruger-rules on every worker machine"
        ) from None
    for worker, theirs in sorted(found.items()):
        if theirs != mine:
            raise KrugerError(
                "worker_mismatch",
                f"the Dask worker {worker} runs rules {theirs}, this machine {mine}: install the same kruger-rules on every worker",
            )


def ordered_map(client: Client | None, function: Callable[..., Any], items: Iterable, *args, window: int | None = None) -> Iterator[Any]:
    """``function(item, *args)`` for each item, yielded in the items' order: here when ``client`` is None, else on its cluster.

    On Dask, at most ``window`` items (default: twice the workers' threads) are out at once, each scattered
    straight to a worker rather than through the scheduler; ``args`` are scattered once to every worker. An item
    is taken from ``items`` only when there is room, so a generator of chunks is read as the results come back.
    """
    if client is None:
        for item in items:
            yield function(item, *args)
        return
    if window is None:
        window = max(2, 2 * sum(client.nthreads().values()))
    if window < 1:
        raise ValueError("ordered_map keeps at least one item in flight")
    # Fresh keys (hash=False) at every call: data scattered again under the key of a copy being released can hang.
    shared = client.scatter(list(args), broadcast=True, hash=False) if args else []
    pending: deque = deque()
    for item in items:
        (sent,) = client.scatter([item], hash=False)
        pending.append(client.submit(function, sent, *shared, pure=False))
        if len(pending) >= window:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()
