"""contractkit: write and check the security-responsibility clauses of
cloud-service contracts under T/CCIA 004-2024.

Importing this package is cheap: pydantic, spaCy, jieba and python-docx load
only when a function that needs them runs.
"""

__version__ = "0.1.0"

__all__ = ["__version__", "check", "generate", "render_document"]


def __getattr__(name: str):
    # The public functions live in contractkit.api; import it on first use only.
    if name in ("check", "generate", "render_document"):
        from contractkit import api

        return getattr(api, name)
    raise AttributeError(f"module 'contractkit' has no attribute {name!r}")
