"""Partial updates: a field left out is unchanged; ``null`` only where clearing makes sense."""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import BaseModel, model_validator


class Patch(BaseModel):
    """Base of ``XUpdate`` bodies. ``nullable`` names the fields a client may clear with null;
    an explicit null anywhere else is a 422, not a write of NULL into a required column."""

    nullable: ClassVar[frozenset[str]] = frozenset()

    @model_validator(mode="before")
    @classmethod
    def _no_null_for_required(cls, data: Any) -> Any:
        if isinstance(data, dict):
            refused = sorted(
                k
                for k, v in data.items()
                if v is None and k not in cls.nullable and k in cls.model_fields
            )
            if refused:
                raise ValueError(f"may not be null: {', '.join(refused)}")
        return data
