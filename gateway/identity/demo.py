"""The gateway's demo accounts for ``make run``: one user per role, and the bureau's liaison
and staff user linked to the unit and staff record that personnel's demo holds.

The gateway knows those only as plain ids handed to it; it never reads personnel's data."""

from __future__ import annotations

from sqlmodel import Session, col, select

from gateway.identity.models import Role, User
from gateway.identity.service import ensure_user

# one demo user per role a person holds (the treasury and services are clients, not people)
DEMO_ROLES = tuple(r.value for r in Role if r not in (Role.ADMIN, Role.TREASURY, Role.SERVICE))
# the demo users that speak for one unit; the second is also one of its staff
# the demo users who belong to the bureau: its liaison and a member of staff, and its director
# and asset officer (who decide disposals of what the bureau holds the disposal right of)
UNIT_USERS = ("unit.liaison", "staff", "director", "asset.officer")


def demo_username(role: str) -> str:
    return role.replace("_", ".")


def ensure_demo_users(session: Session, password: str) -> dict[str, str]:
    """Create the demo user of every role in ``DEMO_ROLES`` that does not exist yet; answer
    each role's demo user id, which its tokens carry as ``sub`` (the services' demo data is
    made in those users' names, so rules that compare people, such as never approving one's
    own request, hold for it)."""
    for role in DEMO_ROLES:
        ensure_user(
            session,
            username=demo_username(role),
            password=password,
            roles=[role],
            display_name=f"Demo {role.replace('_', ' ')}",
        )
    by_name = {demo_username(role): role for role in DEMO_ROLES}
    users = session.exec(select(User).where(col(User.username).in_(list(by_name))))
    return {by_name[user.username]: str(user.id) for user in users}


def link_unit_users(session: Session, *, unit_id: str, staff_id: str) -> None:
    """Give the demo users of ``UNIT_USERS`` ``unit_id`` (and the staff user ``staff_id``),
    unless they already have a unit; the caller commits."""
    for user in session.exec(select(User).where(col(User.username).in_(UNIT_USERS))):
        if user.unit_id is None:
            user.unit_id = unit_id
            if user.username == "staff":
                user.staff_id = staff_id
            session.add(user)
    session.flush()
