"""A server's runner of jobs, every kind in one queue: one thread that claims queued jobs, each run in a process of its own.

The thread claims the oldest queued job whenever fewer than ``slots`` jobs are running (counted in the
database, so servers sharing it keep to the limit between them), starts its process (``work.run_job``),
and wakes when a process ends, when a job is submitted (``wake``) or every ``POLL_SECONDS``. A process
that ends without recording its job's end (killed, out of memory) fails its job with its exit status.

Recovery, at start and every ``RECOVERY_SECONDS``: a job left ``running`` by a server that stopped (its
claim's lease lapsed, or its process on this host is gone) is **re-queued**, not failed. Its inputs are
on disk and a run is deterministic, so running it again costs time and nothing else, whereas failing it
would ask its sender to submit the very same job again. A job left running ``MAX_ATTEMPTS`` times fails,
with that reason, so that a job that somehow stops every server cannot loop for ever. Queued jobs need
no recovery: they are rows of the queue, claimed in their order once a server runs. A job's process
that outlives its server (killed alone) keeps its claim, renewing the lease, and finishes the job.

Stopping (the server's shutdown) ends the running processes and puts their jobs back in the queue at
once, without counting the attempt, so the next start takes them up first.

Processes come from a fork server where the platform has one (it imports the engine once, so a job's
process starts in milliseconds and inherits no thread of the server), else they are spawned.
"""

from __future__ import annotations

import logging
import multiprocessing
import socket
import threading
import time
from dataclasses import dataclass
from multiprocessing.connection import wait
from multiprocessing.context import ForkServerContext, SpawnContext
from multiprocessing.process import BaseProcess
from pathlib import Path

from kruger_rules.jobs import owners
from kruger_rules.jobs.owners import LEASE
from kruger_rules.store import JobQueue
from kruger_rules.store.job_queue import Claim

log = logging.getLogger("kruger_rules.jobs")

POLL_SECONDS = 2.0
"""Longest wait between two looks at the queue (jobs submitted to another server sharing the database)."""

RECOVERY_SECONDS = 20.0
STOP_SECONDS = 5.0
"""How long a job's process is given to end once asked, before it is killed."""

PRELOADED = ["kruger_rules.jobs.work"]
"""What a job's process needs, imported once by the fork server, never by the server."""


def run_in_process(job_id: str, token: str, database_url: str, data_dir: str) -> None:
    """A job's process: ``work.run_job``, imported here (the fork server has it already) so that the server never imports it."""
    from kruger_rules.jobs.work import run_job

    run_job(job_id, token, database_url, data_dir)


def job_processes() -> ForkServerContext | SpawnContext:
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(PRELOADED)
        return context
    return multiprocessing.get_context("spawn")


@dataclass
class Running:
    claim: Claim
    process: BaseProcess


class Runner:
    def __init__(self, queue: JobQueue, database_url: str, data_dir: Path, slots: int) -> None:
        self.queue, self.database_url, self.data_dir, self.slots = queue, database_url, data_dir, slots
        self.processes = job_processes()
        self.running: dict[int, Running] = {}
        """By the process's sentinel; read and changed by the runner's thread only, until it has stopped."""
        self.stopping = threading.Event()
        self.wake_reader, self.wake_writer = socket.socketpair()
        self.wake_reader.setblocking(False)
        self.wake_writer.setblocking(False)
        self.thread = threading.Thread(target=self.loop, name="job-runner", daemon=True)

    def start(self) -> None:
        self.recover()
        self.thread.start()

    def recover(self) -> None:
        recovered = self.queue.recover(owners.alive)
        if any(recovered.values()):
            log.warning("jobs left running by a stopped server: re-queued %s, failed %s", recovered["requeued"], recovered["failed"])

    def wake(self) -> None:
        """Look at the queue now (a job was submitted)."""
        try:
            self.wake_writer.send(b"\0")
        except OSError:  # the socket is full (the runner will wake anyway) or closed (it has stopped)
            pass

    def loop(self) -> None:
        recover_at = time.monotonic() + RECOVERY_SECONDS
        while not self.stopping.is_set():
            try:
                self.reap()
                if time.monotonic() >= recover_at:
                    self.recover()
                    recover_at = time.monotonic() + RECOVERY_SECONDS
                self.fill()
            except Exception:  # the database may be away for a moment: the next round tries again
                log.exception("the job runner could not finish a round")
            wait([self.wake_reader, *(running.process.sentinel for running in self.running.values())], timeout=POLL_SECONDS)
            self.drain()

    def drain(self) -> None:
        try:
            while self.wake_reader.recv(4096):
                pass
        except OSError:  # nothing more to read
            pass

    def fill(self) -> None:
        while len(self.running) < self.slots and not self.stopping.is_set():
            claim = self.queue.claim(owners.owner(), self.slots, LEASE)
            if claim is None:
                return
            process = self.processes.Process(
                target=run_in_process,
                args=(claim.job_id, claim.token, self.database_url, str(self.data_dir)),
                name=f"job-{claim.job_id}",
                daemon=True,
            )
            try:
                process.start()
            except Exception:
                self.queue.release(claim)
                raise
            self.running[process.sentinel] = Running(claim, process)

    def reap(self) -> None:
        for sentinel, running in list(self.running.items()):
            process = running.process
            if process.exitcode is None:
                continue
            del self.running[sentinel]
            if process.exitcode != 0:
                how = f"killed by signal {-process.exitcode}" if process.exitcode < 0 else f"exit status {process.exitcode}"
                message = f"the job's process stopped before the job was finished ({how}); the server's log may say why"
                self.queue.fail(running.claim, {"code": "job_failed", "message": message, "path": "$"})
            process.close()

    def stop(self) -> None:
        """End the runner and its processes, and put their jobs back in the queue."""
        self.stopping.set()
        self.wake()
        if self.thread.is_alive():
            self.thread.join()
        for running in self.running.values():
            running.process.terminate()
        for running in self.running.values():
            running.process.join(STOP_SECONDS)
            if running.process.exitcode is None:
                running.process.kill()
                running.process.join()
            self.queue.release(running.claim)
        self.running.clear()
        self.wake_reader.close()
        self.wake_writer.close()
