"""Sign-in, token checks at the gateway, refresh rotation with reuse detection, logout."""

from __future__ import annotations

import base64
import json
import time

import jwt
import pytest
from fastapi.testclient import TestClient

from gateway.keys import SigningKey
from shared.problems import ProblemError
from tests.gateway.conftest import PASSWORD, SERVICE_SECRET, auth, login, password_status
from tests.shared.test_tokens import BAD_TOKENS
from tests.support.tokens import make_token, signing_key_for_tests

AUDIT = "/api/finance/audit"


def test_password_grant_issues_a_short_lived_rs256_token_verifiable_by_jwks(
    gateway: TestClient,
) -> None:
    tokens = login(gateway)
    assert tokens["token_type"] == "Bearer"
    assert tokens["expires_in"] == 300
    assert tokens["refresh_token"].startswith("rt_")
    header = jwt.get_unverified_header(tokens["access_token"])
    assert header["alg"] == "RS256"
    jwks = gateway.get("/.well-known/jwks.json").json()
    [jwk] = [k for k in jwks["keys"] if k["kid"] == header["kid"]]
    assert "d" not in jwk, "the private exponent is never published"
    claims = jwt.decode(
        tokens["access_token"], jwt.PyJWK(jwk).key, algorithms=["RS256"], audience="agency-suite"
    )
    assert claims["roles"] == ["finance_officer"]
    assert claims["unit_id"] == "unit-1"
    assert claims["exp"] - claims["iat"] == 300


def test_me_describes_the_caller(gateway: TestClient) -> None:
    me = gateway.get("/auth/me", headers=auth(login(gateway)["access_token"])).json()
    assert (
        me["username"] == "alice"
        and me["roles"] == ["finance_officer"]
        and me["unit_id"] == "unit-1"
    )
    assert gateway.get("/auth/me").status_code == 401


def test_wrong_password_and_unknown_user_get_the_same_answer(gateway: TestClient) -> None:
    wrong = gateway.post(
        "/auth/token", data={"grant_type": "password", "username": "alice", "password": "nope"}
    )
    unknown = gateway.post(
        "/auth/token", data={"grant_type": "password", "username": "zed", "password": "nope"}
    )
    assert wrong.status_code == unknown.status_code == 400
    assert wrong.json()["detail"] == unknown.json()["detail"]
    assert wrong.json()["error"] == "invalid_grant"


def test_unsupported_grant_and_missing_fields_are_400(gateway: TestClient) -> None:
    assert (
        gateway.post("/auth/token", data={"grant_type": "implicit"}).json()["code"]
        == "UNSUPPORTED_GRANT_TYPE"
    )
    assert gateway.post("/auth/token", data={"grant_type": "password"}).status_code == 400
    assert gateway.post("/auth/token", data={}).status_code == 422


@pytest.mark.parametrize("kind", BAD_TOKENS)
def test_bad_tokens_are_refused_at_the_gateway(gateway: TestClient, kind: str) -> None:
    response = gateway.get(AUDIT, headers=auth(BAD_TOKENS[kind]()))
    assert response.status_code == 401
    assert response.json()["code"] == "UNAUTHENTICATED"


def test_token_from_another_gateway_key_is_refused(gateway: TestClient) -> None:
    other = SigningKey.generate()
    forged = jwt.encode(
        {
            "sub": "x",
            "roles": ["auditor"],
            "iss": "agency-suite-gateway",
            "aud": "agency-suite",
            "iat": 1,
            "exp": 9999999999,
        },
        other.private_key,
        algorithm="RS256",
        headers={"kid": signing_key_for_tests().kid},
    )
    assert gateway.get(AUDIT, headers=auth(forged)).status_code == 401


def test_client_credentials_grant_for_services(gateway: TestClient) -> None:
    ok = gateway.post(
        "/auth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": "finance",
            "client_secret": SERVICE_SECRET,
        },
    )
    assert ok.status_code == 200
    claims = jwt.decode(ok.json()["access_token"], options={"verify_signature": False})
    assert claims["roles"] == ["service"] and claims["sub"] == "service:finance"
    assert "refresh_token" not in ok.json() or ok.json()["refresh_token"] is None
    basic = base64.b64encode(f"finance:{SERVICE_SECRET}".encode()).decode()
    assert (
        gateway.post(
            "/auth/token",
            data={"grant_type": "client_credentials"},
            headers={"Authorization": f"Basic {basic}"},
        ).status_code
        == 200
    )
    bad = gateway.post(
        "/auth/token",
        data={"grant_type": "client_credentials", "client_id": "finance", "client_secret": "guess"},
    )
    assert bad.status_code == 401 and bad.json()["error"] == "invalid_client"


