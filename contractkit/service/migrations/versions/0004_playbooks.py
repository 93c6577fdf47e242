"""A review checked against a playbook keeps the playbook's YAML and name, for re-checks and restarts.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("reviews", sa.Column("playbook", sa.Text))
    op.add_column("reviews", sa.Column("playbook_name", sa.String(500)))


def downgrade() -> None:
    # Plain ALTER TABLE (see 0002): batch mode would copy and drop ``reviews``, deleting every document.
    op.drop_column("reviews", "playbook_name")
    op.drop_column("reviews", "playbook")
