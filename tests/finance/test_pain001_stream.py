"""The pain.001 writer in two passes: the document streamed is byte for byte the one the
whole-tree writer wrote (the golden files), well-formed UTF-8 in its namespace whatever the
pieces; every rule is checked before the first byte; a second pass that reads other transfers
than the first never finishes the document; memory does not grow with the transfers."""

from __future__ import annotations

import dataclasses
import sys
import tracemalloc
import unicodedata
from collections.abc import Iterator
from decimal import Decimal
from xml.etree.ElementTree import ParseError

import pytest
from defusedxml import ElementTree as SafeElementTree

from services.finance.treasury import pain001 as writer
from services.finance.treasury.iso20022 import (
    BatchHead,
    CreditTransfer,
    Party,
    PaymentBatch,
    check_pain001,
    pain001,
    write_pain001,
)
from tests.finance.iso20022_support import PAIN, nodes, pain_xsd, texts
from tests.finance.pain001_cases import CASES, golden

HEAD = BatchHead(
    message_id="PR-202603-093000-ABC123",
    created_at=CASES["many"]().created_at,
    debtor=Party("Treasury", "110060224018000012345"),
    requested_on=CASES["many"]().requested_on,
)


def payroll(count: int, start: int = 0) -> Iterator[CreditTransfer]:
    """``count`` payroll-like transfers, made as they are read."""
    for n in range(start, start + count):
        yield CreditTransfer(
            f"PR-{n:024X}-1",
            Decimal(n % 99_999 + 1) / 100,
            Party(f"职工{n}", f"6222{n:012d}", "ICBC City Branch"),
            "Payroll 2026-03 (staff)",
            classification="30101",
        )


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_document_is_the_golden_one_in_any_pieces(name: str) -> None:
    batch = CASES[name]()
    expected = golden(name)
    assert pain001(batch) == expected
    checked = check_pain001(batch, batch.transfers)
    assert checked.size == len(expected)
    for piece_bytes in (1, 700, 4096, 1 << 20):
        pieces = list(write_pain001(batch, iter(batch.transfers), checked, piece_bytes=piece_bytes))
        assert b"".join(pieces) == expected
        # about piece_bytes each: full, and past it by less than one transfer (< 4 KB)
        assert all(piece_bytes <= len(p) < piece_bytes + 4096 for p in pieces[:-1])
        assert 0 < len(pieces[-1]) < piece_bytes + 4096
        if piece_bytes == 1:  # one piece per transfer after the head, and the tail
            assert len(pieces) == len(batch.transfers) + 1


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_streamed_document_parses_to_what_was_sent(name: str) -> None:
    batch = CASES[name]()
    checked = check_pain001(batch, batch.transfers)
    document = b"".join(write_pain001(batch, batch.transfers, checked, piece_bytes=512))
    document.decode("utf-8", errors="strict")
    assert document.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n')
    root = SafeElementTree.fromstring(document)
    assert root.tag == f"{PAIN}Document"
    tx = "CstmrCdtTrfInitn/PmtInf/CdtTrfTxInf/"
    amounts = [Decimal(a) for a in texts(root, tx + "Amt/InstdAmt")]
    assert amounts == [t.amount for t in batch.transfers]
    for block in ("GrpHdr", "PmtInf"):
        assert texts(root, f"CstmrCdtTrfInitn/{block}/NbOfTxs") == [str(len(amounts))]
        assert texts(root, f"CstmrCdtTrfInitn/{block}/CtrlSum") == [f"{sum(amounts):.2f}"]
    assert Decimal(texts(root, "CstmrCdtTrfInitn/GrpHdr/CtrlSum")[0]) == checked.control_sum
    ids = texts(root, tx + "PmtId/EndToEndId")
    assert ids == [t.end_to_end_id.strip() for t in batch.transfers]
    assert len(nodes(root, "CstmrCdtTrfInitn/PmtInf/CdtTrfTxInf")) == checked.count
    assert texts(root, tx + "Cdtr/Nm") == [t.creditor.name.strip() for t in batch.transfers]
    pain_xsd().validate(document)


