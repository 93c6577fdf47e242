"""Which clause a block belongs to: the clause label in force.

A block whose text starts with a clause label sets the label for itself and
the blocks after it, until the next label:

* ``第十二条`` / ``第12条`` (article), ``第三章`` (chapter), ``第二节`` (section);
* an Arabic outline number at the start: ``12.``, ``12.3``, ``12.3.1``.

One refinement: inside a ``第X条`` article, a line starting ``1.`` / ``2.`` is
an item of that article (Chinese contracts number sub-items that way), so it
does not replace the article's label. Documents numbered ``1.`` / ``1.1`` /
``1.1.1`` throughout get those numbers as labels.
"""

from __future__ import annotations

import re

_NUMERAL = "0-9０-９零〇一二三四五六七八九十百千两壹贰叁肆伍陆柒捌玖拾佰仟"
_ARTICLE = re.compile(rf"[\s\u3000]*(第[\s\u3000]*[{_NUMERAL}]{{1,8}}[\s\u3000]*([条條章节節]))")
# 12. / 12.3 / 12.3.1 — a dotted number, or a bare number followed by a dot; not
# followed by a digit or by a unit that shows it is a quantity (12.5万元, 1.5倍).
_DOTTED = re.compile(
    r"[\s\u3000]*(\d{1,3}(?:\.\d{1,3}){1,3}|\d{1,3}(?=\.))\.?"
    r"(?=[\s\u3000]|[^\W\d_])(?![万亿元千百%％个倍年月日天时分秒米])"
)
_SPACE = re.compile(r"[\s\u3000]+")


def clause_label(text: str) -> tuple[str, str] | None:
    """``(label, kind)`` if ``text`` starts with a clause label; kind is 条/章/节 or '.'."""
    # Both labels start, after white space, with 第 or a digit (``[\s\u3000]`` is ``str.isspace``,
    # ``\d`` is ``str.isdecimal``): most paragraphs are settled by their first character.
    head = text.lstrip()
    if not head or (head[0] != "第" and not head[0].isdecimal()):
        return None
    m = _ARTICLE.match(text)
    if m:
        return _SPACE.sub("", m.group(1)), {"條": "条", "節": "节"}.get(m.group(2), m.group(2))
    m = _DOTTED.match(text)
    if m:
        return m.group(1), "."
    return None


class ClauseTracker:
    """Feed block texts in document order; get the label in force for each."""

    def __init__(self) -> None:
        self.label: str | None = None
        self._kind: str | None = None

    def update(self, text: str) -> str | None:
        found = clause_label(text)
        if found:
            label, kind = found
            is_item = kind == "." and "." not in label and self._kind == "条"
            if not is_item:
                self.label, self._kind = label, kind
        return self.label
