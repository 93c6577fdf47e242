"""Generating an agreement from a web request (the library's GenerateRequest: every problem found at once)."""

from __future__ import annotations

from contractkit.api import GenerateRequest, Standard, generate_from, writer_for


def generate_file(request: GenerateRequest, standard: Standard) -> tuple[bytes, str, str]:
    """(bytes, file name, media type) of the generated document; raises InvalidRequest."""
    data = generate_from(request, standard=standard)
    writer = writer_for(request.format)
    title = "安全责任条款附件" if request.kind == "annex" else "安全责任协议"
    return data, f"{standard.catalogue.pair(request.pair).name}{title}{writer.extension}", writer.media_type