def test_every_rule_is_checked_before_the_first_byte() -> None:
    bad = CreditTransfer("PR-BAD-1", Decimal("1.005"), Party("x", "1"), "Payroll")
    transfers = [*payroll(500), bad, *payroll(10, start=500)]
    with pytest.raises(ValueError, match=r"transfers\[500\]\.amount"):
        check_pain001(HEAD, iter(transfers))
    repeated = [*payroll(300), *payroll(1, start=7)]
    with pytest.raises(ValueError, match=r"transfers\[300\]\.end_to_end_id: .* transfers\[7\]"):
        check_pain001(HEAD, iter(repeated))
    with pytest.raises(ValueError, match="control sum"):
        check_pain001(
            HEAD,
            [
                CreditTransfer("A", Decimal("9999999999999999.99"), Party("x", "1"), "p"),
                CreditTransfer("B", Decimal("0.01"), Party("x", "1"), "p"),
            ],
        )
    # an empty source refuses before the debtor is looked at, as the whole-batch writer did
    nameless = dataclasses.replace(HEAD, debtor=Party("", "1"))
    with pytest.raises(ValueError, match="transfers: a batch needs"):
        check_pain001(nameless, iter(()))


def _unfinished(pieces: Iterator[bytes]) -> bytes:
    """What was sent before the pieces ended with ``ValueError`` (they must)."""
    sent: list[bytes] = []
    with pytest.raises(ValueError, match=r"^transfers"):
        sent.extend(pieces)  # (keeps what came before the error)
    return b"".join(sent)


@pytest.mark.parametrize(
    "again",
    [
        pytest.param(lambda ts: ts[:-1], id="one fewer"),
        pytest.param(lambda ts: [*ts, *payroll(1, start=99)], id="one more"),
        pytest.param(
            lambda ts: [dataclasses.replace(ts[0], amount=ts[0].amount + 1), *ts[1:]],
            id="another amount",
        ),
        pytest.param(
            lambda ts: [*ts[:-1], dataclasses.replace(ts[-1], purpose="Payroll 2026-04")],
            id="another text",
        ),
        pytest.param(lambda ts: [ts[1], ts[0], *ts[2:]], id="another order"),
        pytest.param(
            lambda ts: [*ts[:5], dataclasses.replace(ts[5], amount=Decimal(0)), *ts[6:]],
            id="a rule broken",
        ),
    ],
)
def test_a_second_pass_reading_other_transfers_never_finishes_the_document(again: object) -> None:
    transfers = list(payroll(40))
    checked = check_pain001(HEAD, transfers)
    changed = again(transfers)  # type: ignore[operator]
    sent = _unfinished(write_pain001(HEAD, iter(changed), checked, piece_bytes=1))
    assert sent.startswith(b"<?xml")
    assert b"</Document>" not in sent
    with pytest.raises(ParseError):
        SafeElementTree.fromstring(sent)


def test_control_characters_and_whitespace_are_the_unicode_categories() -> None:
    """The writer's patterns are the rules' definitions, for every code point."""

    def control(c: str) -> bool:
        return unicodedata.category(c) in ("Cc", "Cs") or c in "\ufffe\uffff"

    for point in range(sys.maxunicode + 1):
        c = chr(point)
        assert bool(writer._CONTROL.match(c)) == control(c), hex(point)
        assert bool(writer._DROPPED.match(c)) == (control(c) and not c.isspace()), hex(point)
        assert bool(writer._SPACE.match(c)) == c.isspace(), hex(point)


def _peak(count: int, unique_ids: bool) -> tuple[float, int]:
    tracemalloc.start()
    try:
        checked = check_pain001(HEAD, payroll(count), unique_ids=unique_ids)
        size = sum(len(p) for p in write_pain001(HEAD, payroll(count), checked))
        peak = tracemalloc.get_traced_memory()[1] / 1e6
    finally:
        tracemalloc.stop()
    assert size == checked.size
    return peak, size


def test_memory_stays_flat_however_many_transfers() -> None:
    small, _ = _peak(1_000, unique_ids=True)
    large, large_size = _peak(20_000, unique_ids=True)
    assert large_size > 15 * 1_000_000  # 15 MB written ...
    assert large < 1.0 and large < small + 0.2  # ... in well under 1 MB, as for 1,000
    # the ids kept to refuse a repeated one cost ~130 bytes a transfer, nothing more
    kept, _ = _peak(20_000, unique_ids=False)
    assert kept < large + 20_000 * 200 / 1e6


def test_a_batch_in_memory_is_a_batch_head_with_its_transfers() -> None:
    batch = PaymentBatch(**{f.name: getattr(HEAD, f.name) for f in dataclasses.fields(HEAD)})
    assert isinstance(batch, BatchHead) and batch.transfers == ()
    with pytest.raises(ValueError, match="transfers: a batch needs"):
        pain001(batch)
    document = pain001(dataclasses.replace(batch, transfers=tuple(payroll(3))))
    assert b"<NbOfTxs>3</NbOfTxs>" in document
