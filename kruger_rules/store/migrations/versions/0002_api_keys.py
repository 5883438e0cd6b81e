"""API keys (a hash of each, never its text), and the key that submitted each job.

Jobs made before keys have none (``key_id`` null): no key reads them over the API.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0002_api_keys"
down_revision: str | None = "0001_jobs"
branch_labels: str | None = None
depends_on: str | None = None

MOMENT = sa.DateTime(timezone=True)
DOCUMENT = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "api_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("prefix", sa.String(16), nullable=False),
        sa.Column("secret_hash", sa.String(64), nullable=False),
        sa.Column("scopes", DOCUMENT, nullable=False),
        sa.Column("rate_limit", sa.Integer(), nullable=False),
        sa.Column("created_at", MOMENT, nullable=False),
        sa.Column("revoked_at", MOMENT, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_keys")),
        sa.UniqueConstraint("name", name=op.f("uq_api_keys_name")),
        sa.CheckConstraint("rate_limit >= 1", name=op.f("ck_api_keys_rate_limit_positive")),
    )
    op.create_index(op.f("ix_api_keys_prefix"), "api_keys", ["prefix"])
    with op.batch_alter_table("impact_jobs") as jobs:
        jobs.add_column(sa.Column("key_id", sa.Integer(), nullable=True))
        jobs.create_foreign_key(op.f("fk_impact_jobs_key_id_api_keys"), "api_keys", ["key_id"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("impact_jobs") as jobs:
        jobs.drop_constraint(op.f("fk_impact_jobs_key_id_api_keys"), type_="foreignkey")
        jobs.drop_column("key_id")
    op.drop_index(op.f("ix_api_keys_prefix"), table_name="api_keys")
    op.drop_table("api_keys")
