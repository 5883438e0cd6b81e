"""Multipart bodies, read within a byte limit: a form's text fields and its files, each named as the form declares.

The limit is the files' (``KRUGER_MAX_UPLOAD_BYTES``) plus ``FORM_ALLOWANCE`` for the text fields and the
multipart framing. A body declared larger is refused before it is read (413), one that turns out larger is
refused as soon as it passes the limit, and files larger together than the files' limit are refused once read.
Starlette parses the body (python-multipart), keeping each file in a temporary file that is removed when the
form is closed, at the end of the ``read_form`` block.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.types import Message, Receive

from kruger_rules.errors import KrugerError, json_path

FORM_ALLOWANCE = 1024 * 1024
"""Bytes allowed beyond the files: the text fields (a reform's parameter changes) and the multipart framing."""

MULTIPART = "multipart/form-data"


@dataclass(frozen=True)
class Form:
    fields: dict[str, str]
    files: dict[str, UploadFile]


def upload_too_large(limit: int, field: str) -> KrugerError:
    return KrugerError("upload_too_large", f"the upload is larger than the limit of {limit:,} bytes", json_path(field))


def limited(receive: Receive, limit: int, field: str) -> Receive:
    """``receive``, refusing the body once it has passed ``limit`` bytes."""
    seen = 0

    async def receive_within() -> Message:
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > limit:
                raise upload_too_large(limit - FORM_ALLOWANCE, field)
        return message

    return receive_within


@asynccontextmanager
async def read_form(request: Request, max_file_bytes: int, fields: tuple[str, ...], files: tuple[str, ...]) -> AsyncIterator[Form]:
    """The multipart body's text ``fields`` and ``files``, each given at most once; any other part is a 400."""
    limit = max_file_bytes + FORM_ALLOWANCE
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise upload_too_large(max_file_bytes, files[0])
    reader = Request(request.scope, limited(request.receive, limit, files[0]))
    parts = len(fields) + len(files)  # of either kind, so that a misnamed part is reported by name (checked_form)
    try:
        form = await reader.form(max_files=parts, max_fields=parts, max_part_size=FORM_ALLOWANCE)
    except (HTTPException, ValueError) as error:  # malformed multipart, or too many parts
        detail = getattr(error, "detail", None) or str(error)
        raise KrugerError("bad_request", f"the body is not a readable {MULTIPART} form: {detail}") from None
    try:
        yield checked_form(form.multi_items(), max_file_bytes, fields, files)
    finally:
        await form.close()


def checked_form(items: list[tuple[str, str | UploadFile]], max_file_bytes: int, fields: tuple[str, ...], files: tuple[str, ...]) -> Form:
    texts: dict[str, str] = {}
    uploads: dict[str, UploadFile] = {}
    known = ", ".join([*fields, *files])
    for name, value in items:
        where = json_path(name)
        if name not in fields and name not in files:
            raise KrugerError("bad_request", f"'{name}' is not a field of the form, which has {known}", where)
        if name in texts or name in uploads:
            raise KrugerError("bad_request", f"'{name}' is given twice", where)
        if name in files and not isinstance(value, UploadFile):
            raise KrugerError("bad_request", f"'{name}' is a file: send it as one (with a filename)", where)
        if name in fields and isinstance(value, UploadFile):
            raise KrugerError("bad_request", f"'{name}' is text, not a file", where)
        if isinstance(value, UploadFile):
            uploads[name] = value
        else:
            texts[name] = value
    sizes = {name: upload.size or 0 for name, upload in uploads.items()}
    if sum(sizes.values()) > max_file_bytes:
        raise upload_too_large(max_file_bytes, max(sizes, key=lambda name: sizes[name]))
    return Form(texts, uploads)
