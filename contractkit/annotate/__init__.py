"""Annotated copies of checked contracts (``--annotate``).

    from contractkit.annotate import annotate_docx
    summary = annotate_docx(Path("合同.docx"), report, Path("合同.annotated.docx"))

The copy carries a Word comment on each passage the checker quoted for a
problem (partial or contrary findings) and, for each missing item, the
suggested clause inserted as a tracked change (``w:ins``) that the reviewer
accepts or rejects in Word, with a comment saying why it was added. The
original file is never written.
"""

from contractkit.annotate.annotator import AnnotationSummary, Unanchored, annotate_docx

__all__ = ["AnnotationSummary", "Unanchored", "annotate_docx"]
