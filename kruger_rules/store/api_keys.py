"""The table of API keys: who may call the keyed endpoints, with which scopes, how often, and whether still.

A key's text is never stored: ``prefix`` finds it (an index), ``secret_hash`` (the SHA-256 of its text, see
kruger_rules.access) proves it. A key is revoked by setting ``revoked_at``, never deleted, so that what it
made (impact jobs, decision records) still names it.
"""

from __future__ import annotations

import datetime

from sqlalchemy import CheckConstraint, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from kruger_rules.store.base import Base, Document, utc_now

NAME_LENGTH = 100


class ApiKey(Base):
    __tablename__ = "api_keys"
    __table_args__ = (
        CheckConstraint("rate_limit >= 1", name="rate_limit_positive"),
        Index(None, "prefix"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(NAME_LENGTH), unique=True)
    """Who or what holds the key (``funder-portal``): how the command line names it."""
    prefix: Mapped[str] = mapped_column(String(16))
    secret_hash: Mapped[str] = mapped_column(String(64))
    scopes: Mapped[list[str]] = mapped_column(Document)
    """What the key may do beyond calculating: ``record``, ``read``, ``impact`` (kruger_rules.access.Scope)."""
    rate_limit: Mapped[int]
    """Requests a minute."""
    created_at: Mapped[datetime.datetime] = mapped_column(default=utc_now)
    revoked_at: Mapped[datetime.datetime | None]
