"""Query strings hold only what the operation declares, each single value once.

FastAPI ignores a query parameter it does not know and keeps the last of a repeated one, so a
client that writes ``?unit=…`` for ``?unit_id=…`` silently gets the whole list, and
``?status=a&status=b`` silently means ``b``. Every suite route refuses both with
``422 UNKNOWN_QUERY_PARAMETER`` / ``REPEATED_QUERY_PARAMETER``, naming the parameter.
A parameter declared as a list may repeat.
"""

from __future__ import annotations

from urllib.parse import parse_qsl

from fastapi._compat import ModelField, field_annotation_is_sequence
from fastapi.dependencies.models import Dependant

from shared.problems import ProblemError


class QueryRule:
    """The query parameters of one operation: which exist, and which may repeat."""

    __slots__ = ("known", "repeatable")

    def __init__(self, dependant: Dependant) -> None:
        fields = _query_fields(dependant)
        self.known = frozenset(f.alias for f in fields)
        self.repeatable = frozenset(
            f.alias for f in fields if field_annotation_is_sequence(f.field_info.annotation)
        )

    def check(self, query_string: bytes) -> None:
        """422 for a parameter the operation does not declare, or a single one repeated."""
        if not query_string:
            return
        seen: set[str] = set()
        for name, _ in parse_qsl(query_string.decode("latin-1"), keep_blank_values=True):
            if name not in self.known:
                raise ProblemError(
                    422,
                    "UNKNOWN_QUERY_PARAMETER",
                    f"query parameter {name!r} is not one of this operation's: "
                    + (", ".join(sorted(self.known)) or "none"),
                )
            if name in seen and name not in self.repeatable:
                raise ProblemError(
                    422, "REPEATED_QUERY_PARAMETER", f"query parameter {name!r} is given twice"
                )
            seen.add(name)


def _query_fields(dependant: Dependant) -> list[ModelField]:
    found = list(dependant.query_params)
    for sub in dependant.dependencies:
        found += _query_fields(sub)
    return found
