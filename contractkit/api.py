"""The library calls the CLI is a thin layer over.

Every call builds a request of ``contractkit.requests`` (CheckRequest, GenerateRequest) and so
refuses a bad option, role or parameter with ``InvalidRequest``, naming every problem at once.
"""

from __future__ import annotations

import os
import warnings
from typing import TYPE_CHECKING, Any, Iterable, Mapping

if TYPE_CHECKING:
    from contractkit.generation.document import Document
    from contractkit.organisation import Organisation
    from contractkit.requests import GenerateRequest, RoleAssignments
    from contractkit.standard import Standard


def render_document(
    pair: str,
    *,
    extra_roles: Iterable[str] = (),
    options: Iterable[str] = (),
    kind: str | None = None,
    parameters: Mapping[str, Any] | None = None,
    roles: Iterable[str] | None = None,
) -> "Document":
    """Render the clauses for ``pair`` into a format-neutral Document.

    ``extra_roles``: further roles the same partner holds (``roles`` is its old name); ``kind``:
    agreement (the default) or annex.
    """
    return render_from(_generate_request(pair, extra_roles, options, kind, parameters, None, roles))


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
) -> bytes:
    """Generate an agreement (or clause annex) for ``pair`` as ``format`` bytes (default docx).

    With ``output``, the bytes are also written there atomically (refusing to
    overwrite an existing file unless ``force``).

    >>> data = generate("provider-om", extra_roles=["security"], format="md",
    ...                 parameters={"provider_name": "甲云科技有限公司"})
    """
    request = _generate_request(pair, extra_roles, options, kind, parameters, format, roles)
    return generate_from(request, output=output, force=force)


def render_from(request: "GenerateRequest", *, standard: "Standard | None" = None) -> "Document":
    """The Document a GenerateRequest asks for (under ``standard``, default the shipped one); raises InvalidRequest."""
    from contractkit.generation.render import build_document

    return build_document(request.settings(), standard)


def generate_from(request: "GenerateRequest", *, output: str | os.PathLike | None = None,
                  force: bool = False, standard: "Standard | None" = None) -> bytes:
    """The bytes of the document a GenerateRequest asks for (also written to ``output``); raises InvalidRequest."""
    from contractkit.fileio import write_atomic
    from contractkit.generation.writers import writer_for

    document = render_from(request, standard=standard)
    data = writer_for(request.format).write(document)
    if output is not None:
        write_atomic(output, data, force=force)
    return data


def _generate_request(pair, extra_roles, options, kind, parameters, format, roles) -> "GenerateRequest":
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
    roles: "RoleAssignments | None" = None,
    options: Iterable[str] = (),
    jobs: int | None = None,
    timeout: float | None = None,
    include: Iterable[str] | None = None,
    exclude: Iterable[str] = (),
    progress=None,
    organisation: "Organisation | None" = None,
):
    """Check contracts (files or folders) against T/CCIA 004-2024; returns a CheckRun.

    ``roles`` overrides role inference, e.g. ``{"甲方": ["provider"], "乙方": ["om"]}``.
    A bad role, option or organisation raises InvalidRequest before any file is touched.
    ``organisation`` says whose side we are on, e.g. ``Organisation(("华云数智科技有限公司", "华云"),
    "provider")``: the party of that name holds that role, the other side's follows from the contract.
    One file is checked in this process; several go to ``jobs`` worker processes
    (default: one per CPU), each file limited to ``timeout`` seconds.

    >>> run = check("samples/contracts", jobs=2)
    >>> run.exit_code, [d.status for d in run.documents]
    """
    from contractkit.checking.batch import DEFAULT_INCLUDE, BatchSettings, collect, run_batch
    from contractkit.checking.workers import check_one
    from contractkit.checking.checker import Checker
    from contractkit.requests import CheckRequest
    from contractkit.results.model import CheckRun

    settings = CheckRequest.parse({
        "roles": roles or {}, "options": tuple(options),
        "organisation_names": organisation.names if organisation else (),
        "organisation_role": organisation.role if organisation else None,
    }).settings()
    checker = Checker(settings)
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    files = collect(paths, tuple(include or DEFAULT_INCLUDE), tuple(exclude))
    batch = BatchSettings(
        **{k: v for k, v in {"jobs": jobs, "timeout": timeout}.items() if v is not None}
    )
    if len(files) <= 1:
        reports = [check_one(checker, f) for f in files]
        if progress:
            for report in reports:
                progress(report)
    else:
        checker.engine.warm_up()  # forked workers inherit the loaded pipeline
        reports = run_batch(files, lambda: checker, batch, progress)
    return CheckRun(documents=tuple(reports), settings=settings_summary(settings), skipped=files.skipped)


def settings_summary(settings) -> dict[str, Any]:
    """A CheckSettings as a report's ``settings`` section (``organisation`` only when one was given)."""
    summary: dict[str, Any] = {
        "roles": {k: list(v) for k, v in settings.roles.items()}, "options": sorted(settings.options),
    }
    if settings.organisation is not None:
        summary["organisation"] = organisation_summary(settings.organisation)
    return summary


def organisation_summary(organisation: "Organisation") -> dict[str, Any]:
    return {"names": list(organisation.names), "role": organisation.role}
