"""Small calculations that arrive together are answered together, in one vectorised simulation.

While one calculation runs, the next requests wait in a queue; when it ends, all of them are
computed in one simulation (api.calculation.calculated_together) and each gets its own answer
or its own error. A lone request is computed at once, as before; a large one is never held.
"""

from __future__ import annotations

import asyncio
import weakref

from starlette.concurrency import run_in_threadpool

from api.calculation import calculated, calculated_together

SMALL = 50
"""Situations with at most this many organisations are batched; larger ones run on their own."""

MAX_BATCH_ORGANISATIONS = 2_000
"""Most organisations computed in one batch."""


class Batcher:
    """One per app; requests are batched with others on the same event loop only (uvicorn runs one per worker)."""

    def __init__(self) -> None:
        self.queues: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Queue] = weakref.WeakKeyDictionary()

    async def calculate(self, system, situation: dict, organisations: int) -> bytes:
        if organisations > SMALL:
            return await run_in_threadpool(calculated, system, situation)
        loop = asyncio.get_running_loop()
        queue = self.queues.get(loop)
        if queue is None:
            queue = self.queues[loop] = Queue()
        return await queue.calculate(system, situation, organisations)


class Queue:
    """The requests waiting on one event loop, and the task answering them."""

    def __init__(self) -> None:
        self.pending: list[tuple[object, dict, int, asyncio.Future]] = []
        self.task: asyncio.Task | None = None

    async def calculate(self, system, situation: dict, organisations: int) -> bytes:
        future = asyncio.get_running_loop().create_future()
        self.pending.append((system, situation, organisations, future))
        if self.task is None or self.task.done():
            self.task = asyncio.create_task(self.drain())
        return await future

    async def drain(self) -> None:
        while self.pending:
            batch, self.pending = self.next_batch()
            await self.answer(batch)

    def next_batch(self):
        """The first pending requests on the first one's system, within the batch's size."""
        system = self.pending[0][0]
        batch: list[tuple] = []
        rest: list[tuple] = []
        size = 0
        for item in self.pending:
            if item[0] is system and (not batch or size + item[2] <= MAX_BATCH_ORGANISATIONS):
                batch.append(item)
                size += item[2]
            else:
                rest.append(item)
        return batch, rest

    async def answer(self, batch) -> None:
        system = batch[0][0]
        try:
            results: list = await run_in_threadpool(calculated_together, system, [item[1] for item in batch])
        except Exception as error:  # a fault, not the requests': each of them is told
            results = [error] * len(batch)
        for (_, _, _, future), result in zip(batch, results, strict=True):
            if future.done():
                continue
            if isinstance(result, Exception):
                future.set_exception(result)
            else:
                future.set_result(result)
