"""Real referral objects behind the URL kwargs of the role × page matrix (tests/hub/test_rights_matrix.py).

A pending identified-transfer request asked by the Prevent lead (the only role that may share), for
the welfare matrix's case. It is made as a row: the matrix's organisation has no agreement allowing
an identified referral, so approving it is refused by the policy (a message, not a 403 or 404), and
the Prevent lead approving their own request is refused with the reason. Rules beyond the scopes
are tested in tests/referrals/.
"""

from __future__ import annotations

from django_tenants.utils import tenant_context

from referrals.models import TransferRequest
from tenants.models import Organisation, Role


def referrals_matrix_kwargs(organisation: Organisation, people: dict, case_id: int, recipient: Organisation) -> dict:
    with tenant_context(organisation):
        transfer = TransferRequest.objects.create(
            case_id=case_id,
            case_number=case_id,
            recipient=recipient,
            agreement_id=0,
            justification="Needed to plan support on the main campus next week.",
            requested_by=people[Role.PREVENT_LEAD],
        )
    return {"transfer_id": transfer.pk}
