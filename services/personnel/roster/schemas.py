"""API shapes of a roster import: its result and the errors of its rows."""

from __future__ import annotations

from pydantic import BaseModel, Field


class RowError(BaseModel):
    row: int = Field(description="Row in the file (the header is row 1)")
    column: str = Field(description="Column heading as in the file ('' for the whole row)")
    message: str


class ImportResult(BaseModel):
    imported: int = Field(description="Staff records created (0 on a dry run)")
    rows: int = Field(description="Rows checked")
    dry_run: bool
    ignored_columns: list[str] = Field(description="Headings not recognised, left unread")
