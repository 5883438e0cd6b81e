"""JSON in and out: a strict, bounded reader of request bodies and a fast writer of responses.

A request body is read as bytes, never handed to a framework's parser: its content type must
be JSON (415), its size within the limit (413, from Content-Length and while reading), its
nesting within the depth limit (400, counted before parsing), and it must be strict JSON, so
NaN and Infinity are refused (400).
"""

from __future__ import annotations

import re

import numpy
import orjson
from starlette.requests import Request
from starlette.responses import JSONResponse as StarletteJSONResponse

from kruger_rules.errors import KrugerError

OPEN = numpy.frombuffer(b"{[", dtype=numpy.uint8)
CLOSE = numpy.frombuffer(b"}]", dtype=numpy.uint8)
STRUCTURE = numpy.frombuffer(b'{}[]"', dtype=numpy.uint8)
QUOTE = ord('"')
ESCAPE = re.compile(rb"\\.", re.DOTALL)
DUMP_OPTIONS = orjson.OPT_NON_STR_KEYS | orjson.OPT_SERIALIZE_NUMPY
"""Keys that are not strings (status codes in the OpenAPI document) are written as strings, as Flask does."""
NON_FINITE = (b"-Infinity", b"+Infinity", b"-NaN", b"Infinity", b"NaN")


class JSONResponse(StarletteJSONResponse):
    """A JSON response written by orjson (NaN cannot occur: values are checked to be finite first)."""

    def render(self, content) -> bytes:
        return self.render_static(content)

    @staticmethod
    def render_static(content) -> bytes:
        return orjson.dumps(content, option=DUMP_OPTIONS)


def is_json_content_type(content_type: str | None) -> bool:
    """``application/json`` or ``application/*+json``, with or without parameters (as Flask's ``is_json``)."""
    if not content_type:
        return False
    media_type = content_type.split(";", 1)[0].strip().lower()
    return media_type == "application/json" or (media_type.startswith("application/") and media_type.endswith("+json"))


async def read_body(request: Request, max_bytes: int) -> bytes:
    """The raw body, refused with 415 unless it is declared JSON and with 413 once past ``max_bytes``."""
    content_type = request.headers.get("content-type")
    if not is_json_content_type(content_type):
        raise KrugerError(
            "unsupported_media_type",
            f"the body must be JSON, sent with Content-Type: application/json (not {content_type or 'none'})",
        )
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > max_bytes:
        raise too_large(max_bytes)
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > max_bytes:
            raise too_large(max_bytes)
        chunks.append(chunk)
    return b"".join(chunks)


def too_large(max_bytes: int) -> KrugerError:
    return KrugerError("body_too_large", f"the body is larger than the limit of {max_bytes:,} bytes")


def parse_json(body: bytes, max_depth: int):
    """The JSON value of ``body``; a 400 error for empty, too deep, non-finite or malformed JSON."""
    if not body.strip():
        raise KrugerError("empty_body", "the body is empty; send a JSON situation")
    if json_depth(body, max_depth) > max_depth:
        raise KrugerError("too_deep", f"the JSON nests objects and arrays more than {max_depth} deep")
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError as error:
        constant = non_finite_at(body, error.pos)
        if constant:
            raise KrugerError("not_finite", f"{constant} is not a number JSON allows (at character {error.pos})") from None
        raise KrugerError("bad_json", f"the body is not valid JSON: {error.msg} (line {error.lineno}, column {error.colno})") from None


def non_finite_at(body: bytes, position: int) -> str | None:
    """The NaN or Infinity constant a parse error stopped at, if any."""
    for start in (position - 1, position):
        for constant in NON_FINITE:
            if start >= 0 and body.startswith(constant, start):
                return constant.decode()
    return None


def json_depth(body: bytes, limit: int) -> int:
    """How deep objects and arrays nest in ``body`` (exact for valid JSON), counted without parsing it.

    Escapes are dropped first (in JSON a backslash always escapes the next character), so every
    quote left opens or closes a string, and brackets inside strings do not count. Fewer
    brackets than the limit cannot nest deeper, which answers most bodies at once.
    """
    if body.count(b"{") + body.count(b"[") <= limit:
        return 0
    if b"\\" in body:
        body = ESCAPE.sub(b"", body)
    data = numpy.frombuffer(body, dtype=numpy.uint8)
    marks = data[numpy.flatnonzero(numpy.isin(data, STRUCTURE))]
    quote = marks == QUOTE
    in_string = (numpy.cumsum(quote) - quote) % 2 == 1
    step = numpy.isin(marks, OPEN).astype(numpy.int32) - numpy.isin(marks, CLOSE).astype(numpy.int32)
    step[in_string] = 0
    return int(numpy.cumsum(step).max(initial=0))
