"""Path safety for ``/api/...``: the path the gate judges is exactly the path forwarded.

A segment that is empty, ``.`` or ``..``, or that decodes to a ``/ ? # %``, a backslash or a
control character (``%09``, ``%0A``, ``%0D`` … ``%7F``: some layers strip them, so
``/api/fin%0dance/audit`` could be judged as ``/api/finance/audit`` and forwarded as it is),
would let the policy see one path while the service (after its client or server normalises
it) sees another; such requests are refused before any policy decision.
"""

from __future__ import annotations

from urllib.parse import unquote

from shared.problems import ProblemError

_FORBIDDEN_DECODED = frozenset("/?#%\\") | frozenset(map(chr, [*range(0x20), 0x7F]))


def malformed(detail: str) -> ProblemError:
    return ProblemError(400, "MALFORMED_PATH", detail)


def checked_raw_path(raw_path: bytes) -> str:
    """The raw (still percent-encoded) path, after refusing anything ambiguous."""
    try:
        path = raw_path.decode("ascii")
    except UnicodeDecodeError as exc:
        raise malformed("the path must be ASCII (percent-encode other characters)") from exc
    if not path.startswith("/"):
        raise malformed("the path must start with /")
    for segment in path.split("/")[1:]:
        if segment in ("", ".", ".."):
            raise malformed("empty, '.' and '..' path segments are not allowed")
        decoded = unquote(segment)
        if decoded in (".", "..") or not _FORBIDDEN_DECODED.isdisjoint(decoded):
            raise malformed(f"path segment {segment!r} is ambiguous")
    return path
