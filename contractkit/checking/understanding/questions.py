"""Questions and answers: "问：乙方发现安全事件后要做什么？ / 答：乙方应在30分钟内报告甲方…".

Help-centre pages and FAQ-style terms put the topic in the question and the undertaking in the
answer, which often leaves the topic out (答：不需要。 / 答：乙方应在发现后30分钟内电话报告甲方).
Each sentence of an answer is read once more after its question, as a list item after its lead-in,
and quoted as it stands (its own reading is replaced).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from contractkit.checking.understanding.continuation import Continuation, read_after
from contractkit.checking.understanding.nlp import Sentence

QUESTION = re.compile(r"\s*(?:问|问题|Q)\s*\d*\s*[：:]")
ANSWER = re.compile(r"\s*(?:答|回答|A)\s*[：:]")
MAX_ANSWER = 12  # sentences: an answer rarely runs longer


def is_question(text: str) -> bool:
    """问：供方是否提供连续性数据？ asks; it undertakes nothing (like a heading, it names a topic)."""
    return QUESTION.match(text) is not None


def answers(sentences: Sequence[Sentence]) -> list[Continuation]:
    """Each sentence of an answer read after its question (``replaces``: the answer sentence's index)."""
    found: list[Continuation] = []
    for index, sentence in enumerate(sentences):
        if not is_question(sentence.text):
            continue
        answer_block = None
        for later in range(index + 1, min(len(sentences), index + 1 + MAX_ANSWER)):
            this = sentences[later]
            if is_question(this.text):
                break
            if answer_block is None:
                if not ANSWER.match(this.text):
                    if this.block != sentence.block:
                        break  # the next paragraph is no answer
                    continue  # the question's second sentence (…？请说明。)
                answer_block = this.block
            elif this.block != answer_block:
                break  # the answer is its paragraph
            read = read_after(sentence, this, prefix_modals=False)
            found.append(Continuation(read, this.text, later, passage="该问答"))
    return found
