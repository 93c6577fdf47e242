"""The library calls the CLI is a thin layer over.

Every call builds a request of ``contractkit.requests`` (CheckRequest, GenerateRequest) and so
refuses a bad option, role or parameter with ``InvalidRequest``, naming every problem at once.

Programs built on the library (the review service among them) find here, besides the calls, the
names they need: the requests, the results and their report formats, the check pool, reading and
annotating a contract, the standard. They are imported from the modules that define them on first
use, so that importing this module stays cheap; ``__all__`` lists them.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, Any

# For type checkers: the names re-exported (``x as x``), which _LAZY imports at run time on first use,
# and Document and CheckSettings for the annotations.
if TYPE_CHECKING:
    from concurrent.futures import Executor

    from contractkit.annotate import annotate_docx as annotate_docx
    from contractkit.checking.batch import DEFAULT_INCLUDE as DEFAULT_INCLUDE
    from contractkit.checking.batch import CheckStream as CheckStream
    from contractkit.checking.checker import CheckSettings
    from contractkit.checking.workers import CheckPool as CheckPool
    from contractkit.checking.workers import PoolSettings as PoolSettings
    from contractkit.fileio import write_atomic as write_atomic
    from contractkit.formatters import FORMATS as REPORT_FORMATS
    from contractkit.formatters import formatter_for as formatter_for
    from contractkit.formatters.common import ROLES_ADVICE_WEB as ROLES_ADVICE_WEB
    from contractkit.formatters.common import ROLES_CHOOSE_WEB as ROLES_CHOOSE_WEB
    from contractkit.formatters.common import ROLES_UNKNOWN_ZH as ROLES_UNKNOWN_ZH
    from contractkit.formatters.common import STRENGTHS as STRENGTHS
    from contractkit.formatters.common import Words as Words
    from contractkit.generation.document import Document
    from contractkit.generation.writers import writer_for as writer_for
    from contractkit.organisation import DEFAULT_ROLE as DEFAULT_ROLE
    from contractkit.organisation import Organisation as Organisation
    from contractkit.playbooks import Playbook as Playbook
    from contractkit.playbooks import PlaybookError as PlaybookError
    from contractkit.playbooks import load_playbook as load_playbook
    from contractkit.playbooks import load_playbook_bytes as load_playbook_bytes
    from contractkit.reading import ReadError as ReadError
    from contractkit.reading import ReadLimits as ReadLimits
    from contractkit.reading import TextBlock as TextBlock
    from contractkit.reading import read_document as read_document
    from contractkit.reading.errors import ERROR_ADVICE_ZH as ERROR_ADVICE_ZH
    from contractkit.reading.errors import message_zh as error_message_zh
    from contractkit.reading.safety import SafeZip as SafeZip
    from contractkit.requests import CheckRequest as CheckRequest
    from contractkit.requests import GenerateRequest as GenerateRequest
    from contractkit.requests import InvalidRequest as InvalidRequest
    from contractkit.requests import RequestError as RequestError
    from contractkit.requests import RoleAssignments as RoleAssignments
    from contractkit.requests import shape_errors as shape_errors
    from contractkit.results.model import OK as OK
    from contractkit.results.model import ROLES_UNKNOWN as ROLES_UNKNOWN
    from contractkit.results.model import CheckRun as CheckRun
    from contractkit.results.model import DocumentReport as DocumentReport
    from contractkit.results.model import Finding as Finding
    from contractkit.results.model import Status as Status
    from contractkit.standard import Standard as Standard
    from contractkit.standard import default_standard as default_standard

# name -> (module, its name there): the names above, imported on first use (PEP 562).
_LAZY: dict[str, tuple[str, str]] = {
    # the requests, and whose side we are on
    "CheckRequest": ("contractkit.requests", "CheckRequest"),
    "GenerateRequest": ("contractkit.requests", "GenerateRequest"),
    "InvalidRequest": ("contractkit.requests", "InvalidRequest"),
    "RequestError": ("contractkit.requests", "RequestError"),
    "RoleAssignments": ("contractkit.requests", "RoleAssignments"),
    "shape_errors": ("contractkit.requests", "shape_errors"),
    "DEFAULT_ROLE": ("contractkit.organisation", "DEFAULT_ROLE"),
    "Organisation": ("contractkit.organisation", "Organisation"),
    # the firm's playbooks (check ... playbook=)
    "Playbook": ("contractkit.playbooks", "Playbook"),
    "PlaybookError": ("contractkit.playbooks", "PlaybookError"),
    "load_playbook": ("contractkit.playbooks", "load_playbook"),
    "load_playbook_bytes": ("contractkit.playbooks", "load_playbook_bytes"),
    # the standard
    "Standard": ("contractkit.standard", "Standard"),
    "default_standard": ("contractkit.standard", "default_standard"),
    # checking many files: which files of a folder, the pool of worker processes (see check_pool)
    "DEFAULT_INCLUDE": ("contractkit.checking.batch", "DEFAULT_INCLUDE"),
    "CheckStream": ("contractkit.checking.batch", "CheckStream"),
    "CheckPool": ("contractkit.checking.workers", "CheckPool"),
    "PoolSettings": ("contractkit.checking.workers", "PoolSettings"),
    # reading a contract safely, and what to do when it cannot be read
    "ReadError": ("contractkit.reading", "ReadError"),
    "ReadLimits": ("contractkit.reading", "ReadLimits"),
    "TextBlock": ("contractkit.reading", "TextBlock"),
    "read_document": ("contractkit.reading", "read_document"),
    "ERROR_ADVICE_ZH": ("contractkit.reading.errors", "ERROR_ADVICE_ZH"),
    "error_message_zh": ("contractkit.reading.errors", "message_zh"),
    "SafeZip": ("contractkit.reading.safety", "SafeZip"),
    # the results
    "OK": ("contractkit.results.model", "OK"),
    "ROLES_UNKNOWN": ("contractkit.results.model", "ROLES_UNKNOWN"),
    "CheckRun": ("contractkit.results.model", "CheckRun"),
    "DocumentReport": ("contractkit.results.model", "DocumentReport"),
    "Finding": ("contractkit.results.model", "Finding"),
    "Status": ("contractkit.results.model", "Status"),
    # the reports: their formats (formatter_for), and the words they use
    "REPORT_FORMATS": ("contractkit.formatters", "FORMATS"),
    "formatter_for": ("contractkit.formatters", "formatter_for"),
    "ROLES_ADVICE_WEB": ("contractkit.formatters.common", "ROLES_ADVICE_WEB"),
    "ROLES_CHOOSE_WEB": ("contractkit.formatters.common", "ROLES_CHOOSE_WEB"),
    "ROLES_UNKNOWN_ZH": ("contractkit.formatters.common", "ROLES_UNKNOWN_ZH"),
    "STRENGTHS": ("contractkit.formatters.common", "STRENGTHS"),
    "Words": ("contractkit.formatters.common", "Words"),
    # the annotated copy of a checked .docx
    "annotate_docx": ("contractkit.annotate", "annotate_docx"),
    # generated documents: the writer of each format (extension, media type); writing a file safely
    "writer_for": ("contractkit.generation.writers", "writer_for"),
    "write_atomic": ("contractkit.fileio", "write_atomic"),
}

__all__ = [
    # the calls
    "check", "check_pool", "check_stream", "generate", "generate_from", "organisation_summary", "render_document",
    "render_from", "settings_summary",
    # the names of _LAZY
    "CheckRequest", "GenerateRequest", "InvalidRequest", "RequestError", "RoleAssignments", "shape_errors",
    "DEFAULT_ROLE", "Organisation", "Standard", "default_standard", "Playbook", "PlaybookError", "load_playbook",
    "load_playbook_bytes",
    "redline",
    "DEFAULT_INCLUDE", "CheckStream", "CheckPool", "PoolSettings",
    "ReadError", "ReadLimits", "TextBlock", "read_document", "ERROR_ADVICE_ZH", "error_message_zh", "SafeZip",
    "OK", "ROLES_UNKNOWN", "CheckRun", "DocumentReport", "Finding", "Status",
    "REPORT_FORMATS", "formatter_for", "ROLES_ADVICE_WEB", "ROLES_CHOOSE_WEB", "ROLES_UNKNOWN_ZH", "STRENGTHS", "Words",
    "annotate_docx", "writer_for", "write_atomic",
]

if not TYPE_CHECKING:  # type checkers read the imports above instead

    def __getattr__(name: str) -> Any:
        try:
            module, attribute = _LAZY[name]
        except KeyError:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
        value = getattr(import_module(module), attribute)
        globals()[name] = value  # the next look-up finds it without coming here
        return value

    def __dir__() -> list[str]:
        return sorted({*globals(), *_LAZY})


def render_document(
    pair: str,
    *,
    extra_roles: Iterable[str] = (),
    options: Iterable[str] = (),
    kind: str | None = None,
    parameters: Mapping[str, Any] | None = None,
    roles: Iterable[str] | None = None,
    playbook: Playbook | str | os.PathLike | None = None,
) -> Document:
    """Render the clauses for ``pair`` into a format-neutral Document.

    ``extra_roles``: further roles the same partner holds (``roles`` is its old name); ``kind``:
    agreement (the default) or annex; ``playbook``: see ``generate``.
    """
    return render_from(_generate_request(pair, extra_roles, options, kind, parameters, None, roles),
                       playbook=playbook)


def generate(
    pair: str,
    *,
    extra_roles: Iterable[str] = (),
    options: Iterable[str] = (),
    kind: str | None = None,
    parameters: Mapping[str, Any] | None = None,
    format: str | None = None,
    output: str | os.PathLike | None = None,
    force: bool = False,
    roles: Iterable[str] | None = None,
    playbook: Playbook | str | os.PathLike | None = None,
) -> bytes:
    """Generate an agreement (or clause annex) for ``pair`` as ``format`` bytes (default docx).

    With ``output``, the bytes are also written there atomically (refusing to
    overwrite an existing file unless ``force``). With ``playbook`` (a ``Playbook`` or its YAML file),
    its positions' preferred values are the defaults of the parameters they name (``parameters``
    still win) and the clauses it wants are added.

    >>> data = generate("provider-om", extra_roles=["security"], format="md",
    ...                 parameters={"provider_name": "甲云科技有限公司"})
    """
    request = _generate_request(pair, extra_roles, options, kind, parameters, format, roles)
    return generate_from(request, output=output, force=force, playbook=playbook)


def render_from(request: GenerateRequest, *, standard: Standard | None = None,
                playbook: Playbook | str | os.PathLike | None = None) -> Document:
    """The Document a GenerateRequest asks for (under ``standard``, default the shipped one, and ``playbook``);
    raises InvalidRequest."""
    from dataclasses import replace

    from contractkit.generation.render import build_document

    settings = request.settings()
    chosen = _playbook(playbook)
    if chosen is not None:
        settings = replace(settings, playbook=chosen)
    return build_document(settings, standard)


def generate_from(request: GenerateRequest, *, output: str | os.PathLike | None = None,
                  force: bool = False, standard: Standard | None = None,
                  playbook: Playbook | str | os.PathLike | None = None) -> bytes:
    """The bytes of the document a GenerateRequest asks for (also written to ``output``); raises InvalidRequest."""
    from contractkit.fileio import write_atomic
    from contractkit.generation.writers import writer_for

    document = render_from(request, standard=standard, playbook=playbook)
    data = writer_for(request.format).write(document)
    if output is not None:
        write_atomic(output, data, force=force)
    return data


def _generate_request(pair, extra_roles, options, kind, parameters, format, roles) -> GenerateRequest:
    from contractkit.requests import GenerateRequest

    if roles is not None:
        warnings.warn("roles= is now called extra_roles=", DeprecationWarning, stacklevel=3)
        extra_roles = (*extra_roles, *roles)
    given = {"kind": kind, "format": format, "parameters": parameters}
    return GenerateRequest.parse({
        "pair": pair, "extra_roles": tuple(extra_roles), "options": tuple(options),
        **{name: value for name, value in given.items() if value is not None},
    })


def check(
    paths: str | os.PathLike | Iterable[str | os.PathLike],
    *,
    roles: RoleAssignments | None = None,
    options: Iterable[str] = (),
    jobs: int | None = None,
    timeout: float | None = None,
    include: Iterable[str] | None = None,
    exclude: Iterable[str] = (),
    progress: Callable[[DocumentReport], None] | None = None,
    organisation: Organisation | None = None,
    executor: Executor | None = None,
    playbook: Playbook | str | os.PathLike | None = None,
) -> CheckRun:
    """Check contracts (files or folders) against T/CCIA 004-2024; returns a CheckRun.

    ``roles`` overrides role inference, e.g. ``{"甲方": ["provider"], "乙方": ["om"]}``.
    A bad role, option or organisation raises InvalidRequest before any file is touched.
    ``organisation`` says whose side we are on, e.g. ``Organisation(("华云数智科技有限公司", "华云"),
    "provider")``: the party of that name holds that role, the other side's follows from the contract.
    One file is checked in this process; several go to ``jobs`` worker processes
    (default: one per CPU), each file limited to ``timeout`` seconds, or to ``executor`` (see
    ``check_stream``). The run holds every report: for very many files, iterate ``check_stream``.
    ``playbook`` (a ``Playbook`` or its YAML file) also judges the firm's positions: each document gets
    ``positions`` and the run is reported as ``contractkit.check/2``.

    >>> run = check("samples/contracts", jobs=2)
    >>> run.exit_code, [d.status for d in run.documents]
    """
    return check_stream(
        paths, roles=roles, options=options, jobs=jobs, timeout=timeout, include=include, exclude=exclude,
        progress=progress, organisation=organisation, executor=executor, playbook=playbook,
    ).run()


def check_stream(
    paths: str | os.PathLike | Iterable[str | os.PathLike],
    *,
    roles: RoleAssignments | None = None,
    options: Iterable[str] = (),
    jobs: int | None = None,
    timeout: float | None = None,
    include: Iterable[str] | None = None,
    exclude: Iterable[str] = (),
    progress: Callable[[DocumentReport], None] | None = None,
    organisation: Organisation | None = None,
    executor: Executor | None = None,
    window: int | None = None,
    playbook: Playbook | str | os.PathLike | None = None,
) -> CheckStream:
    """``check``, as a stream: the reports one by one, in the order of the files, as they are done,
    with memory flat in the number of files (at most ``window`` files in flight).

    The stream knows before its first report which files it checks (``files``), which it skipped
    (``skipped``), the run's ``settings`` and ``standard``; ``stream.run()`` gathers it into a CheckRun.
    Use it as a context manager, so that stopping early stops the workers::

        with check_stream("contracts/") as stream:
            for report in stream:
                ...

    ``executor``: any ``concurrent.futures.Executor`` (a ``ProcessPoolExecutor``, Dask's
    ``client.get_executor()`` …) to check the files on instead of the worker processes of ``jobs`` (whose
    time and memory limits then do not apply); it is given picklable work (``checking.workers.check_file``
    and a ``CheckJob``) and left open.
    """
    from contractkit.checking.batch import DEFAULT_INCLUDE, BatchSettings, CheckStream, collect, run_batch
    from contractkit.checking.checker import Checker
    from contractkit.checking.workers import CheckJob, check_one
    from contractkit.requests import CheckRequest

    settings = CheckRequest.parse({
        "roles": roles or {}, "options": tuple(options),
        "organisation_names": organisation.names if organisation else (),
        "organisation_role": organisation.role if organisation else None,
    }).settings()
    chosen = _playbook(playbook)
    if chosen is not None:
        from dataclasses import replace

        settings = replace(settings, playbook=chosen)
    checker = Checker(settings)
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    files = collect([Path(path) for path in paths], tuple(include or DEFAULT_INCLUDE), tuple(exclude))
    defaults = BatchSettings()
    batch = BatchSettings(
        jobs=defaults.jobs if jobs is None else jobs, timeout=defaults.timeout if timeout is None else timeout,
    )
    reports: Iterator[DocumentReport]
    if executor is not None:
        reports = run_batch(files, progress=progress, executor=executor, job=CheckJob.of(checker), window=window)
    elif len(files) <= 1:
        reports = _in_this_process(checker, files, progress, check_one)
    else:
        checker.engine.warm_up()  # forked workers inherit the loaded pipeline
        reports = run_batch(files, lambda: checker, batch, progress, window=window)
    stream = CheckStream(reports, files, settings_summary(settings), checker.standard.code)
    stream.playbook = chosen.summary() if chosen is not None else None
    return stream


def _playbook(playbook: Playbook | str | os.PathLike | None) -> Playbook | None:
    """A Playbook as given, or loaded (and validated) from its file; raises PlaybookError."""
    if playbook is None or not isinstance(playbook, (str, os.PathLike)):
        return playbook
    from contractkit.playbooks import load_playbook

    return load_playbook(os.fspath(playbook))


def redline(
    source: str | os.PathLike,
    playbook: Playbook | str | os.PathLike,
    output: str | os.PathLike,
    *,
    roles: RoleAssignments | None = None,
    organisation: Organisation | None = None,
    force: bool = False,
    author: str = "contractkit",
) -> tuple[DocumentReport, Any]:
    """Check one .docx against the standard and ``playbook`` and write its redline to ``output``: values
    replaced in place, contrary and walk-away clauses struck out and replaced, missing clauses inserted, a
    comment on each change. Returns the report and the annotation summary."""
    from contractkit.annotate import annotate_docx

    run = check(source, roles=roles, organisation=organisation, playbook=playbook)
    report = run.documents[0]
    summary = annotate_docx(Path(source), report, Path(output), force=force, author=author)
    return report, summary


def _in_this_process(checker, files, progress, check_one) -> Iterator[DocumentReport]:
    for path in files:
        report = check_one(checker, path)
        if progress:
            progress(report)
        yield report


def settings_summary(settings: CheckSettings) -> dict[str, Any]:
    """A CheckSettings as a report's ``settings`` section (``organisation`` only when one was given)."""
    summary: dict[str, Any] = {
        "roles": {k: list(v) for k, v in settings.roles.items()}, "options": sorted(settings.options),
    }
    if settings.organisation is not None:
        summary["organisation"] = organisation_summary(settings.organisation)
    return summary


def organisation_summary(organisation: Organisation) -> dict[str, Any]:
    """Whose side a check was on, as a report's ``settings.organisation``."""
    return {"names": list(organisation.names), "role": organisation.role}


def check_pool(settings: PoolSettings | None = None, *, standard: Standard | None = None) -> CheckPool:
    """Worker processes that check files under ``standard`` (default: the shipped one), each file within
    ``settings``' time and memory limits: ``submit(path, roles=…, options=…, organisation=…)`` returns a
    Future of its DocumentReport (never an exception for a bad file); ``close()`` when done.

    The language pipeline is loaded here, once, so that the forked workers share it.
    """
    from contractkit.checking.checker import Checker
    from contractkit.checking.workers import CheckPool, PoolSettings

    checker = Checker(standard=standard)
    checker.engine.warm_up()
    return CheckPool(lambda: checker, settings or PoolSettings())
