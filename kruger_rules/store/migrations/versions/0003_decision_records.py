"""Decision records, their replays beside them, and the formulas' hashes of each rules version."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0003_decision_records"
down_revision: str | None = "0002_api_keys"
branch_labels: str | None = None
depends_on: str | None = None

MOMENT = sa.DateTime(timezone=True)
DOCUMENT = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "decision_records",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("organisation", sa.String(255), nullable=False),
        sa.Column("period", sa.String(4), nullable=False),
        sa.Column("made_at", MOMENT, nullable=False),
        sa.Column("key_id", sa.Integer(), nullable=True),
        sa.Column("rules_version", sa.String(64), nullable=False),
        sa.Column("system", sa.String(71), nullable=False),
        sa.Column("content", DOCUMENT, nullable=False),
        sa.Column("content_hash", sa.String(71), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_decision_records")),
        sa.ForeignKeyConstraint(["key_id"], ["api_keys.id"], name=op.f("fk_decision_records_key_id_api_keys")),
    )
    op.create_index(op.f("ix_decision_records_key_id_organisation_made_at"), "decision_records", ["key_id", "organisation", "made_at"])
    op.create_index(op.f("ix_decision_records_key_id_made_at"), "decision_records", ["key_id", "made_at"])
    op.create_table(
        "decision_replays",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("record_id", sa.String(32), nullable=False),
        sa.Column("made_at", MOMENT, nullable=False),
        sa.Column("key_id", sa.Integer(), nullable=True),
        sa.Column("rules_version", sa.String(64), nullable=False),
        sa.Column("same", sa.Boolean(), nullable=False),
        sa.Column("content", DOCUMENT, nullable=False),
        sa.Column("content_hash", sa.String(71), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_decision_replays")),
        sa.ForeignKeyConstraint(["record_id"], ["decision_records.id"], name=op.f("fk_decision_replays_record_id_decision_records")),
        sa.ForeignKeyConstraint(["key_id"], ["api_keys.id"], name=op.f("fk_decision_replays_key_id_api_keys")),
    )
    op.create_index(op.f("ix_decision_replays_record_id_made_at"), "decision_replays", ["record_id", "made_at"])
    op.create_table(
        "rule_versions",
        sa.Column("rules_version", sa.String(64), nullable=False),
        sa.Column("system", sa.String(71), nullable=False),
        sa.Column("formula_hashes", DOCUMENT, nullable=False),
        sa.Column("first_seen", MOMENT, nullable=False),
        sa.PrimaryKeyConstraint("rules_version", "system", name=op.f("pk_rule_versions")),
    )


def downgrade() -> None:
    op.drop_table("rule_versions")
    op.drop_index(op.f("ix_decision_replays_record_id_made_at"), table_name="decision_replays")
    op.drop_table("decision_replays")
    op.drop_index(op.f("ix_decision_records_key_id_made_at"), table_name="decision_records")
    op.drop_index(op.f("ix_decision_records_key_id_organisation_made_at"), table_name="decision_records")
    op.drop_table("decision_records")
