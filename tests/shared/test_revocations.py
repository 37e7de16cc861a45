"""A service's revocation list: what it refuses, and how the feed keeps it across outages."""

from __future__ import annotations

import asyncio
import logging

import httpx
import pytest

from shared.context import Principal
from shared.peers import PeerClient
from shared.problems import ProblemError
from shared.revocations import RevocationFeed, RevocationList
from tests.support.tokens import StaticToken, make_token, verifier


def _principal(sub: str = "u1", *, jti: str = "t1", sid: str = "s1", epoch: int = 0) -> Principal:
    return Principal(sub=sub, roles=frozenset(), token_id=jti, session_id=sid, epoch=epoch)


def test_a_listed_token_or_sign_in_or_an_older_epoch_is_revoked() -> None:
    revocations = RevocationList()
    revocations.replace({"token_ids": ["t9", "s9"], "user_epochs": {"u2": 3}}, '"a"')
    assert not revocations.is_revoked(_principal())
    assert revocations.is_revoked(_principal(jti="t9"))
    assert revocations.is_revoked(_principal(sid="s9"))
    assert revocations.is_revoked(_principal("u2", epoch=2))
    assert not revocations.is_revoked(_principal("u2", epoch=3))


def test_the_verifier_refuses_a_revoked_token_even_from_its_cache() -> None:
    checker = verifier()
    checker.revocations = RevocationList()
    token = make_token("auditor", sub="u1")
    principal = asyncio.run(checker.verify(token))  # now cached
    checker.revocations.replace({"token_ids": [], "user_epochs": {"u1": principal.epoch + 1}}, None)
    with pytest.raises(ProblemError) as refused:
        asyncio.run(checker.verify(token))
    assert refused.value.status == 401 and refused.value.detail == "token has been revoked"


def test_the_feed_polls_with_its_etag_and_keeps_the_last_list_through_an_outage(
    caplog: pytest.LogCaptureFixture,
) -> None:
    answers: list[httpx.Response | Exception] = [
        httpx.Response(200, json={"token_ids": ["t1"], "user_epochs": {}}, headers={"ETag": '"1"'}),
        httpx.Response(304, headers={"ETag": '"1"'}),
        httpx.ConnectError("down"),
        httpx.ConnectError("still down"),
        httpx.Response(200, json={"token_ids": [], "user_epochs": {}}, headers={"ETag": '"2"'}),
    ]
    seen: list[str | None] = []

    def gateway(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers.get("if-none-match"))
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    async def run() -> list[bool]:
        async with httpx.AsyncClient(transport=httpx.MockTransport(gateway)) as http:
            peer = PeerClient("gateway", "http://gateway", http, StaticToken("service"), retries=0)
            feed = RevocationFeed(peer, RevocationList(), poll_seconds=0)
            results = []
            for _ in range(4):
                results.append(await feed.poll_once())
                if len(results) < 4:
                    assert feed.revocations.is_revoked(_principal())  # kept through the outage
            results.append(await feed.poll_once())
            assert not feed.revocations.is_revoked(_principal())
            return results

    with caplog.at_level(logging.WARNING, logger="shared.revocations"):
        assert asyncio.run(run()) == [True, True, False, False, True]
    assert seen == [None, '"1"', '"1"', '"1"', '"1"']
    assert len([r for r in caplog.records if r.levelno == logging.WARNING]) == 1