def test_refresh_rotates_and_reuse_revokes_the_whole_family(gateway: TestClient) -> None:
    first = login(gateway)
    second = gateway.post(
        "/auth/token", data={"grant_type": "refresh_token", "refresh_token": first["refresh_token"]}
    )
    assert second.status_code == 200
    second_tokens = second.json()
    assert second_tokens["refresh_token"] != first["refresh_token"]
    assert gateway.get("/auth/me", headers=auth(second_tokens["access_token"])).status_code == 200

    # the spent token comes back: someone copied it
    reuse = gateway.post(
        "/auth/token", data={"grant_type": "refresh_token", "refresh_token": first["refresh_token"]}
    )
    assert reuse.status_code == 400 and reuse.json()["error"] == "invalid_grant"
    after = gateway.post(
        "/auth/token",
        data={"grant_type": "refresh_token", "refresh_token": second_tokens["refresh_token"]},
    )
    assert after.status_code == 400, "the legitimate holder's newer refresh token is revoked too"
    assert gateway.get("/auth/me", headers=auth(second_tokens["access_token"])).status_code == 401
    assert gateway.get("/auth/me", headers=auth(first["access_token"])).status_code == 401
    # a separate sign-in is unaffected
    assert gateway.get("/auth/me", headers=auth(login(gateway)["access_token"])).status_code == 200


def test_unknown_refresh_token_is_invalid_grant(gateway: TestClient) -> None:
    response = gateway.post(
        "/auth/token", data={"grant_type": "refresh_token", "refresh_token": "rt_made_up"}
    )
    assert response.status_code == 400


