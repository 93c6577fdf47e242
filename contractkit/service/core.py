"""What every part of the web layer shares: the services built at start-up, and the error a request
is refused with. Routes reach the services through ``dependencies.services``; ``app`` builds them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from contractkit.api import Standard, default_standard

from .settings import ServiceSettings

if TYPE_CHECKING:
    from contractkit.api import RequestError

    from .history import History
    from .organisation import OrganisationSettings
    from .playbooks import PlaybookLibrary
    from .reviews import ReviewService
    from .security import Access


@dataclass
class Services:
    """What the routes use, built once at start-up."""

    settings: ServiceSettings
    history: History
    reviews: ReviewService
    access: Access
    database: str  # dialect name, for /api/health
    organisation: OrganisationSettings  # the team's 组织设置
    standard: Standard = field(default_factory=default_standard)  # what the service checks and generates
    playbooks: PlaybookLibrary | None = None  # the folder's valid playbooks (serve --playbooks-dir)


class ServiceError(Exception):
    """A request the service refuses, with a stable code and a message for the user (in Chinese);
    ``errors`` are the library's request errors (``code``, ``field``, ``message``), one per problem."""

    def __init__(self, status: int, code: str, message: str, errors: Iterable[dict[str, str]] = ()):
        self.status, self.code, self.message, self.errors = status, code, message, list(errors)
        super().__init__(message)

    @classmethod
    def invalid(cls, problems: Iterable[RequestError], code: str = "invalid-request",
                names: Mapping[str, str] | None = None) -> ServiceError:
        """422 for the problems contractkit.requests found, in Chinese; ``names`` renames a request field
        to the endpoint's own (``organisation.role`` → ``as_role``)."""
        names = names or {}
        errors = [{**problem.as_dict("zh"), "field": names.get(problem.field, problem.field)} for problem in problems]
        return cls(422, code, "；".join(f"{e['field']}: {e['message']}" for e in errors), errors)

    @property
    def fields(self) -> dict[str, str]:
        """A message per field, for showing next to it in a form."""
        found: dict[str, list[str]] = {}
        for error in self.errors:
            found.setdefault(error["field"], []).append(error["message"])
        return {name: "；".join(messages) for name, messages in found.items()}
