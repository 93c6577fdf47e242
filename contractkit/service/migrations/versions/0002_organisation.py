"""Whose side we are on: the team's organisation settings, and each review's own.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("reviews", sa.Column("organisation", sa.Text))
    op.create_table(
        "organisation_settings",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("names", sa.Text, nullable=False),
        sa.Column("role", sa.String(32), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(200), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("organisation_settings")
    # A plain ALTER TABLE (SQLite ≥ 3.35 has DROP COLUMN): batch mode would copy and drop ``reviews``,
    # and dropping it with foreign keys on deletes every document of every review (ON DELETE CASCADE).
    op.drop_column("reviews", "organisation")
