"""Why a file could not be read: a stable code, a message naming the file and what to do."""

from __future__ import annotations

from pathlib import Path

# code -> what the user should do about it
ERROR_ADVICE: dict[str, str] = {
    "not-found": "check the path",
    "unreadable": "check the file's permissions",
    "too-large": "split the file or raise the size limit",
    "empty": "the file has no content; check that the upload or export finished",
    "unsupported": "convert it to .docx, .pdf, .txt or .md",
    "legacy-doc": "open it in Word or WPS and save it as .docx",
    "wps": "open it in WPS and save it as .docx",
    "encrypted": "remove the password (Word: File > Info > Protect Document) and save again",
    "corrupt": "the file is damaged; export it again from its source",
    "zip-bomb": "the file expands to an implausible size; it was not read",
    "doctype": "the document declares a DOCTYPE (possible entity attack); it was not read",
    "no-text": "it has no text layer (a scan?); run OCR first or ask for the original document",
    "encoding": "save it as UTF-8 text",
    "timeout": "the file took too long to check; it may be pathological",
    "crashed": "checking this file failed unexpectedly; please report it",
    "memory": "checking this file needed too much memory",
}


class ReadError(Exception):
    """A file the checker cannot read. ``code`` is stable (see ERROR_ADVICE)."""

    def __init__(self, path: str | Path, code: str, detail: str):
        if code not in ERROR_ADVICE:
            raise ValueError(f"undocumented read error code {code!r}")
        self.path, self.code, self.detail = Path(path), code, detail
        super().__init__(f"{path}: {detail} — {ERROR_ADVICE[code]}")

    @property
    def message(self) -> str:
        return str(self)
