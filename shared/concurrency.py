"""Optimistic concurrency: a ``version`` column, ``ETag`` on reads, ``If-Match`` on writes."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import Depends, Header

from shared.problems import ProblemError

# what ``parse_if_match`` takes: ``*`` or one of our ETags (weak or strong), nothing else;
# whitespace around a header's value is not part of it (RFC 9110 §5.5)
IF_MATCH = re.compile(r'\*|(W/)?"[0-9]{1,18}"')


def etag(version: int) -> str:
    return f'"{version}"'


def parse_if_match(header: str | None) -> int | None:
    """The version an ``If-Match`` header expects (None when absent or ``*``)."""
    if header is None:
        return None
    value = header.strip()
    if not IF_MATCH.fullmatch(value):
        raise ProblemError(
            400, "BAD_IF_MATCH", 'If-Match must be an ETag this API returned, like "3"'
        )
    return None if value == "*" else int(value.removeprefix("W/").strip('"'))


def check_version(resource: str, current: int, expected: int | None) -> None:
    """412 when the caller's ``If-Match`` names an older version than the stored one."""
    if expected is not None and expected != current:
        raise ProblemError(
            412,
            "STALE_VERSION",
            f"{resource} was changed (now version {current}, If-Match had {expected}); "
            "reload it and retry",
        )


async def expected_version(
    if_match: Annotated[
        str | None,
        Header(max_length=100, json_schema_extra={"pattern": f"^({IF_MATCH.pattern})$"}),
    ] = None,
) -> int | None:
    """Dependency: the version the caller's ``If-Match`` names (None without one)."""
    return parse_if_match(if_match)


ExpectedVersion = Annotated[int | None, Depends(expected_version)]
