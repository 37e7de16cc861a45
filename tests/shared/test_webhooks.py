"""shared/webhooks.py: Standard Webhooks signatures, as finance and the treasury use them."""

from __future__ import annotations

import base64
import time

import pytest

from shared.webhooks import (
    ID_HEADER,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    TOLERANCE_SECONDS,
    SignatureError,
    new_secret,
    secret_key,
    sign,
    signature,
    verify,
)

SECRET = new_secret(b"k" * 32)
OTHER = new_secret(b"o" * 32)
BODY = b'{"instruction_id":"P-1","amount":"10.00"}'


def _reason(secrets: list[str], headers: dict[str, str], body: bytes, **kw: float) -> str:
    with pytest.raises(SignatureError) as caught:
        verify(secrets, headers, body, **kw)  # type: ignore[arg-type]
    return caught.value.reason


def test_a_signed_message_verifies_and_names_its_id_and_time() -> None:
    headers = sign(SECRET, "msg_1", BODY)
    assert set(headers) == {ID_HEADER, TIMESTAMP_HEADER, SIGNATURE_HEADER}
    assert headers[SIGNATURE_HEADER].startswith("v1,")
    verified = verify([SECRET], headers, BODY)
    assert verified.msg_id == "msg_1"
    assert abs(verified.timestamp - time.time()) < 5


def test_an_empty_body_signs_too() -> None:
    verify([SECRET], sign(SECRET, "get-1", b""), b"")


def test_whsec_secrets_are_base64_keys_and_plain_ones_are_text() -> None:
    assert secret_key(new_secret(b"\x00\xff")) == b"\x00\xff"
    assert secret_key("plain text") == b"plain text"
    assert SECRET.startswith("whsec_") and base64.b64decode(SECRET[6:]) == b"k" * 32
    headers = sign("plain text", "m", BODY)
    verify(["plain text"], headers, BODY)


def test_the_signature_is_deterministic_for_id_time_and_body() -> None:
    one = signature(SECRET, "m", 1_700_000_000, BODY)
    assert one == signature(SECRET, "m", 1_700_000_000, BODY)
    assert one != signature(SECRET, "m2", 1_700_000_000, BODY)
    assert one != signature(SECRET, "m", 1_700_000_001, BODY)


def test_a_tampered_body_is_refused() -> None:
    headers = sign(SECRET, "m", BODY)
    assert _reason([SECRET], headers, BODY.replace(b"10.00", b"99.00")) == "BAD_SIGNATURE"


def test_a_changed_id_or_timestamp_is_refused() -> None:
    headers = sign(SECRET, "m", BODY)
    assert _reason([SECRET], {**headers, ID_HEADER: "other"}, BODY) == "BAD_SIGNATURE"
    later = str(int(headers[TIMESTAMP_HEADER]) + 1)
    assert _reason([SECRET], {**headers, TIMESTAMP_HEADER: later}, BODY) == "BAD_SIGNATURE"


def test_the_wrong_secret_is_refused() -> None:
    assert _reason([OTHER], sign(SECRET, "m", BODY), BODY) == "BAD_SIGNATURE"
    assert _reason([], sign(SECRET, "m", BODY), BODY) == "BAD_SIGNATURE"


@pytest.mark.parametrize("offset", [-TOLERANCE_SECONDS - 5, TOLERANCE_SECONDS + 5])
def test_stale_and_future_timestamps_are_refused(offset: int) -> None:
    headers = sign(SECRET, "m", BODY, timestamp=int(time.time()) + offset)
    assert _reason([SECRET], headers, BODY) == "STALE_TIMESTAMP"


def test_timestamps_inside_the_tolerance_pass_and_now_can_be_given() -> None:
    sent = 1_700_000_000
    headers = sign(SECRET, "m", BODY, timestamp=sent)
    verify([SECRET], headers, BODY, now=sent + TOLERANCE_SECONDS - 1)
    verify([SECRET], headers, BODY, now=sent - TOLERANCE_SECONDS + 1)
    assert _reason([SECRET], headers, BODY, now=sent + TOLERANCE_SECONDS + 1) == "STALE_TIMESTAMP"
    assert _reason([SECRET], headers, BODY, now=sent + 120, tolerance=60) == "STALE_TIMESTAMP"


def test_a_timestamp_that_is_not_whole_seconds_is_refused() -> None:
    headers = {**sign(SECRET, "m", BODY), TIMESTAMP_HEADER: "12.5"}
    assert _reason([SECRET], headers, BODY) == "BAD_TIMESTAMP"


def test_during_rotation_any_offered_signature_by_any_held_secret_passes() -> None:
    ts = int(time.time())
    old = signature(OTHER, "m", ts, BODY)
    new = signature(SECRET, "m", ts, BODY)
    both = {ID_HEADER: "m", TIMESTAMP_HEADER: str(ts), SIGNATURE_HEADER: f"{old} {new}"}
    # the sender signs with both secrets; a receiver holding either accepts
    assert verify([SECRET], both, BODY).msg_id == "m"
    assert verify([OTHER], both, BODY).msg_id == "m"
    # a receiver holding both secrets accepts a message signed with either
    assert verify([OTHER, SECRET], sign(SECRET, "m", BODY), BODY).msg_id == "m"
    assert verify([OTHER, SECRET], sign(OTHER, "m", BODY), BODY).msg_id == "m"
    # signatures of another scheme version are ignored, not mistaken for v1
    v2_only = {**both, SIGNATURE_HEADER: "v2," + new.removeprefix("v1,")}
    assert _reason([SECRET], v2_only, BODY) == "BAD_SIGNATURE"


@pytest.mark.parametrize("missing", [ID_HEADER, TIMESTAMP_HEADER, SIGNATURE_HEADER])
def test_a_missing_header_is_refused(missing: str) -> None:
    headers = sign(SECRET, "m", BODY)
    del headers[missing]
    assert _reason([SECRET], headers, BODY) == "MISSING_HEADERS"
    assert _reason([SECRET], {**sign(SECRET, "m", BODY), missing: ""}, BODY) == "MISSING_HEADERS"
