"""The format of a batch's results, from the request's ``Accept`` header: CSV, Parquet or JSON lines.

``Accept`` lists media ranges, each with an optional weight (``q``, 0 to 1; 0 refuses). Each format the API
writes takes the weight of the most specific range that matches it (``text/csv``, then ``text/*``, then
``*/*``); the heaviest wins, and on a tie the first in ``ANSWER_TYPES``, so CSV. No ``Accept`` accepts
anything, hence CSV; one that matches none of them is answered 406, naming those there are.
"""

from __future__ import annotations

import re

from kruger_rules.errors import KrugerError, shortened

ANSWER_TYPES = {
    "text/csv": "csv",
    "application/vnd.apache.parquet": "parquet",
    "application/x-parquet": "parquet",
    "application/x-ndjson": "jsonl",
    "application/jsonl": "jsonl",
}
"""The media types a batch may be answered in, and the format of each, in the order a tie is settled."""

WEIGHT = re.compile(r"^q=(0(\.[0-9]{0,3})?|1(\.0{0,3})?)$", re.IGNORECASE)


def answer_format(accept: str | None) -> str:
    """``csv``, ``parquet`` or ``jsonl``, as ``accept`` prefers; a ``not_acceptable`` error if it accepts none."""
    ranges = [media_range(part) for part in (accept or "").split(",") if part.strip()]
    if not ranges:
        return "csv"
    best: tuple[float, str] | None = None
    for media, kind in ANSWER_TYPES.items():
        weight = weight_of(media, ranges)
        if weight > 0 and (best is None or weight > best[0]):
            best = (weight, kind)
    if best is None:
        raise KrugerError(
            "not_acceptable",
            f"the results are written as {', '.join(ANSWER_TYPES)}; Accept: {shortened(accept or '')} allows none of them",
        )
    return best[1]


def media_range(part: str) -> tuple[str, float]:
    """A range of ``Accept`` and its weight (1 unless a well-formed ``q`` says otherwise)."""
    media, *parameters = (piece.strip() for piece in part.split(";"))
    weights = [float(found.group(1)) for parameter in parameters if (found := WEIGHT.match(parameter.replace(" ", "")))]
    return media.lower(), weights[0] if weights else 1.0


def weight_of(media: str, ranges: list[tuple[str, float]]) -> float:
    """The weight of the most specific range that matches ``media``; 0 if none does."""
    kind = media.split("/", 1)[0]
    for matching in (media, f"{kind}/*", "*/*"):
        weights = [weight for found, weight in ranges if found == matching]
        if weights:
            return max(weights)
    return 0.0
