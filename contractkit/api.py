"""The library calls the CLI is a thin layer over."""

from __future__ import annotations

import os
from typing import Any, Iterable, Mapping

from contractkit.generation.document import Document
from contractkit.generation.settings import DocumentKind, GenerationSettings


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
    from contractkit.writers import writer_for

    writer = writer_for(format)
    document = render_document(pair, roles=roles, options=options, kind=kind, parameters=parameters)
    data = writer.write(document)
    if output is not None:
        write_atomic(output, data, force=force)
    return data
