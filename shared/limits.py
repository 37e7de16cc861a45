"""Request body size cap: refuse a declared oversize body at once, cut off a streamed one."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared.problems import problem_response


class BodyLimitMiddleware:
    """413 for bodies over ``max_bytes``.

    A declared ``Content-Length`` is judged before the app runs. A streamed body is counted as
    it arrives; on overflow the 413 is sent at once, the app is told the client went away, and
    whatever the app answers afterwards is dropped.
    """

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope["headers"]:
            if name == b"content-length":
                if not value.isdigit():
                    await problem_response(
                        400, "BAD_CONTENT_LENGTH", "Content-Length must be a number"
                    )(scope, receive, send)
                    return
                if int(value) > self.max_bytes:
                    await self._refuse(scope, receive, send)
                    return
                break
        seen = 0
        started = refused = False

        async def limited_receive() -> Message:
            nonlocal seen, refused
            if refused:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    refused = True
                    if not started:
                        await self._refuse(scope, receive, send)
                    return {"type": "http.disconnect"}
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if refused:
                return
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        await self.app(scope, limited_receive, tracking_send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = problem_response(
            413, "BODY_TOO_LARGE", f"request body exceeds {self.max_bytes} bytes"
        )
        await response(scope, receive, send)
