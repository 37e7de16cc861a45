"""What every service's OpenAPI says beyond what FastAPI writes: the bearer scheme, and the
problems each operation can answer.

Every error the suite answers is an RFC 9457 problem under ``application/problem+json``
(``shared.problems``). FastAPI's document declared only 200 and a 422 under
``application/json``; this completes each operation once, here, never per route:

- ``401`` and ``403`` for every role-checked operation (all but health's);
- ``404`` where the path names something, ``422`` where the request has parameters or a body;
- ``409`` for writes (a state or a key that forbids them), ``412`` where ``If-Match`` is taken;
- ``503`` for all (the database or a peer unreachable);
- ``default``: any other problem (``413`` too large, ``429`` too many, ``500``).

An optional query or header parameter is absent or a value, never ``null`` (a query string has
no null), so its schema loses FastAPI's ``anyOf [..., {type: null}]``.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from shared.auth import BEARER_SCHEME, BEARER_SECURITY_SCHEME
from shared.problems import PROBLEM_MEDIA_TYPE, TITLES

PROBLEM = "Problem"
PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "title": PROBLEM,
    "description": "An RFC 9457 problem: what went wrong, with a stable code.",
    "required": ["type", "title", "status", "detail", "code", "request_id"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "code": {"type": "string", "pattern": "^[A-Z][A-Z0-9_]*$"},
        "request_id": {"type": "string"},
        "errors": {"type": "array", "items": {"type": "object"}},
    },
    "additionalProperties": True,
}
_WRITES = {"post", "put", "patch", "delete"}
_METHODS = _WRITES | {"get", "head", "options"}


def _problem(description: str) -> dict[str, Any]:
    schema = {"$ref": f"#/components/schemas/{PROBLEM}"}
    return {"description": description, "content": {PROBLEM_MEDIA_TYPE: {"schema": schema}}}


def problem_statuses(path: str, method: str, operation: dict[str, Any]) -> list[int]:
    """The problem statuses an operation can answer (module docstring)."""
    parameters = operation.get("parameters", [])
    statuses = [503]
    if operation.get("security"):
        statuses += [401, 403]
    if "{" in path:
        statuses.append(404)
    if parameters or "requestBody" in operation:
        statuses.append(422)
    if method in _WRITES:
        statuses.append(409)
    if any(p.get("in") == "header" and p.get("name", "").lower() == "if-match" for p in parameters):
        statuses.append(412)
    return sorted(statuses)


def _without_null(parameter: dict[str, Any]) -> None:
    schema = parameter.get("schema", {})
    options = schema.get("anyOf")
    if parameter.get("required") or not options:
        return
    kept = [option for option in options if option.get("type") != "null"]
    if len(kept) < len(options):
        del schema["anyOf"]
        schema.update(kept[0] if len(kept) == 1 else {"anyOf": kept})
        if schema.get("default", 0) is None:
            del schema["default"]


def complete(document: dict[str, Any]) -> dict[str, Any]:
    """``document`` with the bearer scheme and every operation's problems declared."""
    components = document.setdefault("components", {})
    components.setdefault("securitySchemes", {})[BEARER_SCHEME] = BEARER_SECURITY_SCHEME
    schemas = components.setdefault("schemas", {})
    schemas[PROBLEM] = PROBLEM_SCHEMA
    for path, item in document.get("paths", {}).items():
        for method, operation in item.items():
            if method not in _METHODS:
                continue
            for parameter in operation.get("parameters", []):
                _without_null(parameter)
            responses = operation.setdefault("responses", {})
            for status in problem_statuses(path, method, operation):
                responses[str(status)] = _problem(TITLES.get(status, "Error"))
            responses["default"] = _problem("Any other problem (413, 429, 500 …)")
    for unused in ("HTTPValidationError", "ValidationError"):
        schemas.pop(unused, None)
    return document


def install(app: FastAPI) -> None:
    """Complete ``app``'s OpenAPI document when it is first built."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = complete(build())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
