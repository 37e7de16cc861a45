"""The raw path check: what the gate judges is exactly what is forwarded."""

from __future__ import annotations

import pytest

from gateway.paths import checked_raw_path
from shared.problems import ProblemError


@pytest.mark.parametrize(
    "raw",
    [
        b"/api/personnel/units/../staff/7",
        b"/api/personnel/units/./staff/7",
        b"/api/personnel/units/%2E%2E/staff/7",
        b"/api/personnel/units/%2e./staff/7",
        b"/api/personnel/units/u1/staff/%3Flimit=200",
        b"/api/personnel/units/u1/staff/7%23frag",
        b"/api/personnel/units/u1/staff/a%2Fb",
        b"/api/personnel/units/u1/staff/a%5Cb",
        b"/api/personnel/units/u1/staff/%252E%252E",
        b"/api/personnel/units//staff/7",
        b"/api/personnel/units/u1/staff/7/",
        b"/api/personnel/units/u1/staff/%00",
        b"/api/fin%0dance/audit",  # judged as /api/finance/audit where %0D is stripped
        b"/api/fin%09ance/audit",
        b"/api/fin%0Aance/audit",
        b"/api/finance/audit%7F",
        b"/api/personnel/\xe5\x8d\x95\xe4\xbd\x8d",
        b"api/no-leading-slash",
    ],
)
def test_ambiguous_raw_paths_are_refused(raw: bytes) -> None:
    with pytest.raises(ProblemError) as refused:
        checked_raw_path(raw)
    assert refused.value.status == 400
    assert refused.value.code == "MALFORMED_PATH"


@pytest.mark.parametrize(
    "raw",
    [b"/api/finance/audit", b"/api/personnel/units/u%201/staff/7", b"/api/x/%E5%8D%95%E4%BD%8D"],
)
def test_plain_paths_pass_unchanged(raw: bytes) -> None:
    assert checked_raw_path(raw) == raw.decode()
