"""a report uid is its department's own idempotency key: unique (department, uid), no longer global

Revision ID: 0003_sec_authority
Revises: 0002
Create Date: 2026-12-02 07:30:00

Reports filed under no department share one scope (coalesce(department_id, 0)): a unique index on an
expression, which both SQLite and PostgreSQL enforce (NULLs would otherwise never collide).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_sec_authority"
down_revision = "0002"
branch_labels = None
depends_on = None

INDEX = "uq_progress_report_department_uid"
# SQLite keeps the old inline UNIQUE (uid) unnamed: batch mode names it by this convention to drop it.
NAMES = {"uq": "uq_%(table_name)s_%(column_0_name)s"}


def _uid_constraint() -> str | None:
    for uc in sa.inspect(op.get_bind()).get_unique_constraints("progress_report"):
        if uc["column_names"] == ["uid"]:
            return uc["name"]
    return None


def upgrade() -> None:
    name = _uid_constraint() or "uq_progress_report_uid"
    with op.batch_alter_table("progress_report", naming_convention=NAMES) as batch_op:
        batch_op.drop_constraint(name, type_="unique")
    op.create_index(INDEX, "progress_report", [sa.text("coalesce(department_id, 0)"), "uid"], unique=True)
    op.create_index("ix_progress_report_uid", "progress_report", ["uid"])


def downgrade() -> None:
    op.drop_index("ix_progress_report_uid", table_name="progress_report")
    op.drop_index(INDEX, table_name="progress_report")
    with op.batch_alter_table("progress_report", naming_convention=NAMES) as batch_op:
        batch_op.create_unique_constraint("uq_progress_report_uid", ["uid"])
