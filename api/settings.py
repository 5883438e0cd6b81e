"""The API's limits and options, read from ``KRUGER_<NAME>`` environment variables at start-up, with safe defaults.

A bad value stops the server before it answers anything, with one message naming the variable
and what it must be (``KRUGER_MAX_BODY_BYTES must be a whole number, not 'ten'``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from pydantic import Field, ValidationError
from pydantic_core import ErrorDetails
from pydantic_settings import BaseSettings, SettingsConfigDict

ENV_PREFIX = "KRUGER_"

Count = Annotated[int, Field(ge=1)]
"""A limit or a size: a whole number, at least 1 (``2_000`` is read as 2000)."""


class SettingError(ValueError):
    """A setting's variable holds a value the API cannot start with."""


class Settings(BaseSettings):
    """The limits on what one request may ask, and the options; each is read from ``KRUGER_<NAME>`` (e.g. KRUGER_MAX_BODY_BYTES)."""

    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, frozen=True, extra="forbid")

    max_body_bytes: Count = 10 * 1024 * 1024
    """Largest request body, in bytes; a larger one is answered 413."""

    max_organisations: Count = 100_000
    """Most organisations in one situation; more is answered 413."""

    max_explained_organisations: Count = 200
    """Most organisations explained in one eligibility request (each takes tens of milliseconds
    to probe); more is answered 413."""

    max_json_depth: Count = 32
    """Deepest nesting of JSON objects and arrays; deeper is answered 400 (a situation needs 5)."""

    cors_origins: str = "*"
    """Origins allowed to call the API from a browser, comma-separated ('*' as `openfisca serve`)."""

    reform_cache_size: Count = 64
    """Most reformed rule systems kept built at once (each holds its own copy of the changed parameters)."""

    def __init__(self, **values: Any) -> None:
        try:
            super().__init__(**values)
        except ValidationError as error:
            raise setting_error(error.errors()[0], values) from None

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """The settings of ``environ`` (the process's environment by default), and only those."""
        if environ is None:
            return cls()
        # every field given, so that no other source (the process's environment) fills one in
        return cls(**{name: environ.get(variable_of(name), field.default) for name, field in cls.model_fields.items()})

    @property
    def allowed_origins(self) -> list[str]:
        return [origin.strip() for origin in self.cors_origins.split(",") if origin.strip()]

    @property
    def max_explained(self) -> int:
        """Most organisations in one eligibility request: the lower of the two limits."""
        return min(self.max_organisations, self.max_explained_organisations)


def variable_of(name: str) -> str:
    return ENV_PREFIX + name.upper()


def setting_error(error: ErrorDetails, given: Mapping[str, Any]) -> SettingError:
    """The one message for a bad setting: its variable, what it must be, what it was."""
    name = str(error["loc"][0]) if error["loc"] else "?"
    reasons = {
        "int_parsing": "a whole number",
        "int_type": "a whole number",
        "int_from_float": "a whole number",
        "greater_than_equal": f"at least {error.get('ctx', {}).get('ge')}",
        "string_type": "text",
    }
    reason = reasons.get(error["type"], error["msg"].lower())
    shown = given.get(name, error.get("input"))
    return SettingError(f"{variable_of(name)} must be {reason}, not {str(shown)!r}")
