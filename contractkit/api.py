"""The library calls the CLI is a thin layer over."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any, Iterable, Mapping

from contractkit.generation.document import Document
from contractkit.generation.settings import DocumentKind, GenerationSettings

if TYPE_CHECKING:
    from contractkit.organisation import Organisation


def render_document(
    pair: str,
    *,
    roles: Iterable[str] = (),
    options: Iterable[str] = (),
    kind: DocumentKind = "agreement",
    parameters: Mapping[str, Any] | None = None,
) -> Document:
    """Render the clauses for ``pair`` into a format-neutral Document."""
    from contractkit.generation.render import build_document

    settings = GenerationSettings(
        pair=pair,
        extra_roles=tuple(roles),
        options=frozenset(options),
        kind=kind,
        parameters=parameters or {},
    )
    return build_document(settings)


def generate(
    pair: str,
    *,
    roles: Iterable[str] = (),
    options: Iterable[str] = (),
    kind: DocumentKind = "agreement",
    parameters: Mapping[str, Any] | None = None,
    format: str = "docx",
    output: str | os.PathLike | None = None,
    force: bool = False,
) -> bytes:
    """Generate an agreement (or clause annex) for ``pair`` as ``format`` bytes.

    With ``output``, the bytes are also written there atomically (refusing to
    overwrite an existing file unless ``force``).

    >>> data = generate("provider-om", roles=["security"], format="md",
    ...                 parameters={"provider_name": "甲云科技有限公司"})
    """
    from contractkit.fileio import write_atomic
    from contractkit.generation.writers import writer_for

    writer = writer_for(format)
    document = render_document(pair, roles=roles, options=options, kind=kind, parameters=parameters)
    data = writer.write(document)
    if output is not None:
        write_atomic(output, data, force=force)
    return data


def check(
    paths: str | os.PathLike | Iterable[str | os.PathLike],
    *,
    roles: Mapping[str, Iterable[str]] | None = None,
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
    ``organisation`` says whose side we are on, e.g. ``Organisation(("华云数智科技有限公司", "华云"),
    "provider")``: the party of that name holds that role, the other side's follows from the contract.
    One file is checked in this process; several go to ``jobs`` worker processes
    (default: one per CPU), each file limited to ``timeout`` seconds.

    >>> run = check("samples/contracts", jobs=2)
    >>> run.exit_code, [d.status for d in run.documents]
    """
    from contractkit.checking.batch import DEFAULT_INCLUDE, BatchSettings, collect, run_batch
    from contractkit.checking.workers import check_one
    from contractkit.checking.checker import Checker, CheckSettings
    from contractkit.results.model import CheckRun

    settings = CheckSettings(
        roles={label: tuple(r) for label, r in (roles or {}).items()}, options=frozenset(options),
        organisation=organisation,
    )
    checker = Checker(settings)  # validates roles/options before any file is touched
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
    return CheckRun(documents=tuple(reports), settings=settings_summary(settings))


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
