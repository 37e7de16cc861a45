"""RFC 9457 problem details: one error shape, with a stable ``code``, for every service."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError, IntegrityError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException

from shared.context import current_request_id

PROBLEM_MEDIA_TYPE = "application/problem+json"
log = logging.getLogger("shared.problems")

TITLES = {
    400: "Bad request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    412: "Precondition failed",
    413: "Content too large",
    415: "Unsupported media type",
    422: "Validation failed",
    428: "Precondition required",
    429: "Too many requests",
    500: "Internal error",
    502: "Bad gateway",
    503: "Service unavailable",
    504: "Gateway timeout",
}
_CODES = {
    400: "BAD_REQUEST",
    401: "UNAUTHENTICATED",
    403: "FORBIDDEN",
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    409: "CONFLICT",
    412: "PRECONDITION_FAILED",
    413: "BODY_TOO_LARGE",
    415: "UNSUPPORTED_MEDIA_TYPE",
    422: "VALIDATION_FAILED",
    428: "PRECONDITION_REQUIRED",
    429: "RATE_LIMITED",
    500: "INTERNAL_ERROR",
    502: "BAD_GATEWAY",
    503: "UNAVAILABLE",
    504: "GATEWAY_TIMEOUT",
}


class ProblemError(Exception):
    """An error that carries its HTTP status and a stable UPPER_SNAKE code."""

    def __init__(
        self,
        status: int,
        code: str,
        detail: str,
        *,
        title: str | None = None,
        headers: dict[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.code = code
        self.detail = detail
        self.title = title or TITLES.get(status, "Error")
        self.headers = headers or {}
        self.extra = extra


class NotFound(ProblemError):
    def __init__(self, resource: str, ident: object) -> None:
        super().__init__(404, f"{resource.upper()}_NOT_FOUND", f"{resource} {ident} does not exist")


class Invalid(ProblemError):
    """422: the request is well-formed but breaks a rule (an unknown unit, a wrong year)."""

    def __init__(self, code: str, detail: str, **extra: Any) -> None:
        super().__init__(422, code, detail, **extra)


class Forbidden(ProblemError):
    """403: the caller's role or scope does not allow this (maker–checker, another unit)."""

    def __init__(self, code: str, detail: str, **extra: Any) -> None:
        super().__init__(403, code, detail, **extra)


class Conflict(ProblemError):
    """409: the resource's current state does not allow this (already approved, taken)."""

    def __init__(self, code: str, detail: str, **extra: Any) -> None:
        super().__init__(409, code, detail, **extra)


class Unavailable(ProblemError):
    def __init__(self, code: str, detail: str, retry_after: int = 5) -> None:
        super().__init__(503, code, detail, headers={"Retry-After": str(retry_after)})


def problem_body(
    status: int, code: str, detail: str, title: str | None = None, **extra: Any
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": f"https://agency-suite.example/problems/{code.lower().replace('_', '-')}",
        "title": title or TITLES.get(status, "Error"),
        "status": status,
        "detail": detail,
        "code": code,
        "request_id": current_request_id(),
    }
    body.update(extra)
    return body


def problem_response(
    status: int,
    code: str,
    detail: str,
    *,
    title: str | None = None,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    return JSONResponse(
        problem_body(status, code, detail, title, **extra),
        status_code=status,
        headers=headers,
        media_type=PROBLEM_MEDIA_TYPE,
    )


async def _on_problem(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ProblemError)
    return problem_response(
        exc.status, exc.code, exc.detail, title=exc.title, headers=exc.headers, **exc.extra
    )


async def _on_http(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    status = exc.status_code
    detail = exc.detail if isinstance(exc.detail, str) else TITLES.get(status, "Error")
    return problem_response(
        status, _CODES.get(status, "ERROR"), detail, headers=dict(exc.headers or {})
    )


async def _on_validation(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [
        {"loc": list(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type", "")}
        for e in exc.errors()
    ]
    first = errors[0] if errors else {"loc": [], "msg": "invalid input"}
    where = ".".join(str(p) for p in first["loc"])
    return problem_response(
        422,
        "VALIDATION_FAILED",
        f"{where}: {first['msg']}" if where else str(first["msg"]),
        errors=errors,
    )


async def _on_database_down(_: Request, exc: Exception) -> JSONResponse:
    log.error("database unavailable: %s", type(exc).__name__)
    return problem_response(
        503,
        "DATABASE_UNAVAILABLE",
        "The database is not reachable; try again shortly",
        headers={"Retry-After": "5"},
    )


async def _on_integrity(_: Request, exc: Exception) -> JSONResponse:
    log.warning("integrity conflict: %s", type(getattr(exc, "orig", exc)).__name__)
    return problem_response(
        409, "CONFLICT", "the change conflicts with data stored meanwhile; reload and retry"
    )


async def _on_bad_data(_: Request, exc: Exception) -> JSONResponse:
    # e.g. a NUL character PostgreSQL cannot store in text, a number out of a column's range
    log.warning("data refused by the database: %s", type(getattr(exc, "orig", exc)).__name__)
    return problem_response(422, "INVALID_DATA", "a value cannot be stored as given")


async def _on_unexpected(_: Request, exc: Exception) -> JSONResponse:
    log.exception("unhandled error", exc_info=exc)
    return problem_response(500, "INTERNAL_ERROR", "An unexpected error occurred")


def install_problem_handlers(app: FastAPI) -> None:
    """Make every error of ``app`` answer ``application/problem+json``."""
    app.add_exception_handler(ProblemError, _on_problem)
    app.add_exception_handler(StarletteHTTPException, _on_http)
    app.add_exception_handler(RequestValidationError, _on_validation)
    app.add_exception_handler(OperationalError, _on_database_down)
    app.add_exception_handler(IntegrityError, _on_integrity)
    app.add_exception_handler(DataError, _on_bad_data)
    app.add_exception_handler(Exception, _on_unexpected)
