"""Review history: reviews and the documents checked in each.

Revision ID: 0001
Revises:
Create Date: 2026-11-24
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "reviews",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("uploader", sa.String(200), nullable=False),
        sa.Column("title", sa.String(500), nullable=False),
        sa.Column("options", sa.Text, nullable=False),
    )
    op.create_index("ix_reviews_created_at", "reviews", ["created_at"])
    op.create_table(
        "documents",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("review_id", sa.String(32), sa.ForeignKey("reviews.id", ondelete="CASCADE"), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("original_name", sa.String(1000), nullable=False),
        sa.Column("stored_name", sa.String(64), nullable=False),
        sa.Column("size", sa.BigInteger, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("roles", sa.Text),
        sa.Column("report", sa.Text),
        sa.Column("error_code", sa.String(32)),
        sa.Column("satisfied", sa.Integer, nullable=False, server_default="0"),
        sa.Column("partial", sa.Integer, nullable=False, server_default="0"),
        sa.Column("missing", sa.Integer, nullable=False, server_default="0"),
        sa.Column("contrary", sa.Integer, nullable=False, server_default="0"),
        sa.Column("must_problems", sa.Integer, nullable=False, server_default="0"),
        sa.Column("seconds", sa.Float),
        sa.Column("checked_at", sa.DateTime(timezone=True)),
    )
    op.create_index("ix_documents_review_id", "documents", ["review_id", "position"])
    op.create_index("ix_documents_status", "documents", ["status"])


def downgrade() -> None:
    op.drop_table("documents")
    op.drop_table("reviews")
