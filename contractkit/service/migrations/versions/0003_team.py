"""A service for a team: who owns each review, identical uploads, revocable login sessions.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("reviews", sa.Column("owner", sa.String(200)))
    op.add_column("reviews", sa.Column("notes", sa.Text))
    op.create_index("ix_reviews_owner", "reviews", ["owner"])
    op.add_column("documents", sa.Column("duplicate_of", sa.String(32)))
    op.create_index("ix_documents_sha256", "documents", ["sha256"])
    op.create_table(
        "sessions",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("user_name", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_sessions_expires_at", "sessions", ["expires_at"])


def downgrade() -> None:
    op.drop_table("sessions")
    op.drop_index("ix_documents_sha256", "documents")
    op.drop_index("ix_reviews_owner", "reviews")
    # Plain ALTER TABLE (see 0002): batch mode would copy and drop the tables, and with foreign keys on,
    # dropping ``reviews`` deletes every document (ON DELETE CASCADE).
    op.drop_column("documents", "duplicate_of")
    op.drop_column("reviews", "notes")
    op.drop_column("reviews", "owner")
