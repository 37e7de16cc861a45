"""Claims in tests: personnel faked at the client boundary (an httpx MockTransport answering
``GET /staff/{id}?as_of=``, switchable down), the staff and units of a small office, their
tokens, and helpers that raise claims through the API."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import httpx
from fastapi import FastAPI

from services.finance.clients.personnel import PersonnelClient
from tests.finance.conftest import grant_quota, make_line, make_unit, ok
from tests.finance.standards_support import issue_demo_set
from tests.support.tokens import StaticToken, bearer


@dataclass
class Person:
    id: uuid.UUID
    name: str
    # (first day, unit, rank), in order: the posting on a day is the last begun by then
    postings: list[tuple[date, uuid.UUID, str]]

    def on(self, day: date) -> tuple[uuid.UUID, str] | None:
        current = None
        for since, unit, rank in self.postings:
            if since <= day:
                current = (unit, rank)
        return current


@dataclass
class FakePersonnel:
    """Personnel's ``GET /staff/{id}`` over a MockTransport; ``down`` fails every connection."""

    people: dict[uuid.UUID, Person] = field(default_factory=dict)
    down: bool = False
    asked: list[tuple[uuid.UUID, date]] = field(default_factory=list)

    def handle(self, request: httpx.Request) -> httpx.Response:
        if self.down:
            raise httpx.ConnectError("personnel is down", request=request)
        staff_id = uuid.UUID(request.url.path.rsplit("/", 1)[1])
        day = date.fromisoformat(request.url.params["as_of"])
        self.asked.append((staff_id, day))
        person = self.people.get(staff_id)
        if person is None:
            return httpx.Response(404, json={"code": "NOT_FOUND"})
        posting = person.on(day)
        body = {
            "id": str(person.id),
            "staff_no": "S0001",
            "name": person.name,
            "posting": None
            if posting is None
            else {"unit_id": str(posting[0]), "rank_code": posting[1], "status": "serving"},
        }
        return httpx.Response(200, json=body)

    def client_class(self) -> type[PersonnelClient]:
        """A ``PersonnelClient`` for ``ServiceSpec.peer_clients`` that reaches this fake
        whatever client and address the app's lifespan hands it."""
        fake = self

        class Faked(PersonnelClient):
            def __init__(self, name: str, base_url: str, *_: Any, **__: Any) -> None:
                http = httpx.AsyncClient(transport=httpx.MockTransport(fake.handle))
                token = StaticToken("service", sub="service:finance")
                super().__init__(name, base_url, http, token, timeout=5, retries=0)  # type: ignore[arg-type]

        return Faked

    def install(self, app: FastAPI) -> None:
        """Make this the app's personnel peer (after the app started: its lifespan sets peers)."""
        http = httpx.AsyncClient(transport=httpx.MockTransport(self.handle))
        token = StaticToken("service", sub="service:finance")
        app.state.peers["personnel"] = PersonnelClient(
            "personnel", "http://personnel", http, token, timeout=5, retries=0
        )


@dataclass
class Office:
    """Two units; a clerk and a bureau chief in the first, a clerk in the second."""

    unit: dict[str, Any]
    other_unit: dict[str, Any]
    clerk: Person
    chief: Person
    outsider: Person
    personnel: FakePersonnel

    def staff(self, person: Person) -> dict[str, str]:
        return bearer("staff", sub=f"user-{person.name}", staff_id=str(person.id))

    @property
    def liaison(self) -> dict[str, str]:
        return bearer("unit_liaison", sub="liaison-u1", unit_id=self.unit["id"])

    @property
    def other_liaison(self) -> dict[str, str]:
        return bearer("unit_liaison", sub="liaison-u2", unit_id=self.other_unit["id"])


FIRST_DAY = date(2024, 1, 1)


def open_office(
    client: httpx.Client, app: FastAPI | None = None, fake: FakePersonnel | None = None
) -> Office:
    """Standards in force, two budget units, three people, and personnel faked (``app``:
    the finance app ``client`` talks to, when it is not a TestClient)."""
    issue_demo_set(client)
    unit, other = make_unit(client, "U1"), make_unit(client, "U2")
    u1, u2 = uuid.UUID(unit["id"]), uuid.UUID(other["id"])
    clerk = Person(uuid.uuid4(), "clerk", [(FIRST_DAY, u1, "clerk")])
    chief = Person(uuid.uuid4(), "chief", [(FIRST_DAY, u1, "bureau_chief")])
    outsider = Person(uuid.uuid4(), "outsider", [(FIRST_DAY, u2, "clerk")])
    fake = fake or FakePersonnel()
    fake.people.update({p.id: p for p in (clerk, chief, outsider)})
    app = app or getattr(client, "app", None)
    assert isinstance(app, FastAPI)
    fake.install(app)
    return Office(unit, other, clerk, chief, outsider, fake)


def receipt(number: str, amount: str, day: str = "2026-03-12") -> dict[str, Any]:
    return {"number": number, "issued_on": day, "issuer": "Hotel", "amount": amount}


def trip(
    city: str, depart: str, back: str, *, train: str | None = None, flight: str | None = None
) -> dict[str, Any]:
    return {
        "city": city,
        "depart_on": depart,
        "return_on": back,
        "train_seat": train,
        "flight_cabin": flight,
    }


def line(kind: str, amount: str, trip_no: int | None = 0, *receipts: str) -> dict[str, Any]:
    """A line; each receipt number given gets a receipt of the whole amount split evenly."""
    from decimal import Decimal

    share = (Decimal(amount) / max(len(receipts), 1)).quantize(Decimal("0.01"))
    rest = Decimal(amount) - share * (len(receipts) - 1) if receipts else Decimal(0)
    made = [receipt(n, str(share)) for n in receipts[:-1]]
    if receipts:
        made.append(receipt(receipts[-1], str(rest)))
    return {
        "kind": kind,
        "trip": trip_no,
        "description": f"{kind} line",
        "amount": amount,
        "receipts": made,
    }


def claim_body(
    trips: list[dict[str, Any]], lines: list[dict[str, Any]], **more: Any
) -> dict[str, Any]:
    return {
        "purpose": "Provincial work meeting",
        "payee_account": "6222020200001234",
        "payee_bank": "ICBC City Branch",
        "trips": trips,
        "lines": lines,
        **more,
    }


def raise_claim(
    client: httpx.Client, headers: dict[str, str], body: dict[str, Any]
) -> dict[str, Any]:
    return ok(client.post("/claims", json=body, headers=headers), 201)


def submit(client: httpx.Client, claim: dict[str, Any], headers: dict[str, str]) -> dict[str, Any]:
    return ok(client.post(f"/claims/{claim['id']}/submit", headers=headers))


def travel_budget(client: httpx.Client, office: Office, quota: str = "50000.00") -> dict[str, Any]:
    """The first unit's travel line (30211) with this month's plan, and its month's quota."""
    line_ = make_line(client, office.unit["id"], "100000.00", economic_class="30211")
    grant_quota(client, office.unit["id"], quota)
    return line_
