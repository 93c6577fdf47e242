"""A review's life: store the uploads, queue them in the worker pool, record each result.

Everything here runs off the event loop: the web layer calls it through a
thread (``run_in_threadpool``) and the pool's supervising thread calls back
with results. The history in the database is the only state that matters;
on start, documents still queued when the service last stopped are queued
again from their stored files.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import uuid
from collections.abc import Iterable
from concurrent.futures import Future
from dataclasses import replace
from datetime import timedelta
from pathlib import Path, PurePosixPath

from contractkit.api import CheckPool, DocumentReport, Organisation, RoleAssignments, TextBlock

from .database import now
from .history import COUNTED, DONE, QUEUED, DocumentRecord, History, ReviewRecord
from .playbooks import ChosenPlaybook
from .storage import IncomingFile, UploadError, UploadStore, expand_archives
from .wording import for_people

log = logging.getLogger("contractkit.service")


def new_id() -> str:
    return uuid.uuid4().hex


class ReviewService:
    def __init__(self, history: History, store: UploadStore, pool: CheckPool, max_files: int,
                 duplicate_days: int = 30):
        self.history, self.store, self.pool, self.max_files = history, store, pool, max_files
        self.duplicate_window = timedelta(days=duplicate_days)
        self._futures: dict[str, Future[DocumentReport]] = {}
        self._lock = threading.Lock()

    # ------------------------------------------------------------ starting reviews
    def start(
        self, files: list[IncomingFile], *, uploader: str, options: Iterable[str] = (),
        organisation: Organisation | None = None, title: str = "", owner: str | None = None,
        sees_all: bool = True, playbook: ChosenPlaybook | None = None,
    ) -> ReviewRecord:
        """Store ``files`` (unpacking folder .zip archives) and queue each for checking.

        ``options`` and ``organisation`` (whose side we are on, kept with the review; None: roles inferred
        without it) come from a valid contractkit.requests.CheckRequest. ``title`` names the review (default:
        from the files); ``owner``: the signed-in user. A file whose content is already in this upload, or in
        another recent review the uploader may see (``sees_all``: any, else only ``owner``'s), is checked all
        the same and points to the earlier copy (``duplicate_of``); the review's notes name copies within it.
        ``playbook``: the firm's positions to judge too, kept with the review (re-checks and restarts use it).
        """
        options = sorted(set(options))
        contracts = expand_archives(files, self.max_files)
        earlier = self.history.identical(
            (hashlib.sha256(c.data).hexdigest() for c in contracts), now() - self.duplicate_window,
            owner, sees_all,
        )
        review_id = new_id()
        try:  # all stored and recorded, or nothing left behind (a full disk, a database refusing)
            records = [self._store(review_id, position, incoming) for position, incoming in enumerate(contracts)]
            records, notes = _mark_identical(records, earlier)
            review = ReviewRecord(
                id=review_id, created_at=now(), uploader=uploader, title=title or default_title(files, contracts),
                options=options, documents=tuple(records), organisation=organisation, owner=owner,
                notes=tuple(notes), playbook=playbook,
            )
            self.history.add_review(review)
        except BaseException:
            self.store.delete_review(review_id)
            raise
        for record in records:
            self._queue(record, review)
        return review

    def _store(self, review_id: str, position: int, incoming: IncomingFile) -> DocumentRecord:
        document_id = new_id()
        stored = self.store.save(review_id, document_id, incoming)
        return DocumentRecord(
            id=document_id, review_id=review_id, position=position, original_name=stored.display_name,
            stored_name=stored.stored_name, size=stored.size, sha256=stored.sha256, status=QUEUED,
            roles=None, report_json=None, error_code=None, counts=dict.fromkeys(COUNTED, 0),
            must_problems=0, seconds=None, checked_at=None,
        )

    def recheck(self, document_id: str, roles: RoleAssignments | None) -> DocumentRecord:
        """Check a stored document again, with the reviewer's roles (None: infer them again), those of a
        valid contractkit.requests.CheckRequest."""
        document = self.history.document(document_id)
        if document is None:
            raise KeyError(document_id)
        review = self.history.review(document.review_id)
        self.history.requeue(document_id, roles)
        document = replace(document, status=QUEUED, roles=roles)
        self._queue(document, review)
        return document

    def resume(self) -> int:
        """Queue again what was queued when the service stopped; returns how many."""
        pending = self.history.unfinished()
        reviews: dict[str, ReviewRecord | None] = {}
        for document in pending:
            if document.review_id not in reviews:
                reviews[document.review_id] = self.history.review(document.review_id)
            self._queue(document, reviews[document.review_id])
        return len(pending)

    def _queue(self, document: DocumentRecord, review: ReviewRecord | None) -> None:
        """Check ``document`` with its review's options, organisation and playbook."""
        path = self.store.path(document.review_id, document.stored_name)
        roles = None if document.roles is None else {label: tuple(r) for label, r in document.roles.items()}
        future = self.pool.submit(
            path, roles=roles, options=(review.options if review else None) or None,
            organisation=review.organisation if review else None, display_name=document.original_name,
            playbook=review.playbook.playbook if review and review.playbook else None,
        )
        with self._lock:
            self._futures[document.id] = future
        future.add_done_callback(lambda f: self._finished(document, f))

    def _finished(self, document: DocumentRecord, future: Future[DocumentReport]) -> None:
        if future.exception() is not None:  # the service stopping (PoolClosed): not checked, so still queued
            with self._lock:
                if self._futures.get(document.id) is future:
                    del self._futures[document.id]
            return
        # Error messages already name the file as uploaded (display_name); the report's path too.
        # The report as a person reads it in the browser and its downloads (Chinese, no command-line advice).
        report = for_people(replace(future.result(), path=Path(document.original_name)), document.original_name)
        self.store.derived(document.review_id, document.stored_name, "annotated.docx").unlink(missing_ok=True)
        self.history.record_result(document.id, report)
        with self._lock:
            if self._futures.get(document.id) is future:
                del self._futures[document.id]

    def stop(self) -> None:
        """Stop checking (the service is stopping): whatever is not checked yet stays queued in the history,
        to be checked on the next start (``resume``), exactly as after a hard stop."""
        self.pool.close(keep_unfinished=True)
        left = len(self.history.unfinished())
        if left:
            log.info("stopped: %d file(s) left queued, to be checked on the next start", left)

    # ------------------------------------------------------------ waiting, deleting
    def pending_futures(self, review: ReviewRecord) -> list[Future[DocumentReport]]:
        with self._lock:
            return [self._futures[d.id] for d in review.documents if d.id in self._futures]

    def delete(self, review_id: str) -> bool:
        """Remove the review, its documents and every stored file of it."""
        deleted = self.history.delete_review(review_id)
        self.store.delete_review(review_id)
        return deleted

    # ------------------------------------------------------------ derived files
    def original_path(self, document: DocumentRecord) -> Path:
        return self.store.path(document.review_id, document.stored_name)

    def annotated_docx(self, document: DocumentRecord) -> Path:
        """The annotated copy (comments and tracked insertions), made once per result."""
        from contractkit.api import annotate_docx  # python-docx loads only when a copy is asked for

        report = document.report()
        if document.status != DONE or report is None or report.format != "docx":
            raise UploadError("只有已成功检查的 Word（.docx）合同才能下载批注版", 409)
        destination = self.store.derived(document.review_id, document.stored_name, "annotated.docx")
        if not destination.exists():
            source = self.original_path(document)
            annotate_docx(source, replace(report, path=source), destination, force=True)
        return destination

    def text_blocks(self, document: DocumentRecord) -> tuple[TextBlock, ...]:
        """The contract's text as the checker read it, for showing evidence in place."""
        from contractkit.api import ReadError, read_document

        try:
            return read_document(self.original_path(document)).blocks
        except (ReadError, OSError):
            return ()


def _mark_identical(records: list[DocumentRecord],
                    earlier: dict[str, tuple]) -> tuple[list[DocumentRecord], list[str]]:
    """Each record whose content came before (earlier in this upload, else in ``earlier``: another recent
    review) points to that copy; a note per copy within this upload."""
    first: dict[str, DocumentRecord] = {}
    marked, notes = [], []
    for record in records:
        if record.sha256 in first:
            copy = first[record.sha256]
            notes.append(f"“{record.original_name}”与本次上传的“{copy.original_name}”内容完全相同")
            record = replace(record, duplicate_of=copy.id)
        else:
            first[record.sha256] = record
            if record.sha256 in earlier:
                record = replace(record, duplicate_of=earlier[record.sha256][0])
        marked.append(record)
    return marked, notes


def default_title(files: list[IncomingFile], contracts: list[IncomingFile]) -> str:
    """A name for a review the uploader did not name: the file; the folder or archive all came from;
    else how many contracts, and the first ones."""
    count = len(contracts)
    if count == 1:
        return PurePosixPath(contracts[0].name).name
    tops = {PurePosixPath(c.name).parts[0] for c in contracts if len(PurePosixPath(c.name).parts) > 1}
    if len(tops) == 1 and all(len(PurePosixPath(c.name).parts) > 1 for c in contracts):
        folder = tops.pop()
        return f"{PurePosixPath(folder).stem if folder.lower().endswith('.zip') else folder}（{count} 份合同）"
    stems = [PurePosixPath(c.name).stem for c in contracts[:2]]
    return f"{count} 份合同：{'、'.join(stems)}{'等' if count > 2 else ''}"
