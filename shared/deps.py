"""Typed dependencies on what an app holds for its whole life (settings, the audit log, the
outbox, a service's own clients): one place reaches into ``app.state``, and routes and
services ask for the type they need."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from fastapi import Request

T = TypeVar("T")


def from_app_state(name: str, kind: type[T]) -> Callable[[Request], Awaitable[T]]:
    """A dependency returning ``app.state.<name>``, checked to be a ``kind`` (async: it never
    costs a thread hop)."""

    async def dependency(request: Request) -> T:
        value = getattr(request.app.state, name)
        if not isinstance(value, kind):
            raise TypeError(f"app.state.{name} is {type(value).__name__}, not {kind.__name__}")
        return value

    dependency.__name__ = f"app_{name}"
    return dependency


def peer_client(name: str, kind: type[T]) -> Callable[[Request], Awaitable[Callable[[], T]]]:
    """A dependency answering a getter of the app's client of peer ``name``
    (``ServiceSpec.peer_clients``): called only when the peer is needed, it raises a 503
    ``PEER_UNAVAILABLE`` problem when no URL for the peer is configured."""
    from shared.peers import PeerUnavailable

    async def dependency(request: Request) -> Callable[[], T]:
        peers = getattr(request.app.state, "peers", {})

        def get() -> T:
            value = peers.get(name)
            if value is None:
                raise PeerUnavailable(name, "no URL is configured for it")
            if not isinstance(value, kind):
                raise TypeError(f"peer {name} is {type(value).__name__}, not {kind.__name__}")
            return value

        return get

    dependency.__name__ = f"peer_{name}"
    return dependency
