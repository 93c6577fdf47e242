"""What a request does, the same whether it came to the JSON API or from a page's form: start a review
from uploaded files, check a document again with corrected roles. Each raises ServiceError for a request
the service refuses; the routes (``api``, ``pages``) only turn the result into their kind of response."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping, Sequence

from fastapi import Request, UploadFile
from fastapi.concurrency import run_in_threadpool

from contractkit.api import CheckRequest, InvalidRequest, Organisation

from .core import ServiceError, Services
from .dependencies import services
from .history import DocumentRecord, ReviewRecord
from .organisation import split_names
from .playbooks import MAX_BYTES as MAX_PLAYBOOK_BYTES
from .playbooks import ChosenPlaybook, PlaybookLibrary, PlaybookProblem, choose
from .security import Caller
from .storage import IncomingFile, UploadError, display_name

# The upload form's field for each CheckRequest field.
UPLOAD_FIELDS = {"organisation.names": "as_names", "organisation.role": "as_role"}


async def start_review(
    request: Request, files: list[UploadFile], *, uploader: str, options: list[str], user: Caller,
    as_names: str | None, as_role: str | None, title: str = "", playbook: str | None = None,
    playbook_file: UploadFile | None = None,
) -> ReviewRecord:
    """Store the uploaded ``files`` and queue them for checking (POST /api/reviews and the upload form).

    ``user``: who is calling (a signed-in user is the uploader and owner; else ``uploader`` as typed, else
    匿名); ``as_names``/``as_role``: our organisation as the form gives it (see ``review_request``);
    ``title``: the review's name (default: from the files); ``playbook``: one of the playbooks folder's (its
    file name), or ``playbook_file``: an uploaded one (see ``playbooks.choose``).
    """
    s = services(request)
    if len(files) > s.settings.max_files:
        raise ServiceError(413, "too-many-files", f"一次最多上传 {s.settings.max_files} 个文件，本次 {len(files)} 个")
    # FastAPI reads an empty field as absent; here empty means "without our names", absent "the settings'".
    names_given = "as_names" in await request.form()
    check = await run_in_threadpool(review_request, s, options, (as_names or "") if names_given else None, as_role)
    upload = None
    if playbook_file is not None and playbook_file.filename:  # a browser sends an empty part for no file
        upload = (display_name(playbook_file.filename), await playbook_file.read(MAX_PLAYBOOK_BYTES + 1))
    library = s.playbooks or PlaybookLibrary(None)
    try:
        chosen = await run_in_threadpool(choose, library, playbook, upload)
    except PlaybookProblem as exc:
        raise ServiceError(422, "invalid-playbook", exc.message, [{"code": "invalid-playbook", "field": exc.field,
                                                                   "message": exc.message}]) from None
    incoming = [IncomingFile(display_name(f.filename), await f.read()) for f in files]
    return await run_in_threadpool(
        _start, s, incoming, user.name or clean_text(uploader) or "匿名", check.options, check.organisation,
        clean_text(title, 200), user, chosen,
    )


def review_request(s: Services, options: list[str], as_names: str | None, as_role: str | None) -> CheckRequest:
    """What a review checks with: the options; the names given (empty: none), else the team's settings;
    the role given, else the settings' role. Raises ServiceError naming every field at fault."""
    stored = s.organisation.get()
    given = split_names(as_names) if as_names is not None else None
    names = stored.names if given is None else given
    role = (as_role or "").strip() or None
    if given == []:
        role = None  # "without our names": no organisation, so no role to check
    elif role is None and names:
        role = stored.role
    try:
        return CheckRequest.parse({"options": options, "organisation_names": names, "organisation_role": role})
    except InvalidRequest as exc:
        # The codes API clients already know: invalid-organisation when only our organisation is at fault.
        ours = all(error.field in UPLOAD_FIELDS for error in exc.errors)
        raise ServiceError.invalid(exc.errors, "invalid-organisation" if ours else "invalid-request",
                                   UPLOAD_FIELDS) from None


def _start(s: Services, incoming: list[IncomingFile], uploader: str, options: Iterable[str],
           organisation: Organisation | None, title: str, user: Caller,
           playbook: ChosenPlaybook | None = None) -> ReviewRecord:
    try:
        return s.reviews.start(incoming, uploader=uploader, options=options, organisation=organisation,
                               title=title, owner=user.name, sees_all=user.sees_all, playbook=playbook)
    except UploadError as exc:
        raise ServiceError(exc.status, "bad-upload", exc.message) from None
    except OSError as exc:  # a full disk, a read-only data folder
        raise ServiceError(507, "storage", f"无法保存上传的文件（{exc.strerror or exc}），请联系管理员") from None


def clean_text(text: str, length: int = 100) -> str:
    """Typed text as a label: no control characters, trimmed, at most ``length`` characters."""
    return "".join(c for c in text if unicodedata.category(c)[0] != "C").strip()[:length]


def recheck(s: Services, document_id: str, roles: Mapping[str, Sequence[str]] | None) -> DocumentRecord:
    """Check a stored document again with the reviewer's ``roles`` (party label → role ids; None: infer
    them again). Raises ServiceError for an unknown role."""
    try:
        checked = None if roles is None else CheckRequest.parse({"roles": roles}).roles
    except InvalidRequest as exc:
        raise ServiceError.invalid(exc.errors) from None
    return s.reviews.recheck(document_id, checked)
