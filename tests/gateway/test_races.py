"""What concurrent callers cannot do: out-guess the lockout, or slip a refresh-token reuse past."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import httpx

from tests.gateway.conftest import PASSWORD, GatewayAppFactory
from tests.support.servers import serve_in_thread


def test_concurrent_guesses_are_limited_like_sequential_ones(
    make_gateway_app: GatewayAppFactory,
) -> None:
    app = make_gateway_app(login_failures_per_account=3, login_attempts_per_address=100)
    guess = {"grant_type": "password", "username": "alice", "password": "guess"}
    with serve_in_thread(app) as url, httpx.Client(base_url=url, timeout=30) as http:
        with ThreadPoolExecutor(12) as pool:
            codes = list(
                pool.map(lambda _: http.post("/auth/token", data=guess).status_code, range(12))
            )
        right = http.post("/auth/token", data={**guess, "password": PASSWORD})
    assert codes.count(400) == 3
    assert codes.count(429) == 9
    assert right.status_code == 429


def test_racing_refreshes_with_one_token_revoke_the_sign_in(
    make_gateway_app: GatewayAppFactory,
) -> None:
    app = make_gateway_app()
    with serve_in_thread(app) as url, httpx.Client(base_url=url, timeout=30) as http:
        tokens = http.post(
            "/auth/token",
            data={"grant_type": "password", "username": "alice", "password": PASSWORD},
        ).json()
        refresh = {"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]}
        with ThreadPoolExecutor(6) as pool:
            answers = list(pool.map(lambda _: http.post("/auth/token", data=refresh), range(6)))
        winners = [a.json() for a in answers if a.status_code == 200]
        assert len(winners) <= 1
        assert all(a.status_code in (200, 400) for a in answers)
        for winner in winners:  # whoever won holds a revoked sign-in
            again = {"grant_type": "refresh_token", "refresh_token": winner["refresh_token"]}
            assert http.post("/auth/token", data=again).status_code == 400
            me = http.get("/auth/me", headers={"Authorization": f"Bearer {winner['access_token']}"})
            assert me.status_code == 401
