"""The review history's database: SQLite by default, PostgreSQL by URL; schema by Alembic migrations.

The tables below describe the schema the queries use; the migrations in
``migrations/versions`` are what creates and changes it, so a database made
by an older release is brought up to date on start rather than re-created.
"""

from __future__ import annotations

from datetime import UTC, datetime
from importlib.resources import files

import sqlalchemy as sa
from sqlalchemy.engine import Engine

metadata = sa.MetaData()


# ------------------------------------------------------------------ times, as stored (UTC)
def now() -> datetime:
    return datetime.now(UTC)


def iso(when: datetime | None) -> str | None:
    """A stored time as the API shows it (ISO 8601 in UTC, to the second)."""
    if when is None:
        return None
    if when.tzinfo is None:  # SQLite hands back naive datetimes; we only ever store UTC
        when = when.replace(tzinfo=UTC)
    return when.isoformat(timespec="seconds")


reviews = sa.Table(
    "reviews",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("uploader", sa.String(200), nullable=False),
    sa.Column("title", sa.String(500), nullable=False),
    sa.Column("options", sa.Text, nullable=False),  # JSON list of catalogue option ids
    # JSON {"names": [...], "role": role id}: whose side the review is on; NULL: inferred without it
    sa.Column("organisation", sa.Text),
    # the signed-in user who uploaded it (with named users, what they may see); NULL: no named user
    sa.Column("owner", sa.String(200)),
    sa.Column("notes", sa.Text),  # JSON list of what the upload left out and why (identical files), or NULL
    sa.Column("playbook", sa.Text),  # the playbook's YAML the review is checked against, or NULL
    sa.Column("playbook_name", sa.String(500)),  # its name, and after a tab its file name
    sa.Index("ix_reviews_created_at", "created_at"),
    sa.Index("ix_reviews_owner", "owner"),
)

# The team's own organisation (组织设置): one row, id 1; the upload form starts from it.
organisation_settings = sa.Table(
    "organisation_settings",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("names", sa.Text, nullable=False),  # JSON list: full name first, then short names
    sa.Column("role", sa.String(32), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_by", sa.String(200), nullable=False),
)

documents = sa.Table(
    "documents",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("review_id", sa.String(32), sa.ForeignKey("reviews.id", ondelete="CASCADE"), nullable=False),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Column("original_name", sa.String(1000), nullable=False),
    sa.Column("stored_name", sa.String(64), nullable=False),
    sa.Column("size", sa.BigInteger, nullable=False),
    sa.Column("sha256", sa.String(64), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),  # queued | done | roles-unknown | error (free text)
    sa.Column("roles", sa.Text),  # JSON {label: [role ids]} given by the reviewer, or NULL
    sa.Column("report", sa.Text),  # JSON DocumentReport.as_dict()
    sa.Column("error_code", sa.String(32)),
    sa.Column("satisfied", sa.Integer, nullable=False, server_default="0"),
    sa.Column("partial", sa.Integer, nullable=False, server_default="0"),
    sa.Column("missing", sa.Integer, nullable=False, server_default="0"),
    sa.Column("contrary", sa.Integer, nullable=False, server_default="0"),
    sa.Column("must_problems", sa.Integer, nullable=False, server_default="0"),
    sa.Column("seconds", sa.Float),
    sa.Column("checked_at", sa.DateTime(timezone=True)),
    # an earlier document with the same content (sha256) in another recent review, when uploaded
    sa.Column("duplicate_of", sa.String(32)),
    sa.Index("ix_documents_review_id", "review_id", "position"),
    sa.Index("ix_documents_status", "status"),
    sa.Index("ix_documents_sha256", "sha256"),
)

# Signed-in browsers: one row per login, removed at logout (or when it expires). The cookie holds a
# random token; only its SHA-256 is stored, so the table does not give anyone a way in.
sessions = sa.Table(
    "sessions",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),  # sha256 hex of the cookie's token
    sa.Column("user_name", sa.String(200), nullable=False),  # '' for the shared access token
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
    sa.Index("ix_sessions_expires_at", "expires_at"),
)


class DatabaseError(RuntimeError):
    """The database named by the settings cannot be used (driver missing, unreachable, …)."""


def normalise_url(url: str) -> str:
    """postgresql:// and postgres:// go to the psycopg (3) driver; other URLs as given."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def create_database_engine(url: str) -> Engine:
    url = normalise_url(url)
    try:
        backend = sa.engine.make_url(url).get_backend_name()
    except sa.exc.ArgumentError as exc:
        raise DatabaseError(f"--database-url {url!r} is not a database URL: {exc}") from None
    if backend not in ("sqlite", "postgresql"):
        raise DatabaseError(f"--database-url: {backend} is not supported; use sqlite:/// or postgresql://")
    try:
        if backend == "sqlite":
            engine = sa.create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
            sa.event.listen(engine, "connect", _sqlite_pragmas)
        else:
            engine = sa.create_engine(url, pool_pre_ping=True)
    except ModuleNotFoundError as exc:
        raise DatabaseError(
            f"the {backend} driver is not installed ({exc.name}); pip install 'contractkit[postgres]'"
        ) from None
    return engine


def _sqlite_pragmas(connection, _record) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")  # readers don't wait for the worker writing a result
    # In WAL mode, commits need not wait for the disk: the database stays consistent, and a commit is
    # lost only if the machine itself goes down (never when the service stops or crashes). Each upload
    # and each result is a commit: waiting for the disk made concurrent uploads queue for it.
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def migrate(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to ``revision`` (creating it on first start)."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(files("contractkit.service") / "migrations"))
    try:
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
    except sa.exc.OperationalError as exc:
        raise DatabaseError(f"cannot open the database {engine.url!r}: {exc.orig}") from None


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()
