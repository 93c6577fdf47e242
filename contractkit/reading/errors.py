"""Why a file could not be read: a stable code, a message naming the file and what to do."""

from __future__ import annotations

import re
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


# What the detail of an error message (English, as the command line shows it) says, in Chinese, for
# the review service and its downloads: (pattern matching the whole detail, Chinese with {1}… for its
# groups). A detail no pattern matches is not shown in Chinese at all (never in English): the advice
# (ERROR_ADVICE_ZH) still says what is wrong and what to do. Exception texts in parentheses are left
# out: they are for the service's log, not for a reader of the report.
_Q = r"'?(.+?)'?"  # a quoted part or entry name
DETAILS_ZH: tuple[tuple[re.Pattern[str], str], ...] = tuple((re.compile(pattern, re.S), zh) for pattern, zh in (
    # opening the file
    (r"is larger than (\d+) bytes", "文件大于 {1} 字节"),
    (r"is (\d+) bytes \(limit (\d+)\)", "文件大小 {1} 字节，超过 {2} 字节的上限"),
    (r"is empty \(0 bytes\)", "文件是空的（0 字节）"),
    (r"contains only whitespace", "文件中只有空白字符"),
    (r"needed too much memory to read", "读取此文件所需内存过多"),
    (r"is nested too deeply to read", "文件结构嵌套过深，无法读取"),
    (r"could not be read \(.*\)", "读取时意外出错"),
    (r"has a paragraph of (\d+) characters \(paragraph (\d+); limit (\d+)\)",
     "第 {2} 段有 {1} 个字符，超过 {3} 个字符的上限"),
    (r"is a directory, not a file", "这是一个文件夹，不是文件"),
    (r"does not exist.*", "文件不存在"),
    (r"cannot be (?:opened|read).*", "无法打开文件（没有读取权限或磁盘出错）"),
    (r"is not a regular file.*", "这不是普通文件"),
    (r"has more than (\d+) characters of text", "文字超过 {1} 个字符的上限"),
    # what kind of file it is
    (r"is an? (PNG|JPEG|GIF|TIFF) image, not a document.*", "这是 {1} 图片，不是文档（扫描件请先做文字识别）"),
    (r"is an RTF document", "这是 RTF 格式的文档"),
    (r"is a web archive \(MHT\), not a Word document", "这是网页存档（MHT），不是 Word 文档"),
    (r"is a Word XML \(2003 / flat OPC\) document", "这是 Word XML（2003 或平面 OPC）格式的文档"),
    (r"is a flat OpenDocument XML file \(\.fodt\); save it as \.odt",
     "这是平面 OpenDocument XML 文件（.fodt），请另存为 .odt"),
    (r"is an HTML page, not a Word document", "这是网页（HTML），不是 Word 文档"),
    (r"is an OpenDocument spreadsheet.*", "这是 OpenDocument 电子表格（.ods），不是文字文档"),
    (r"is an OpenDocument presentation.*", "这是 OpenDocument 演示文稿（.odp），不是文字文档"),
    (r"is an OpenDocument drawing.*", "这是 OpenDocument 绘图（.odg），不是文字文档"),
    (r"is an OpenDocument master document.*", "这是 OpenDocument 主控文档（.odm），不是文字文档"),
    (r"is an OpenDocument file of type.*", "这是其他类型的 OpenDocument 文件，不是文字文档"),
    (r"is a password-protected \(encrypted\) Office document", "Office 文档设有密码（已加密）"),
    (r"is a WPS Writer document \(\.wps\)", "这是 WPS 文字文档（.wps）"),
    (r"is a Word 97-2003 document \(\.doc\)", "这是 Word 97-2003 格式的文档（.doc）"),
    (r"is an Excel 97-2003 workbook", "这是 Excel 97-2003 工作簿，不是 Word 文档"),
    (r"is a PowerPoint 97-2003 presentation", "这是 PowerPoint 97-2003 演示文稿，不是 Word 文档"),
    (r"is a damaged OLE2 compound file", "这是已损坏的 Office 97-2003 格式文件"),
    (r"is an OLE2 compound file that is not a Word document", "这是 Office 97-2003 格式的其他文件，不是 Word 文档"),
    (r"is an Excel workbook, not a Word document", "这是 Excel 工作簿，不是 Word 文档"),
    (r"is a PowerPoint presentation, not a Word document", "这是 PowerPoint 演示文稿，不是 Word 文档"),
    (r"is an OFD document; export it as PDF or \.docx", "这是 OFD 版式文件，请导出为 PDF 或 .docx"),
    (r"is a binary file, not text or a known document format", "这是二进制文件，不是文本，也不是可识别的文档格式"),
    # Word and OpenDocument
    (r"has a document without a body.*", "Word 文档缺少正文"),
    (r"has no text \(only images or empty paragraphs\?\)", "文件中没有文字（只有图片或空段落？）"),
    (r"is an OpenDocument package without content\.xml", "OpenDocument 文件缺少正文（content.xml）"),
    (r"has no OpenDocument body in content\.xml", "OpenDocument 文件缺少正文"),
    (r"holds an OpenDocument .*, not text", "这是 OpenDocument 表格、演示文稿等文件，不是文字文档"),
    (r"is a password-protected \(encrypted\) OpenDocument file", "OpenDocument 文件设有密码（已加密）"),
    # PDF
    (r"is a PDF without pages", "PDF 文件没有页面"),
    (r"has (\d+) pages \(limit (\d+)\)", "PDF 有 {1} 页，超过 {2} 页的上限"),
    (r"has no text layer on any of its (\d+) page\(s\)", "PDF 的 {1} 页都没有文字层（可能是扫描件）"),
    (r"is a PDF, but PDF support .*", "这是 PDF 文件，但本服务未安装 PDF 支持"),
    (r"is a password-protected PDF", "PDF 文件设有密码"),
    (r"is an encrypted PDF that needs AES support.*", "PDF 文件经 AES 加密，本服务缺少解密支持"),
    (r"needs too much memory to open as a PDF", "打开此 PDF 所需内存过多"),
    (r"is not a readable PDF.*", "PDF 文件无法读取（可能已损坏）"),
    (r"took over (\S+) s to extract \(page (\d+)\)", "提取第 {2} 页的文字用时超过 {1} 秒"),
    (r"needs too much memory to extract page (\d+)", "提取第 {1} 页的文字所需内存过多"),
    (r"has a damaged page (\d+).*", "第 {1} 页已损坏"),
    # text
    (r"is UTF-32 text", "这是 UTF-32 编码的文本"),
    (r"is UTF-8 text with (\d+) invalid byte sequence\(s\).*", "UTF-8 文本中有 {1} 处无效字节（文件可能已损坏）"),
    (r"is text in an unknown encoding.*", "文本编码无法识别（不是 UTF-8、UTF-16 或 GB18030）"),
    (r"starts like (\S+) text but is not valid .*", "看似 {1} 编码的文本，但编码无效"),
    (r"looks like UTF-16 text without a byte-order mark", "像是没有字节顺序标记（BOM）的 UTF-16 文本"),
    # zip packages (.docx, .odt) and their XML
    (r"is not a complete zip archive.*", "不是完整的 zip 压缩包（文件被截断或已损坏）"),
    (r"is not a readable zip archive.*", "不是可读取的 zip 压缩包"),
    (r"has a zip directory larger than the file.*", "压缩包的目录比文件本身还大（文件被截断？）"),
    (r"(?:declares|has) (\d+) zip entries \(limit (\d+)\)", "压缩包有 {1} 个条目，超过 {2} 个的上限"),
    (r"expands to (\d+) bytes in total \(limit (\d+)\)", "解压后共 {1} 字节，超过 {2} 字节的上限"),
    (r"expands past the limit of (\d+) bytes while reading " + _Q, "读取 {2} 时解压超过 {1} 字节的上限"),
    (r"holds the part " + _Q + r" more than once", "部件 {1} 出现了不止一次"),
    (r"has a password-protected zip entry " + _Q, "压缩包条目 {1} 设有密码"),
    (r"uses an unusual compression method for " + _Q, "条目 {1} 使用了不常见的压缩方式"),
    (r"has a zip entry " + _Q + r" that expands to (\d+) bytes \(limit (\d+)\)",
     "压缩包条目 {1} 解压后有 {2} 字节，超过 {3} 字节的上限"),
    (r"has a zip entry " + _Q + r" compressed (\d+):1 \(limit (\S+):1\)",
     "压缩包条目 {1} 的压缩比为 {2}:1，超过 {3}:1 的上限"),
    (r"has a zip entry " + _Q + r" with an implausible compression ratio", "压缩包条目 {1} 的压缩比异常"),
    (r"has a zip entry " + _Q + r" of (\d+) bytes that declares (\d+)",
     "压缩包条目 {1} 实有 {2} 字节，与声明的 {3} 字节不符"),
    (r"has a zip entry " + _Q + r" that expands past (\d+) bytes although it declares (\d+)",
     "压缩包条目 {1} 声明 {3} 字节，解压后却超过 {2} 字节"),
    (r"has a damaged zip entry " + _Q + r" \(.*\)", "压缩包条目 {1} 已损坏"),
    (r"has (?:malformed|unreadable) XML in (\S+).*", "{1} 中的 XML 格式有误"),
    (r"has XML beyond the safe parser's limits in (\S+).*", "{1} 中的 XML 超出安全解析的限度"),
    (r"declares a DOCTYPE in an XML part(?: \((.+)\))?", "XML 部件声明了 DOCTYPE"),
    (r"has an XML prolog too long to inspect.*", "XML 开头部分过长，无法检查（可能隐藏了 DOCTYPE）"),
    (r"is encoded in UTF-32, which OOXML does not allow.*", "XML 使用了 UTF-32 编码，Word 文档不允许"),
    (r"has no XML root element.*", "XML 缺少根元素"),
    (r"declares the unexpected XML encoding .*", "XML 声明了意外的编码"),
    (r"has text before its XML root element.*", "XML 根元素之前有多余的文字"),
    (r"has an unterminated XML prolog.*", "XML 开头部分不完整"),
    # checking (the pool of checking processes)
    (r"the checking process stopped unexpectedly", "检查进程意外退出"),
    (r"no result after (\S+) s", "超过 {1} 秒仍未得到结果"),
    (r"more than (\d+) MB needed", "所需内存超过 {1} MB"),
    (r"too much memory needed", "所需内存过多"),
    (r"the service stopped", "服务已停止"),
    (r"lost the process.*", "检查进程丢失"),
))


