"""Checking contracts: understanding (parties, statements, terms) → rules → the checker,
run per file, in a pool of workers, over a batch; and its measurement (evaluation).

Named ``checking`` rather than ``check``: ``contractkit.check`` is the public function.
"""

# How the checker reads a sentence in context (Checker._read). Each can be left out
# (CheckSettings.without, ``contractkit evaluate --without NAME``) to measure what it changes.
CONTEXT_READERS = (
    "overrides",  # 第10.3条不适用于本协议: clauses the contract takes back are not read (understanding/overrides.py)
    "references",  # 出现上述情况时…: the situations a sentence points at (understanding/references.py)
    "sections",  # items under 乙方的权利和义务 are 乙方's (understanding/sections.py)
    "letters",  # 我司/贵司 in a 承诺函 bound into the contract: its signatory and addressee (understanding/letters.py)
    "anaphora",  # 启明与华软约定：后者应…前者: 前者/后者 as the two parties named last (understanding/anaphora.py)
    "chains",  # 甲方不得…；发现…的，应当告知乙方: a clause after ；goes on with its subject (statements.py)
    "continuations",  # 乙方应予配合 with the sentence before it (understanding/continuation.py)
    "provisos",  # …。但…，乙方可暂缓修复: a sentence opening with 但, with the one it qualifies (continuation.py)
    "lists",  # list items with their lead-in (understanding/lists.py)
    "questions",  # 问：…？ 答：…: an answer with its question (understanding/questions.py)
    "tables",  # division-of-work table rows as sentences (understanding/tables.py)
    "special_terms",  # 具体标准见专用条款 with that special clause blank: left open (understanding/special_terms.py)
)