def test_logout_revokes_access_and_refresh_tokens(gateway: TestClient) -> None:
    tokens = login(gateway)
    other_session = login(gateway)
    assert gateway.post("/auth/logout", headers=auth(tokens["access_token"])).status_code == 204
    assert gateway.get("/auth/me", headers=auth(tokens["access_token"])).status_code == 401
    refresh = gateway.post(
        "/auth/token",
        data={"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]},
    )
    assert refresh.status_code == 400
    assert gateway.get("/auth/me", headers=auth(other_session["access_token"])).status_code == 200


def test_revocations_survive_a_gateway_restart(gateway: TestClient) -> None:
    tokens = login(gateway)
    gateway.post("/auth/logout", headers=auth(tokens["access_token"]))
    gateway.__exit__(None, None, None)
    gateway.app.state.revocations.__init__()  # forget; the restart reloads from the DB
    gateway.__enter__()
    assert gateway.get("/auth/me", headers=auth(tokens["access_token"])).status_code == 401


def test_account_lockout_answers_429_even_to_the_right_password(make_gateway) -> None:  # type: ignore[no-untyped-def]
    gateway = make_gateway(login_failures_per_account=3)
    for _ in range(3):
        assert (
            gateway.post(
                "/auth/token",
                data={"grant_type": "password", "username": "alice", "password": "wrong"},
            ).status_code
            == 400
        )
    locked = gateway.post(
        "/auth/token", data={"grant_type": "password", "username": "alice", "password": PASSWORD}
    )
    assert locked.status_code == 429
    assert int(locked.headers["retry-after"]) > 0
    assert locked.json()["code"] == "TOO_MANY_ATTEMPTS"
    # another account from the same address is not locked
    assert (
        gateway.post(
            "/auth/token", data={"grant_type": "password", "username": "root", "password": PASSWORD}
        ).status_code
        == 200
    )


def test_address_rate_limit_trips(make_gateway) -> None:  # type: ignore[no-untyped-def]
    gateway = make_gateway(login_attempts_per_address=4)
    codes = [
        gateway.post(
            "/auth/token", data={"grant_type": "password", "username": f"user{n}", "password": "x"}
        ).status_code
        for n in range(6)
    ]
    assert codes == [400, 400, 400, 400, 429, 429]


def test_successes_from_one_address_do_not_count_against_it(  # type: ignore[no-untyped-def]
    make_gateway,
) -> None:
    """An office behind one NAT address: its people's sign-ins are not a spray of guesses."""
    gateway = make_gateway(login_attempts_per_address=3)
    for _ in range(6):
        login(gateway)
    codes = [
        gateway.post(
            "/auth/token", data={"grant_type": "password", "username": f"user{n}", "password": "x"}
        ).status_code
        for n in range(4)
    ]
    assert codes == [400, 400, 400, 429]
    alice = {"grant_type": "password", "username": "alice", "password": PASSWORD}
    refused = gateway.post("/auth/token", data=alice)
    assert refused.status_code == 429  # while the address waits, whatever the password


def test_success_resets_the_failure_count(make_gateway) -> None:  # type: ignore[no-untyped-def]
    gateway = make_gateway(login_failures_per_account=2)
    data = {"grant_type": "password", "username": "alice"}
    gateway.post("/auth/token", data={**data, "password": "wrong"})
    login(gateway)
    gateway.post("/auth/token", data={**data, "password": "wrong"})
    assert gateway.post("/auth/token", data={**data, "password": PASSWORD}).status_code == 200


def test_jwks_is_public_json(gateway: TestClient) -> None:
    keys = gateway.get("/.well-known/jwks.json").json()["keys"]
    assert keys[0]["kty"] == "RSA" and keys[0]["alg"] == "RS256" and keys[0]["use"] == "sig"
    assert json.dumps(keys)


def test_the_gateway_metrics_are_not_public(gateway: TestClient) -> None:
    assert gateway.get("/metrics").status_code == 401
    assert gateway.get("/metrics", headers=auth(make_token("auditor"))).status_code == 403
    for role in ("admin", "service"):
        answer = gateway.get("/metrics", headers=auth(make_token(role)))
        assert answer.status_code == 200
        assert "http_requests_total" in answer.text


def test_a_sign_in_the_database_could_not_answer_does_not_count_against_the_account(
    make_gateway,
    monkeypatch,  # type: ignore[no-untyped-def]
) -> None:
    from sqlalchemy.exc import OperationalError

    from gateway.identity import service

    gateway = make_gateway(login_failures_per_account=3)
    checked = service.check_password

    def refused(**_: object) -> object:
        raise OperationalError("SELECT", None, Exception("connection refused"))

    monkeypatch.setattr(service, "check_password", refused)
    assert [password_status(gateway, "alice", PASSWORD) for _ in range(5)] == [503] * 5
    monkeypatch.setattr(service, "check_password", checked)
    assert password_status(gateway, "alice", PASSWORD) == 200, "503s are no failed guesses"
    for _ in range(3):
        assert password_status(gateway, "alice", "wrong") == 400
    assert password_status(gateway, "alice", PASSWORD) == 429, "wrong passwords still count"


def test_the_password_is_checked_outside_the_write_lock(gateway: TestClient) -> None:
    """A burst of sign-ins must not queue its slow hashes behind SQLite's write lock: with
    the lock held elsewhere, a wrong password is answered at once."""
    from shared.db import for_writing, is_postgres

    engine = gateway.app.state.engine  # type: ignore[attr-defined]
    if is_postgres(engine):
        pytest.skip("PostgreSQL has no database-wide write lock")
    with for_writing(engine).begin():  # another request writing, for as long as this lasts
        started = time.monotonic()
        assert password_status(gateway, "alice", "wrong") == 400
        assert time.monotonic() - started < 5, "judged without waiting for the writer"


def test_a_password_changed_between_check_and_grant_issues_nothing(gateway: TestClient) -> None:
    from sqlmodel import Session

    from gateway.identity import service
    from gateway.identity.models import User
    from gateway.identity.passwords import hash_password

    app = gateway.app
    engine = app.state.engine  # type: ignore[attr-defined]
    user_id, matched = service.check_password(engine=engine, username="alice", password=PASSWORD)
    with Session(engine) as session:
        user = session.get(User, user_id)
        assert user is not None
        user.password_hash = hash_password("a new passphrase for alice")
        session.add(user)
        session.commit()
    issuer = app.state.token_issuer  # type: ignore[attr-defined]
    with Session(engine) as session, pytest.raises(ProblemError) as refused:
        service.password_grant(
            session=session, issuer=issuer, user_id=user_id, password_hash=matched
        )
    assert refused.value.code == "INVALID_GRANT"
