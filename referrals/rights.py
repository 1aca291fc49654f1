"""Who may send what about a case, and who may read what was received: the one place to read these rights.

At the partner (the source):

* share a case's summary or ask for its identified transfer: `referrals:share` now (the Prevent
  lead and named deputies) **and** the case is visible to you now (`welfare.rights.can_see_case`:
  case team, Prevent lead, deputies). A case you may not see is answered like a missing one.
* approve or decline an identified transfer: `referrals:approve` now, and you are not the person
  who asked for it (a second person; the database refuses it too).

At the validating university (the recipient):

* read aggregates and summaries received: `referrals:read_received` (Prevent lead, DPO).
* open an identified transfer: `referrals:read_received` **and** `welfare:all_cases` (the Prevent
  lead and named deputies: those who would act on it). A DPO sees that a transfer arrived, when
  and under which agreement, not whom it names.
"""

from __future__ import annotations

from tenants.models import Membership, User
from tenants.scopes import Scope, scopes_of
from welfare import rights as welfare_rights
from welfare.models import Case

SEES_REFERRALS_PAGES = (Scope.REFERRALS_SHARE, Scope.REFERRALS_APPROVE, Scope.REFERRALS_READ_RECEIVED)


def can_share_case(membership: Membership | None, case: Case) -> bool:
    return (
        membership is not None
        and Scope.REFERRALS_SHARE in scopes_of(membership)
        and welfare_rights.can_see_case(membership, case)
    )


def can_approve(membership: Membership | None, requested_by_id: int) -> bool:
    return (
        membership is not None
        and Scope.REFERRALS_APPROVE in scopes_of(membership)
        and membership.user_id != requested_by_id
    )


def why_not_approve(membership: Membership | None, requested_by_id: int) -> str:
    """The reason a page shows instead of the approve button ("" when the person may approve)."""
    if membership is not None and membership.user_id == requested_by_id:
        return "You asked for this transfer, so a second person must approve it."
    if membership is None or Scope.REFERRALS_APPROVE not in scopes_of(membership):
        return "Only the Prevent lead or the data protection officer approves an identified transfer."
    return ""


def can_open_identified(membership: Membership | None) -> bool:
    held = scopes_of(membership)
    return Scope.REFERRALS_READ_RECEIVED in held and Scope.WELFARE_ALL_CASES in held


def display_name(user: User | None) -> str:
    if user is None:
        return ""
    return user.full_name or user.email