def detail_zh(detail: str) -> str | None:
    """The Chinese of an error message's detail (see DETAILS_ZH); None when it has none."""
    if re.search(r"[\u4e00-\u9fff]", detail) and not re.search(r"[A-Za-z]{4,}", detail):
        return detail  # already Chinese (e.g. the checker's unknown-party message)
    for pattern, zh in DETAILS_ZH:
        found = pattern.fullmatch(detail.strip())
        if found:
            return zh.format(None, *found.groups(default=""))
    wrapped = re.fullmatch(r"(.+) \(([^()]+)\)", detail.strip(), re.S)  # "<detail> (<part>)": where it was found
    if wrapped:
        inner = detail_zh(wrapped.group(1))
        return f"{inner}（{wrapped.group(2)}）" if inner else None
    return None


_SAID_BY_ADVICE = {"legacy-doc", "wps"}  # the advice already says what the file is


def message_zh(code: str, message: str, display_name: str | None = None) -> str:
    """An error report's message for a Chinese reader: the file, what is wrong, what to do; no English.

    ``message`` is as the command line shows it (``<file>: <detail> — <advice>``, see ReadError);
    ``display_name`` names the file (default: as the message does).
    """
    advice_en = ERROR_ADVICE.get(code, "")
    detail = message.removesuffix(f" — {advice_en}") if advice_en else message
    name = display_name
    if name is not None and detail.startswith(f"{name}: "):
        detail = detail[len(name) + 2:]
    elif name is None and ": " in detail:
        name, detail = detail.split(": ", 1)
    zh = None if code in _SAID_BY_ADVICE else detail_zh(detail)
    advice = ERROR_ADVICE_ZH.get(code, "无法检查此文件")
    parts = [f"{name}：" if name else "", f"{zh}。" if zh and zh not in advice else "", advice]
    return "".join(parts)


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

    @property
    def message_zh(self) -> str:
        """The message in Chinese, for the review service (see message_zh)."""
        return message_zh(self.code, self.message, self.display_name)
