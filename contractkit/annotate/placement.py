"""Where a missing requirement's suggested clause goes: next to the closest related clause.

"Related" means a requirement of the same article of the agreement in the
catalogue (安全责任与实施工作划分, 数据安全与退出 …) that the contract does
address, i.e. whose finding quotes evidence; the closest is the nearest in
catalogue order. The suggestion goes after the last paragraph that finding
quotes. A missing finding that quotes a near miss of its own (the same clause
for another party) goes after that clause. Without either, it goes to a
supplement at the end of the document.
"""

from __future__ import annotations

from contractkit.results.model import Evidence, Finding


def catalogue_or_none():
    try:
        from contractkit.catalogue import default_catalogue

        return default_catalogue()
    except Exception:  # a broken catalogue must not stop annotation: suggestions go to the end
        return None


def related_evidence(finding: Finding, findings: tuple[Finding, ...], catalogue) -> Evidence | None:
    if finding.evidence:
        return max(finding.evidence, key=lambda e: e.location.paragraph)
    if catalogue is None:
        return None
    order = {req.id: i for i, req in enumerate(catalogue.requirements)}
    article = {req.id: req.article for req in catalogue.requirements}
    if finding.requirement not in order:
        return None
    here = order[finding.requirement]
    candidates = [
        other for other in findings
        if other is not finding
        and other.evidence
        and article.get(other.requirement) == article[finding.requirement]
    ]
    if not candidates:
        return None
    closest = min(candidates, key=lambda f: (abs(order[f.requirement] - here), order[f.requirement]))
    return max(closest.evidence, key=lambda e: e.location.paragraph)
