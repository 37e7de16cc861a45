"""Partial updates: a field left out is unchanged; ``null`` only where clearing makes sense."""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import BaseModel, GetJsonSchemaHandler, model_validator
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema


class Patch(BaseModel):
    """Base of ``XUpdate`` bodies. ``nullable`` names the fields a client may clear with null;
    an explicit null anywhere else is a 422, not a write of NULL into a required column.
    The JSON schema says the same: only the ``nullable`` fields admit ``null``."""

    nullable: ClassVar[frozenset[str]] = frozenset()

    @classmethod
    def __get_pydantic_json_schema__(
        cls, core_schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        schema = handler(core_schema)
        target = handler.resolve_ref_schema(schema)
        for name, field in target.get("properties", {}).items():
            options = field.get("anyOf")
            if name in cls.nullable or not options:
                continue
            kept = [option for option in options if option.get("type") != "null"]
            del field["anyOf"]
            field.update(kept[0] if len(kept) == 1 else {"anyOf": kept})
            if field.get("default", 0) is None:
                del field["default"]
        return schema

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
