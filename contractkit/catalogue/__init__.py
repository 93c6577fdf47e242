"""The requirement catalogue: T/CCIA 004-2024 as validated data."""

from contractkit.catalogue.loader import (
    CatalogueError,
    default_catalogue,
    load_catalogue,
    load_concepts,
)
from contractkit.catalogue.model import (
    Article,
    Catalogue,
    Condition,
    Detection,
    Pair,
    Requirement,
    Role,
    Strength,
    UnknownName,
)

__all__ = [
    "Article",
    "Catalogue",
    "CatalogueError",
    "Condition",
    "Detection",
    "Pair",
    "Requirement",
    "Role",
    "Strength",
    "UnknownName",
    "default_catalogue",
    "load_catalogue",
    "load_concepts",
]
