"""The table of jobs (impact and batch, by kind), as the server made it before migrations.

A database made then (by ``create_all``) is stamped with this revision, not run through it.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001_jobs"
down_revision: str | None = None
branch_labels: str | None = None
depends_on: str | None = None

MOMENT = sa.DateTime(timezone=True)
DOCUMENT = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "impact_jobs",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("submitted_at", MOMENT, nullable=False),
        sa.Column("started_at", MOMENT, nullable=True),
        sa.Column("finished_at", MOMENT, nullable=True),
        sa.Column("period", sa.String(4), nullable=False),
        sa.Column("reform", DOCUMENT, nullable=False),
        sa.Column("reform_label", sa.String(500), nullable=False),
        sa.Column("population", DOCUMENT, nullable=False),
        sa.Column("options", DOCUMENT, nullable=True),
        sa.Column("rows_total", sa.Integer(), nullable=False),
        sa.Column("rows_done", sa.Integer(), nullable=False),
        sa.Column("stage", sa.String(16), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("run_token", sa.String(32), nullable=True),
        sa.Column("owner", sa.String(255), nullable=True),
        sa.Column("lease_until", MOMENT, nullable=True),
        sa.Column("results", sa.String(64), nullable=True),
        sa.Column("manifest", DOCUMENT, nullable=True),
        sa.Column("rules_version", sa.String(64), nullable=True),
        sa.Column("error", DOCUMENT, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_impact_jobs")),
        sa.CheckConstraint("rows_done >= 0 AND rows_done <= rows_total", name=op.f("ck_impact_jobs_rows_done_within_total")),
        sa.CheckConstraint("attempts >= 0", name=op.f("ck_impact_jobs_attempts_not_negative")),
        sa.CheckConstraint("status IN ('queued', 'running', 'done', 'failed')", name=op.f("ck_impact_jobs_job_status")),
    )
    op.create_index(op.f("ix_impact_jobs_status_submitted_at"), "impact_jobs", ["status", "submitted_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_impact_jobs_status_submitted_at"), table_name="impact_jobs")
    op.drop_table("impact_jobs")
