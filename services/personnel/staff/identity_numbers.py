"""National ID numbers (居民身份证号码): validated, stored encrypted, shown masked.

The number is sensitive: it is stored only as a Fernet token, found by an HMAC digest, never
written to logs or the audit trail, and returned in full to ``hr_officer`` alone.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
from dataclasses import dataclass
from typing import Annotated

from cryptography.fernet import Fernet, InvalidToken
from fastapi import Depends

from shared.deps import from_app_state
from shared.problems import Invalid, ProblemError

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"


def normalise(number: str) -> str:
    """Upper-case, no spaces; 422 unless it is an 18-character number with a valid check digit
    (GB 11643-1999)."""
    value = number.strip().replace(" ", "").upper()
    if (
        len(value) != 18
        or not value[:17].isdigit()
        or not (value[17].isdigit() or value[17] == "X")
    ):
        raise Invalid(
            "INVALID_NATIONAL_ID",
            "a national ID number has 17 digits and a check character (digit or X)",
        )
    total = sum(int(d) * w for d, w in zip(value[:17], _WEIGHTS, strict=True))
    if _CHECK[total % 11] != value[17]:
        raise Invalid("INVALID_NATIONAL_ID", "the check character does not match")
    return value


def mask(value: str) -> str:
    """All but the last four characters hidden."""
    return "*" * (len(value) - 4) + value[-4:]


@dataclass(frozen=True)
class IdVault:
    """Encrypts, decrypts and fingerprints ID numbers with keys derived from one secret."""

    secret: str

    @functools.cached_property
    def _fernet(self) -> Fernet:
        """Derived once per vault (the app holds one for its life)."""
        key = hashlib.sha256(b"personnel-id-encryption:" + self.secret.encode()).digest()
        return Fernet(base64.urlsafe_b64encode(key))

    @functools.cached_property
    def _digest_key(self) -> bytes:
        return hashlib.sha256(b"personnel-id-digest:" + self.secret.encode()).digest()

    def encrypt(self, value: str) -> str:
        return self._fernet.encrypt(value.encode()).decode()

    def decrypt(self, token: str) -> str:
        try:
            return self._fernet.decrypt(token.encode()).decode()
        except InvalidToken as exc:
            raise ProblemError(
                500,
                "ID_KEY_MISMATCH",
                "stored ID numbers cannot be decrypted with the configured key",
            ) from exc

    def digest(self, value: str) -> str:
        return hmac.new(self._digest_key, value.encode(), hashlib.sha256).hexdigest()


VaultDep = Annotated[IdVault, Depends(from_app_state("id_vault", IdVault))]
