"""Text that enters the suite: names, one-line texts and prose, trimmed and without the
characters that hide or reorder what a reader sees.

Every human name and every text that reaches another person (an approver, the treasury, a
bank, a report) is one of these types. Refused, with 422:

- control characters (Unicode category Cc: NUL, BEL, ESC, DEL, C1 controls …); a one-line
  text refuses line breaks and tabs too, prose keeps them;
- format characters (Cf): the bidirectional overrides and isolates (U+202A–U+202E,
  U+2066–U+2069) that make ``"\\u202egnp.exe"`` display as ``"exe.png"``, the zero-width
  space, joiners and marks (U+200B–U+200F), the byte-order mark, soft hyphen and the like;
- surrogates, private-use and unassigned code points (Cs, Co, Cn).

In the OpenAPI these strings carry ``format: text`` (the rule above, which a regular
expression cannot state portably), so a client or a generator knows it.
"""

from __future__ import annotations

import unicodedata
from typing import Annotated, Any

from pydantic import AfterValidator, GetJsonSchemaHandler, StringConstraints
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema

_REFUSED = frozenset({"Cc", "Cf", "Cs", "Co", "Cn"})
TEXT_FORMAT = "text"
# the Unicode categories a text may hold (line breaks and tabs aside)
ALLOWED_CATEGORIES = (
    "Lu", "Ll", "Lt", "Lm", "Lo", "Mn", "Mc", "Me", "Nd", "Nl", "No",
    "Pc", "Pd", "Ps", "Pe", "Pi", "Pf", "Po", "Sm", "Sc", "Sk", "So", "Zs",
)  # fmt: skip
_PROSE_CONTROLS = frozenset("\n\r\t")


def hidden_character(text: str, *, allow: frozenset[str] = frozenset()) -> str | None:
    """The first character a reader would not see as written, or None."""
    for char in text:
        outside_ascii_text = ord(char) < 0x20 or ord(char) >= 0x7F
        if outside_ascii_text and char not in allow and unicodedata.category(char) in _REFUSED:
            return char
    return None


def _check(allow: frozenset[str]) -> AfterValidator:
    def check(value: str) -> str:
        char = hidden_character(value, allow=allow)
        if char is not None:
            raise ValueError(
                f"character U+{ord(char):04X} ({unicodedata.category(char)}) is not allowed: "
                "control, format (bidirectional, zero-width) and unassigned characters are refused"
            )
        return value

    return AfterValidator(check)


class _TextFormat:
    """Marks the string's JSON schema with ``format: text``."""

    def __get_pydantic_json_schema__(
        self, core_schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        schema: dict[str, Any] = handler(core_schema)
        schema["format"] = TEXT_FORMAT
        return schema


_FORMAT = _TextFormat()
LINE = _check(frozenset())  # add to an Annotated str: one line, nothing hidden
PROSE = _check(_PROSE_CONTROLS)  # the same, line breaks and tabs kept


def _trimmed(max_length: int, min_length: int = 1) -> StringConstraints:
    return StringConstraints(strip_whitespace=True, min_length=min_length, max_length=max_length)


# one line (a name, a title, a purpose), trimmed, at most N characters
Line20 = Annotated[str, _trimmed(20), LINE, _FORMAT]
Line50 = Annotated[str, _trimmed(50), LINE, _FORMAT]
Line100 = Annotated[str, _trimmed(100), LINE, _FORMAT]
Line140 = Annotated[str, _trimmed(140), LINE, _FORMAT]  # a pain.001 name or remittance line
Line200 = Annotated[str, _trimmed(200), LINE, _FORMAT]
Line300 = Annotated[str, _trimmed(300), LINE, _FORMAT]
Line500 = Annotated[str, _trimmed(500), LINE, _FORMAT]
# a person's or an organisation's name
Name = Line200
# text that may run over lines (a reason, a note), line breaks and tabs kept
Prose2000 = Annotated[str, _trimmed(2000), PROSE, _FORMAT]
