"""The floor under every read: a bare FastAPI route behind the same uvicorn as the services.

``GET /floor?limit=1`` takes one validated query parameter and answers a small model, with no
middleware, no dependency, no token and no database. ``bench/reads.py`` measures its CPU per
request beside the services' reads: what no change inside a service can go below.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import FastAPI, Query
from pydantic import BaseModel

app = FastAPI()


class Answer(BaseModel):
    items: list[int]
    total: int
    limit: int
    offset: int


@app.get("/floor")
async def floor(limit: Annotated[int, Query(ge=1, le=200)] = 50) -> Answer:
    return Answer(items=[1], total=1, limit=limit, offset=0)
