"""The suite's router: FastAPI's, with answers serialised once, where the handler ran.

FastAPI answers a handler's return value by validating it against the response model and then
serialising it; for a ``def`` handler the validation runs in a second trip to the thread pool.
The suite's handlers return the response model itself (typed, checked by mypy), so validating it
again proves nothing. A ``Router`` route serialises such a value to JSON bytes inside the
handler's own call (the same thread hop for a ``def`` handler, none for an ``async`` one) and
answers it as a ready ``Response``, which FastAPI sends as it is.

Anything else a handler returns (a table row to convert, a ``Response`` of its own) takes
FastAPI's usual path, unchanged. So does every route where a direct answer could differ from
FastAPI's: one with a ``Response`` parameter somewhere in its dependencies (its headers would be
lost), a custom response class, or any ``response_model_*`` option.

A ``Router`` route also refuses query parameters it does not declare, and a single one given
twice (``shared.query``), before anything else runs.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Response
from fastapi.datastructures import DefaultPlaceholder
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from pydantic import BaseModel
from starlette.types import Receive, Scope, Send

from shared.db import commit_request
from shared.query import QueryRule

_JSON = "application/json"


class _Answer:
    """What a route's direct answer needs: the model class it may take, and its status."""

    __slots__ = ("item", "model", "origin", "status_code")

    def __init__(self) -> None:
        self.model: type[BaseModel] | None = None
        self.origin: type[BaseModel] | None = None  # Page, for Page[StaffPublic]
        self.item: type[BaseModel] | None = None  # StaffPublic, for Page[StaffPublic]
        self.status_code = 200

    def learn(self, model: type[BaseModel], status_code: int | None) -> None:
        self.model = model
        self.status_code = status_code or 200
        generic = model.__pydantic_generic_metadata__
        args = generic.get("args") or ()
        if generic.get("origin") is not None and len(args) == 1 and "items" in model.model_fields:
            item = args[0]
            if isinstance(item, type) and issubclass(item, BaseModel):
                self.origin, self.item = generic["origin"], item

    def takes(self, value: Any) -> bool:
        """The value is exactly what the model declares (a page: exactly its item class)."""
        kind = type(value)
        if kind is self.model:
            return True
        return kind is self.origin and all(type(i) is self.item for i in value.items)

    def render(self, value: BaseModel) -> Response:
        assert self.model is not None
        body = self.model.__pydantic_serializer__.to_json(value, by_alias=True)
        return Response(body, status_code=self.status_code, media_type=_JSON)


def _answering(endpoint: Callable[..., Any], answer: _Answer) -> Callable[..., Any]:
    """``endpoint`` answering its response model directly (same kind: async stays async)."""
    if inspect.iscoroutinefunction(endpoint):

        @functools.wraps(endpoint)
        async def answer_async(*args: Any, **kwargs: Any) -> Any:
            value = await endpoint(*args, **kwargs)
            return answer.render(value) if answer.takes(value) else value

        return answer_async

    @functools.wraps(endpoint)
    def answer_sync(*args: Any, **kwargs: Any) -> Any:
        value = endpoint(*args, **kwargs)
        commit_request()  # in this thread, before its locks can wait for another (shared.db)
        return answer.render(value) if answer.takes(value) else value

    return answer_sync


def _uses_response_parameter(dependant: Dependant) -> bool:
    return dependant.response_param_name is not None or any(
        _uses_response_parameter(sub) for sub in dependant.dependencies
    )


def _plain_options(route: APIRoute) -> bool:
    return (
        isinstance(route.response_class, DefaultPlaceholder)
        and route.response_model_include is None
        and route.response_model_exclude is None
        and route.response_model_by_alias
        and not route.response_model_exclude_unset
        and not route.response_model_exclude_defaults
        and not route.response_model_exclude_none
    )


class AnsweringRoute(APIRoute):
    """An ``APIRoute`` whose handler answers its response model directly (module docstring)."""

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        answer = _Answer()
        is_generator = inspect.isgeneratorfunction(endpoint) or inspect.isasyncgenfunction(endpoint)
        wrapped = endpoint if is_generator else _answering(endpoint, answer)
        super().__init__(path, wrapped, **kwargs)
        self.query_rule = QueryRule(self.dependant)
        model = self.response_model
        if (
            is_generator
            or not (isinstance(model, type) and issubclass(model, BaseModel))
            or not _plain_options(self)
            or _uses_response_parameter(self.dependant)
        ):
            return
        answer.learn(model, self.status_code)

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        self.query_rule.check(scope.get("query_string", b""))
        await super().handle(scope, receive, send)


class Router(APIRouter):
    """``APIRouter`` whose routes are ``AnsweringRoute``s: every module's router is one."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("route_class", AnsweringRoute)
        super().__init__(**kwargs)


def operation_ids(service: str) -> Callable[[APIRoute], str]:
    """Stable, readable OpenAPI operation ids: ``<service>.<domain>.<handler>``
    (``finance.payments.approve_payment``), the domain being the route's first tag (spaces as
    ``_``), else its module's package. Generated clients name their methods by them."""

    def operation_id(route: APIRoute) -> str:
        if route.tags:
            domain = str(route.tags[0])
        else:
            parts = route.endpoint.__module__.split(".")
            domain = parts[-2] if parts[-1].endswith("routes") and len(parts) > 1 else parts[-1]
        return f"{service}.{domain.replace(' ', '_')}.{route.name}"

    return operation_id


def duplicate_operation_ids(routes: list[Any]) -> list[str]:
    """Operation ids two operations share (an app must have none)."""
    seen: dict[str, int] = {}
    for route in routes:
        if isinstance(route, APIRoute) and route.include_in_schema:
            seen[route.unique_id] = seen.get(route.unique_id, 0) + 1
    return sorted(name for name, count in seen.items() if count > 1)
