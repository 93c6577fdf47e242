"""Helpers shared by the checker tests."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from contractkit.reading.model import Location, SourceDocument, TextBlock


def source_from_text(text: str, name: str = "contract.txt") -> SourceDocument:
    """A SourceDocument with one block per non-empty line, as the text reader makes."""
    blocks = []
    for number, line in enumerate(line for line in text.splitlines() if line.strip()):
        blocks.append(TextBlock(line.strip(), Location("paragraph", number, line=number)))
    return SourceDocument(Path(name), "txt", tuple(blocks))


@cache
def checker(roles: tuple[tuple[str, tuple[str, ...]], ...] = (), options: frozenset = frozenset()):
    """One Checker per settings, shared across tests (the NLP pipeline loads once)."""
    from contractkit.checking.checker import Checker, CheckSettings

    return Checker(CheckSettings(roles=dict(roles), options=options), engine=_engine())


@cache
def _engine():
    from contractkit.checking.understanding.nlp import make_engine

    return make_engine()


def finding_of(requirement: str, text: str, roles: dict, options=()):
    """The finding on one requirement of a text checked with these roles (label -> role ids)."""
    key = tuple(sorted((label, tuple(r)) for label, r in roles.items()))
    report = checker(key, frozenset(options)).check_document(source_from_text(text))
    return next(f for f in report.findings if f.requirement == requirement)
