"""The API's limits and options, read from ``KRUGER_<NAME>`` environment variables at start-up, with safe defaults.

A bad value stops the server before it answers anything, with one message naming the variable
and what it must be (``KRUGER_MAX_BODY_BYTES must be a whole number, not 'ten'``).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BeforeValidator, Field, ValidationError
from pydantic_core import ErrorDetails
from pydantic_settings import BaseSettings, SettingsConfigDict

from kruger_rules.store import default_url, shown_url
from kruger_rules.store.database import checked_url

ENV_PREFIX = "KRUGER_"

Count = Annotated[int, Field(ge=1)]
"""A limit or a size: a whole number, at least 1 (``2_000`` is read as 2000)."""


def a_path(value: Any) -> Any:
    if isinstance(value, str) and not value.strip():
        raise ValueError("a folder's path")
    return value


def a_folder(path: Path) -> Path:
    if path.exists() and not path.is_dir():
        raise ValueError("a folder, or a path where one can be made (this is a file)")
    return path


def a_database_url(url: str) -> str:
    if url.strip():
        checked_url(url.strip())
    return url.strip()


Folder = Annotated[Path, BeforeValidator(a_path), AfterValidator(a_folder)]
"""A folder, made at start-up if need be (a relative path is from the server's working folder)."""

DatabaseUrl = Annotated[str, AfterValidator(a_database_url)]
"""An SQLAlchemy database URL whose driver is installed; empty for the default."""

SECRETS = {"database_url": shown_url}
"""Settings whose value a message shows only through this function (a URL's password hidden)."""


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

    cors_origins: str = ""
    """Origins allowed to call the API from a browser, comma-separated ('*' for any, as `openfisca serve`); none by default:
    cross-origin access is off."""

    calculation_access: Literal["open", "keyed"] = "open"
    """Who may ask for a calculation (/calculate, /trace, /api/v1/eligibility, /api/v1/compare, /api/v1/batch): anyone
    (open), or the holder of any valid API key (keyed). Impact jobs always need a key with the scope impact."""

    key_rate_limit: Count = 600
    """Requests a minute a new API key may make, unless `kruger-rules keys create --rate-limit` says otherwise."""

    reform_cache_size: Count = 64
    """Most reformed rule systems kept built at once (each holds its own copy of the changed parameters)."""

    max_upload_bytes: Count = 100 * 1024 * 1024
    """Largest upload, in bytes: an impact job's population (its file and its procurements file), a batch's files together;
    larger is answered 413."""

    batch_sync_rows: Count = 20_000
    """Most rows of a batch (POST /api/v1/batch) answered at once; a larger file runs as a job (202). A batch with
    explanations is answered at once up to the explanation limit (max_explained_organisations) instead."""

    max_impact_jobs: Annotated[int, Field(ge=0)] = 1
    """Most jobs (impact and batch) running at once, each in a process of its own; the rest wait in the queue. 0: this
    server queues jobs but runs none, for another server on the same database and data folder to run."""

    data_dir: Folder = Path("var/kruger-rules")
    """Where jobs keep their files (and the SQLite database, by default); made at start-up if need be."""

    database_url: DatabaseUrl = ""
    """The database of jobs, as an SQLAlchemy URL (e.g. postgresql+psycopg://user:password@host/db); empty:
    SQLite in the data folder."""

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
    def database(self) -> str:
        """The database's URL: the one set, else SQLite in the data folder."""
        return self.database_url or default_url(self.data_dir)

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
        "path_type": "a folder's path",
        "value_error": str(error.get("ctx", {}).get("error", error["msg"])),
        "literal_error": str(error.get("ctx", {}).get("expected")),
    }
    reason = reasons.get(error["type"], error["msg"].lower())
    shown = str(given.get(name, error.get("input")))
    return SettingError(f"{variable_of(name)} must be {reason}, not {SECRETS.get(name, str)(shown)!r}")
