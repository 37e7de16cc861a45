"""Typed dependencies on what the gateway app holds for its whole life (``create_app`` puts
them in ``app.state``); routes ask for these instead of reading ``request.app.state``."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from gateway.identity.directory import PersonnelDirectory
from gateway.identity.revocation import RevocationRegistry
from gateway.identity.service import TokenIssuer
from gateway.keys import SigningKey
from gateway.ratelimit import LoginThrottle
from shared.deps import from_app_state

IssuerDep = Annotated[TokenIssuer, Depends(from_app_state("token_issuer", TokenIssuer))]
RevocationsDep = Annotated[
    RevocationRegistry, Depends(from_app_state("revocations", RevocationRegistry))
]
ThrottleDep = Annotated[LoginThrottle, Depends(from_app_state("login_throttle", LoginThrottle))]
SigningKeyDep = Annotated[SigningKey, Depends(from_app_state("signing_key", SigningKey))]
DirectoryDep = Annotated[
    PersonnelDirectory, Depends(from_app_state("personnel_directory", PersonnelDirectory))
]
