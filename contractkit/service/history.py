"""Reading and writing the review history (the ``reviews`` and ``documents`` tables)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from contractkit.api import OK, ROLES_UNKNOWN, DocumentReport, Organisation

from .database import documents, iso, now, reviews
from .organisation import as_dict as organisation_dict
from .organisation import from_json as organisation_from_json
from .organisation import to_json as organisation_json
from .playbooks import ChosenPlaybook

# A document's state. ROLES_UNKNOWN ("roles-unknown", as the report says it): read, but no party's
# role could be determined, so nothing was judged: neither done (a pass) nor an error; the
# reviewer chooses the roles and checks again.
QUEUED, DONE, ERROR = "queued", "done", "error"
FINISHED = (DONE, ROLES_UNKNOWN, ERROR)
COUNTED = ("satisfied", "partial", "missing", "contrary")


@dataclass(frozen=True)
class DocumentRecord:
    id: str
    review_id: str
    position: int
    original_name: str
    stored_name: str
    size: int
    sha256: str
    status: str
    roles: Mapping[str, Sequence[str]] | None  # party label -> role ids the reviewer chose; None: inferred
    report_json: str | None
    error_code: str | None
    counts: dict[str, int]
    must_problems: int
    seconds: float | None
    checked_at: datetime | None
    duplicate_of: str | None = None  # an earlier document with the same content (another recent review)

    @property
    def finished(self) -> bool:
        return self.status in FINISHED

    @property
    def rechecking(self) -> bool:
        """Queued again with a result from before: that result is stale until the new one comes."""
        return self.status == QUEUED and self.report_json is not None

    def report(self) -> DocumentReport | None:
        return DocumentReport.from_dict(json.loads(self.report_json)) if self.report_json else None

    def summary(self) -> dict:
        """What a list of documents shows (no findings)."""
        report = json.loads(self.report_json) if self.report_json else {}
        return {
            "id": self.id,
            "name": self.original_name,
            "size": self.size,
            "sha256": self.sha256,
            "status": self.status,
            "summary": self.counts,
            "must_problems": self.must_problems,
            "pairs": report.get("pairs", []),
            "parties": report.get("parties", []),
            "error": report.get("error"),
            "roles_given": self.roles,
            "seconds": self.seconds,
            "checked_at": iso(self.checked_at),
            "stale": self.rechecking,
            "duplicate_of": self.duplicate_of,
        }


@dataclass(frozen=True)
class ReviewRecord:
    id: str
    created_at: datetime
    uploader: str
    title: str
    options: list[str]
    documents: tuple[DocumentRecord, ...] = ()
    organisation: Organisation | None = None  # whose side the review is on; None: inferred without it
    owner: str | None = None  # the signed-in user who uploaded it; None: no named user
    notes: tuple[str, ...] = ()  # what the upload left out and why (identical files), for the user
    playbook: ChosenPlaybook | None = None  # the firm's positions the review is checked against, or none

    @property
    def finished(self) -> bool:
        return all(d.finished for d in self.documents)

    def totals(self) -> dict[str, int]:
        totals = {key: sum(d.counts[key] for d in self.documents) for key in COUNTED}
        totals["must_problems"] = sum(d.must_problems for d in self.documents)
        totals["documents"] = len(self.documents)
        totals["finished"] = sum(d.finished for d in self.documents)
        totals["errors"] = sum(d.status == ERROR for d in self.documents)
        totals["roles_unknown"] = sum(d.status == ROLES_UNKNOWN for d in self.documents)
        return totals

    def summary(self) -> dict:
        return {
            "id": self.id,
            "created_at": iso(self.created_at),
            "uploader": self.uploader,
            "title": self.title,
            "options": self.options,
            "organisation": organisation_dict(self.organisation),
            "finished": self.finished,
            "totals": self.totals(),
            "notes": list(self.notes),
            "playbook": {"name": self.playbook.name, "file": self.playbook.file} if self.playbook else None,
        }


class History:
    def __init__(self, engine: Engine):
        self.engine = engine

    # ------------------------------------------------------------ writing
    def add_review(self, review: ReviewRecord) -> None:
        with self.engine.begin() as db:
            db.execute(reviews.insert().values(
                id=review.id, created_at=review.created_at, uploader=review.uploader,
                title=review.title, options=json.dumps(review.options),
                organisation=organisation_json(review.organisation), owner=review.owner,
                notes=json.dumps(list(review.notes), ensure_ascii=False) if review.notes else None,
                playbook=review.playbook.source if review.playbook else None,
                playbook_name=f"{review.playbook.name}\t{review.playbook.file}" if review.playbook else None,
            ))
            if review.documents:
                db.execute(documents.insert(), [_document_row(d) for d in review.documents])

    def requeue(self, document_id: str, roles: Mapping[str, Sequence[str]] | None) -> None:
        """Queue a document again with the reviewer's roles (None: infer them)."""
        values = {"status": QUEUED, "roles": json.dumps(roles, ensure_ascii=False) if roles is not None else None}
        with self.engine.begin() as db:
            db.execute(documents.update().where(documents.c.id == document_id).values(**values))

    def record_result(self, document_id: str, report: DocumentReport) -> bool:
        """Store a finished check; False if the document was deleted meanwhile."""
        counts = report.counts()
        values = dict(
            status=_state(report),
            report=json.dumps(report.as_dict(), ensure_ascii=False),
            error_code=report.error.code if report.error else None,
            must_problems=len(report.must_problems),
            seconds=report.seconds,
            checked_at=now(),
            **{key: counts[key] for key in COUNTED},
        )
        with self.engine.begin() as db:
            result = db.execute(documents.update().where(documents.c.id == document_id).values(**values))
        return result.rowcount > 0

    def rename(self, review_id: str, title: str) -> None:
        with self.engine.begin() as db:
            db.execute(reviews.update().where(reviews.c.id == review_id).values(title=title))

    def delete_review(self, review_id: str) -> bool:
        with self.engine.begin() as db:
            db.execute(documents.delete().where(documents.c.review_id == review_id))
            return db.execute(reviews.delete().where(reviews.c.id == review_id)).rowcount > 0

    # ------------------------------------------------------------ reading
    def review(self, review_id: str) -> ReviewRecord | None:
        with self.engine.connect() as db:
            row = db.execute(sa.select(reviews).where(reviews.c.id == review_id)).first()
            if row is None:
                return None
            docs = db.execute(
                sa.select(documents).where(documents.c.review_id == review_id).order_by(documents.c.position)
            ).all()
        return _review(row, tuple(_document(d) for d in docs))

    def owner(self, review_id: str) -> tuple[bool, str | None]:
        """(whether the review exists, who owns it)."""
        with self.engine.connect() as db:
            row = db.execute(sa.select(reviews.c.owner).where(reviews.c.id == review_id)).first()
        return (row is not None, row.owner if row is not None else None)

    def review_title(self, review_id: str) -> str:
        with self.engine.connect() as db:
            return db.execute(sa.select(reviews.c.title).where(reviews.c.id == review_id)).scalar_one_or_none() or ""

    def document(self, document_id: str) -> DocumentRecord | None:
        with self.engine.connect() as db:
            row = db.execute(sa.select(documents).where(documents.c.id == document_id)).first()
        return _document(row) if row else None

    def reviews(self, limit: int = 50, offset: int = 0, owner: str | None = None,
                everyone: bool = True) -> tuple[list[ReviewRecord], int]:
        """The newest reviews first, with their documents (without report bodies), and the total count;
        unless ``everyone``, only ``owner``'s."""
        light = [c for c in documents.c if c.name != "report"] + [
            (documents.c.report.is_not(None)).label("has_report")]
        mine = sa.true() if everyone else reviews.c.owner == owner
        with self.engine.connect() as db:
            total = db.execute(sa.select(sa.func.count()).select_from(reviews).where(mine)).scalar_one()
            rows = db.execute(
                sa.select(reviews).where(mine).order_by(reviews.c.created_at.desc(), reviews.c.id)
                .limit(limit).offset(offset)
            ).all()
            ids = [r.id for r in rows]
            docs = db.execute(
                sa.select(*light).where(documents.c.review_id.in_(ids)).order_by(documents.c.position)
            ).all() if ids else []
        by_review: dict[str, list[DocumentRecord]] = {}
        for d in docs:
            by_review.setdefault(d.review_id, []).append(_document(d))
        return [_review(r, tuple(by_review.get(r.id, ()))) for r in rows], total

    def identical(self, hashes: Iterable[str], since: datetime, owner: str | None = None,
                  everyone: bool = True) -> dict[str, tuple[str, str, str, datetime]]:
        """For each of ``hashes`` uploaded since ``since`` (in a review the caller may see): the earliest
        such document as (document id, review id, review title, uploaded at)."""
        wanted = sorted(set(hashes))
        if not wanted:
            return {}
        mine = sa.true() if everyone else reviews.c.owner == owner
        query = (
            sa.select(documents.c.sha256, documents.c.id, reviews.c.id.label("review_id"), reviews.c.title,
                      reviews.c.created_at)
            .join(reviews, reviews.c.id == documents.c.review_id)
            .where(documents.c.sha256.in_(wanted), reviews.c.created_at >= since, mine)
            .order_by(reviews.c.created_at, documents.c.position)
        )
        found: dict[str, tuple[str, str, str, datetime]] = {}
        with self.engine.connect() as db:
            for row in db.execute(query):
                found.setdefault(row.sha256, (row.id, row.review_id, row.title, row.created_at))
        return found

    def unfinished(self) -> list[DocumentRecord]:
        """Documents still queued when the service last stopped."""
        with self.engine.connect() as db:
            rows = db.execute(
                sa.select(documents).where(documents.c.status == QUEUED).order_by(documents.c.position)
            ).all()
        return [_document(r) for r in rows]


