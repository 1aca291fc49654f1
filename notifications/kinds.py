"""What a person can be notified of, and how each kind is delivered unless they choose otherwise.

Each kind traces to a practice in the sector's case studies: a Prevent lead deciding on an
event hears at once when a shared check matches an open request; a signatory hears an
agreement awaits them; a university hears a partner's report arrived or is overdue.
"""

from __future__ import annotations

from django.db import models


class Kind(models.TextChoices):
    CHECK_MATCH = "check_match", "A shared speaker check matches one of our open speaker requests"
    AGREEMENT_TO_SIGN = "agreement_to_sign", "An agreement awaits my signature"
    AGREEMENT_REVIEW_DUE = "agreement_review_due", "An agreement is due for review"
    AGREEMENT_CHANGED = "agreement_changed", "An agreement was suspended, given notice or ended"
    DETAIL_REQUESTED = "detail_requested", "A request for detail about one of our checks arrived"
    DETAIL_ANSWERED = "detail_answered", "Our request for detail was answered"
    ESCALATED = "escalated", "A speaker request was escalated to me"
    CONCERN = "concern", "A welfare concern or case needs me"
    PARTNER_REPORT_ARRIVED = "partner_report_arrived", "A partner's periodic report arrived"
    PARTNER_REPORT_OVERDUE = "partner_report_overdue", "A partner's periodic report is overdue"
    PAPERS_OUT = "papers_out", "A network meeting's papers are out"
    ACTION_DUE = "action_due", "An action is due"


class Delivery(models.TextChoices):
    HUB = "hub", "In the hub only"
    EMAIL = "email", "In the hub and by email, one email each"
    DIGEST = "digest", "In the hub and in a daily email digest"


# Unless a person chooses otherwise: what needs someone's action soon is emailed at once,
# the rest waits for the morning digest.
DEFAULT_DELIVERY: dict[str, str] = {
    Kind.CHECK_MATCH: Delivery.EMAIL,
    Kind.AGREEMENT_TO_SIGN: Delivery.EMAIL,
    Kind.AGREEMENT_REVIEW_DUE: Delivery.DIGEST,
    Kind.AGREEMENT_CHANGED: Delivery.EMAIL,
    Kind.DETAIL_REQUESTED: Delivery.EMAIL,
    Kind.DETAIL_ANSWERED: Delivery.DIGEST,
    Kind.ESCALATED: Delivery.EMAIL,
    Kind.CONCERN: Delivery.EMAIL,
    Kind.PARTNER_REPORT_ARRIVED: Delivery.DIGEST,
    Kind.PARTNER_REPORT_OVERDUE: Delivery.DIGEST,
    Kind.PAPERS_OUT: Delivery.DIGEST,
    Kind.ACTION_DUE: Delivery.DIGEST,
}
