"""Hash-chained audit log: every write appends a row whose hash covers the previous row's.

Editing a row changes its hash; deleting one breaks the next row's ``prev_hash`` link; both
show in ``verify``. Appends are serialised (PostgreSQL advisory lock, SQLite write lock) so the
chain never forks.

``record`` takes the entry's content at once (who, when, the request) and appends it when the
caller's transaction commits, with every other entry of that transaction: one lock, one read
of the chain's head and one INSERT, at the very end. On PostgreSQL the chain's lock is thus
held only for the commit instead of from the first entry on, and the lock and the head travel
in one round trip. An entry recorded inside a savepoint is appended at once (after those
waiting), so that rolling the savepoint back takes it away; a rolled-back transaction appends
nothing.
"""

from __future__ import annotations

import hashlib
import json
import zlib
from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any

from fastapi import Depends, Query
from pydantic import BaseModel
from sqlalchemy import Table, event, insert, select
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.orm import SessionTransaction
from sqlmodel import Session

from shared.auth import require_roles
from shared.context import Principal, current_request_id, principal_var
from shared.db import SessionDep, is_postgres
from shared.deps import from_app_state
from shared.pagination import Listing, Page, PageDep, PageParams
from shared.problems import ProblemError
from shared.routing import Router
from shared.types import utcnow

GENESIS_HASH = "0" * 64
_HASHED_FIELDS = (
    "at",
    "actor",
    "roles",
    "unit_id",
    "action",
    "resource_type",
    "resource_id",
    "request_id",
    "before",
    "after",
)


def jsonable(value: Any) -> Any:
    """Turn Decimals, UUIDs and datetimes into their JSON strings (money stays exact)."""
    return json.loads(json.dumps(value, default=str, ensure_ascii=False))


def _normalise(field: str, value: Any) -> Any:
    if field == "at" and isinstance(value, datetime):
        return value.isoformat(timespec="microseconds")
    return value


def _broken(row: Any, expected_prev: str) -> str | None:
    if row["prev_hash"] != expected_prev:
        return "link to the previous entry is broken (an entry was removed)"
    if row_hash(row["prev_hash"], dict(row)) != row["hash"]:
        return "entry content does not match its hash (it was altered)"
    return None


def row_hash(prev_hash: str, row: dict[str, Any]) -> str:
    payload = {f: _normalise(f, row.get(f)) for f in _HASHED_FIELDS}
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256((prev_hash + canonical).encode()).hexdigest()


class AuditEntry(BaseModel):
    seq: int
    at: datetime
    actor: str
    roles: list[str]
    unit_id: str | None
    action: str
    resource_type: str
    resource_id: str | None
    request_id: str
    before: Any
    after: Any
    hash: str


class ChainReport(BaseModel):
    ok: bool
    checked: int
    first_broken_seq: int | None = None
    reason: str | None = None
    head_seq: int | None = None
    head_hash: str | None = None


_PENDING = "suite_audit_pending"
LIST_FILTERS = ("action", "resource_type", "resource_id", "actor")


def _equals(column: Any) -> Callable[[Any], Any]:
    return lambda value: column == value