def _state(report: DocumentReport) -> str:
    if report.status == OK:
        return DONE
    return ROLES_UNKNOWN if report.status == ROLES_UNKNOWN else ERROR


def _document_row(d: DocumentRecord) -> dict:
    return dict(
        id=d.id, review_id=d.review_id, position=d.position, original_name=d.original_name,
        stored_name=d.stored_name, size=d.size, sha256=d.sha256, status=d.status,
        roles=json.dumps(d.roles, ensure_ascii=False) if d.roles is not None else None,
        duplicate_of=d.duplicate_of,
    )


def _document(row) -> DocumentRecord:
    mapping = row._mapping
    return DocumentRecord(
        id=row.id, review_id=row.review_id, position=row.position, original_name=row.original_name,
        stored_name=row.stored_name, size=row.size, sha256=row.sha256, status=row.status,
        roles=json.loads(row.roles) if row.roles else None,
        report_json=mapping.get("report") or ("" if mapping.get("has_report") else None),
        error_code=row.error_code,
        counts={key: mapping[key] for key in COUNTED},
        must_problems=row.must_problems, seconds=row.seconds, checked_at=row.checked_at,
        duplicate_of=row.duplicate_of,
    )


def _review(row, docs: tuple[DocumentRecord, ...]) -> ReviewRecord:
    return ReviewRecord(
        id=row.id, created_at=row.created_at, uploader=row.uploader, title=row.title,
        options=json.loads(row.options), documents=docs, organisation=organisation_from_json(row.organisation),
        owner=row.owner, notes=tuple(json.loads(row.notes)) if row.notes else (), playbook=_playbook(row),
    )


def _playbook(row) -> ChosenPlaybook | None:
    source = row._mapping.get("playbook")
    if not source:
        return None
    name, _, file = (row._mapping.get("playbook_name") or "").partition("\t")
    return ChosenPlaybook(name, file or "playbook.yaml", source)
