"""contractkit: write and check the security-responsibility clauses of
cloud-service contracts under T/CCIA 004-2024.

Importing this package is cheap: spaCy, jieba and python-docx load only when
a function that needs them runs.
"""

__version__ = "0.1.0"

from contractkit.api import generate, render_document  # noqa: E402

__all__ = ["__version__", "generate", "render_document"]