class AuditLog:
    def __init__(self, table: Table) -> None:
        self.table = table
        self._lock_key = zlib.crc32(table.name.encode())
        t = table
        self._insert = insert(t)
        self._head = select(t.c.hash).order_by(t.c.seq.desc()).limit(1)
        # lock, then read the head in a statement of its own (its snapshot is taken after the
        # lock is granted, so it sees the entry of whoever held it): one round trip. No
        # parameters (two statements go only as a simple query): the key is our own number,
        # the name our own table's.
        lock = f"SELECT pg_advisory_xact_lock({self._lock_key})"
        self._locked_head_sql = f"{lock}; SELECT hash FROM {t.name} ORDER BY seq DESC LIMIT 1"  # noqa: S608
        self._listing: Listing[Any] = Listing(
            select(table),
            table.c.seq.desc(),
            filters={name: _equals(table.c[name]) for name in LIST_FILTERS},
        )

    def record(
        self,
        session: Session,
        *,
        action: str,
        resource_type: str,
        resource_id: object | None = None,
        before: Any = None,
        after: Any = None,
        principal: Principal | None = None,
    ) -> None:
        """Append one entry in the caller's transaction (the caller commits)."""
        who = principal or principal_var.get()
        row: dict[str, Any] = {
            "at": utcnow(),
            "actor": who.sub if who else "system",
            "roles": ",".join(sorted(who.roles)) if who else "",
            "unit_id": who.unit_id if who else None,
            "action": action,
            "resource_type": resource_type,
            "resource_id": None if resource_id is None else str(resource_id),
            "request_id": current_request_id(),
            "before": jsonable(before),
            "after": jsonable(after),
        }
        if session.in_nested_transaction():  # a savepoint's entry goes (and goes back) with it
            append_pending(session)
            self._append(session, [row])
        else:
            session.info.setdefault(_PENDING, []).append((self, row))

    def _prev_hash(self, session: Session) -> str:
        """The chain's head, read under the chain's lock (held until the transaction ends)."""
        conn = session.connection()
        if is_postgres(conn.engine):
            result = conn.exec_driver_sql(self._locked_head_sql)
            cursor = result.cursor
            assert cursor is not None
            cursor.nextset()
            found = cursor.fetchone()
            result.close()
            return found[0] if found else GENESIS_HASH
        prev: str | None = conn.execute(self._head).scalar_one_or_none()
        return prev or GENESIS_HASH

    def _append(self, session: Session, rows: list[dict[str, Any]]) -> None:
        prev_hash = self._prev_hash(session)
        chained = []
        for row in rows:
            digest = row_hash(prev_hash, row)
            chained.append({**row, "prev_hash": prev_hash, "hash": digest})
            prev_hash = digest
        session.connection().execute(self._insert, chained)

    def verify(
        self,
        session: Session,
        *,
        anchor_seq: int | None = None,
        anchor_hash: str | None = None,
        batch: int = 1000,
    ) -> ChainReport:
        """Recompute the chain. An anchor (a head seen earlier and kept elsewhere) must still be
        in it: that catches the newest entries being deleted, or the whole chain rewritten."""
        append_pending(session)
        t = self.table
        expected_prev = GENESIS_HASH
        checked = 0
        last_seq = 0
        anchor_found = anchor_seq is None
        while True:
            rows = (
                session.execute(select(t).where(t.c.seq > last_seq).order_by(t.c.seq).limit(batch))
                .mappings()
                .all()
            )
            if not rows:
                break
            for row in rows:
                broken = _broken(row, expected_prev)
                if broken is not None:
                    return ChainReport(
                        ok=False, checked=checked, first_broken_seq=row["seq"], reason=broken
                    )
                if row["seq"] == anchor_seq:
                    if row["hash"] != anchor_hash:
                        return ChainReport(
                            ok=False,
                            checked=checked,
                            first_broken_seq=row["seq"],
                            reason="the anchored entry was rewritten",
                        )
                    anchor_found = True
                expected_prev = row["hash"]
                checked += 1
                last_seq = row["seq"]
        head = {"head_seq": last_seq or None, "head_hash": None if not checked else expected_prev}
        if not anchor_found:
            return ChainReport(
                ok=False,
                checked=checked,
                first_broken_seq=anchor_seq,
                reason="the anchored entry is gone (the newest entries were removed)",
                **head,
            )
        return ChainReport(ok=True, checked=checked, **head)

    def page(
        self, session: Session, params: PageParams, filters: dict[str, Any]
    ) -> Page[AuditEntry]:
        rows, total = self._listing.fetch(session, params, **filters)
        items = [
            AuditEntry(**{**row._mapping, "roles": [r for r in row.roles.split(",") if r]})
            for row in rows
        ]
        return Page.of(items, total, params)


def append_pending(session: Session | OrmSession) -> None:
    """Append the entries ``session`` recorded and has not written yet, each log's in the
    order they were recorded (done at commit; call it to read them back before)."""
    pending: list[tuple[AuditLog, dict[str, Any]]] = session.info.pop(_PENDING, [])
    by_log: dict[int, tuple[AuditLog, list[dict[str, Any]]]] = {}
    for log, row in pending:
        by_log.setdefault(id(log), (log, []))[1].append(row)
    for log, rows in by_log.values():
        log._append(session, rows)  # type: ignore[arg-type]


def _forget_pending(session: OrmSession, transaction: SessionTransaction) -> None:
    if transaction.parent is None:  # the transaction ended without a commit: nothing goes
        session.info.pop(_PENDING, None)


event.listen(OrmSession, "before_commit", append_pending)
event.listen(OrmSession, "after_transaction_end", _forget_pending)


def audit_router(audit: AuditLog) -> Router:
    """``GET /audit`` and ``GET /audit/verify``, readable by ``auditor``."""
    router = Router(prefix="/audit", tags=["audit"])
    auditor = [Depends(require_roles("auditor"))]

    @router.get("", dependencies=auditor)
    async def list_audit_entries(
        session: SessionDep,
        params: PageDep,
        action: str | None = None,
        resource_type: str | None = None,
        resource_id: str | None = None,
        actor: str | None = None,
    ) -> Page[AuditEntry]:
        """List audit entries, newest first."""
        filters = {
            "action": action,
            "resource_type": resource_type,
            "resource_id": resource_id,
            "actor": actor,
        }
        return audit.page(session, params, filters)

    @router.get("/verify", dependencies=auditor)
    def verify_audit_chain(
        session: SessionDep,
        anchor_seq: Annotated[int | None, Query(ge=1)] = None,
        anchor_hash: Annotated[str | None, Query(pattern="^[0-9a-f]{64}$")] = None,
    ) -> ChainReport:
        """Recompute the hash chain; report the first broken entry and the current head.

        Pass a head from an earlier report (``anchor_seq``, ``anchor_hash``) to prove that
        nothing up to it was removed or rewritten since.
        """
        if (anchor_seq is None) != (anchor_hash is None):
            raise ProblemError(422, "ANCHOR_INCOMPLETE", "anchor_seq and anchor_hash go together")
        return audit.verify(session, anchor_seq=anchor_seq, anchor_hash=anchor_hash)

    return router


AuditDep = Annotated[AuditLog, Depends(from_app_state("audit", AuditLog))]
