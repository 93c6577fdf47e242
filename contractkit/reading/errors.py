"""Why a file could not be read: a stable code, a message naming the file and what to do."""

from __future__ import annotations

from pathlib import Path

# code -> what the user should do about it
ERROR_ADVICE: dict[str, str] = {
    "not-found": "check the path",
    "unreadable": "check the file's permissions",
    "too-large": "split the file or raise the size limit",
    "empty": "the file has no content; check that the upload or export finished",
    "unsupported": "convert it to .docx, .odt, .pdf, .txt or .md",
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
    # Not a reading problem: roles were given (--role) for a label the contract does not use.
    "unknown-party": "give the roles for the party labels the contract uses (the message lists them)",
}

# code -> the same advice in Chinese, for the review service's pages (same keys as ERROR_ADVICE)
ERROR_ADVICE_ZH: dict[str, str] = {
    "not-found": "文件不存在，请检查路径",
    "unreadable": "文件无法读取，请检查文件权限",
    "too-large": "文件过大，请拆分文件或提高大小上限",
    "empty": "文件没有内容，请确认上传或导出已完成",
    "unsupported": "不支持的文件类型，请转换为 .docx、.odt、.pdf、.txt 或 .md",
    "legacy-doc": "这是旧版 Word（.doc）文件，请用 Word 或 WPS 另存为 .docx",
    "wps": "这是 WPS 文件，请用 WPS 另存为 .docx",
    "encrypted": "文件设有密码，请取消密码保护后重新保存",
    "corrupt": "文件已损坏，请从原始来源重新导出",
    "zip-bomb": "文件解压后大小异常，出于安全考虑未读取",
    "doctype": "文件声明了 DOCTYPE（可能的实体注入攻击），出于安全考虑未读取",
    "no-text": "文件没有文字层（可能是扫描件），请先做文字识别或索取原始文档",
    "encoding": "文本编码无法识别，请另存为 UTF-8 文本",
    "timeout": "检查超时，文件可能异常",
    "crashed": "检查此文件时意外失败，请报告此问题",
    "memory": "检查此文件所需内存过多",
    "unknown-party": "所指定的当事人称谓未出现在合同中，请按合同实际使用的称谓选择角色",
}


class ReadError(Exception):
    """A file the checker cannot read. ``code`` is stable (see ERROR_ADVICE).

    ``path`` is the file that was read; the message names it as ``display_name``
    (default: the path), e.g. the name a user uploaded it under.
    """

    def __init__(self, path: str | Path, code: str, detail: str, display_name: str | None = None):
        if code not in ERROR_ADVICE:
            raise ValueError(f"undocumented read error code {code!r}")
        self.path, self.code, self.detail = Path(path), code, detail
        self.display_name = str(path) if display_name is None else display_name
        super().__init__(f"{self.display_name}: {detail} — {ERROR_ADVICE[code]}")

    def shown_as(self, display_name: str) -> ReadError:
        """The same error, its message naming the file ``display_name``."""
        return ReadError(self.path, self.code, self.detail, display_name)

    @property
    def message(self) -> str:
        return str(self)
