"""The API's limits and options, read from environment variables with safe defaults."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields

ENV_PREFIX = "KRUGER_"


@dataclass(frozen=True)
class Settings:
    """Limits on what one request may ask; each is read from ``KRUGER_<NAME>`` (e.g. KRUGER_MAX_BODY_BYTES)."""

    max_body_bytes: int = 10 * 1024 * 1024
    """Largest request body, in bytes; a larger one is answered 413."""

    max_organisations: int = 100_000
    """Most organisations in one situation; more is answered 413."""

    max_explained_organisations: int = 200
    """Most organisations explained in one eligibility request (each takes tens of milliseconds
    to probe); more is answered 413."""

    max_json_depth: int = 32
    """Deepest nesting of JSON objects and arrays; deeper is answered 400 (a situation needs 5)."""

    cors_origins: str = "*"
    """Origins allowed to call the API from a browser, comma-separated ('*' as `openfisca serve`)."""

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        environ = os.environ if environ is None else environ
        values = {}
        for field in fields(cls):
            name = ENV_PREFIX + field.name.upper()
            if name not in environ:
                continue
            text = environ[name].strip()
            if field.type == "int":
                try:
                    values[field.name] = int(text.replace("_", ""))
                except ValueError:
                    raise ValueError(f"{name} must be a whole number, not {text!r}") from None
                if values[field.name] < 1:
                    raise ValueError(f"{name} must be at least 1, not {text!r}")
            else:
                values[field.name] = text
        return cls(**values)

    @property
    def allowed_origins(self) -> list[str]:
        return [origin.strip() for origin in self.cors_origins.split(",") if origin.strip()]
