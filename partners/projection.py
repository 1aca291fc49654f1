"""What leaves the partner: the sealed record of one report version (summary level, small counts suppressed)."""

from __future__ import annotations

from typing import Any

from partners.models import PartnerReport
from partners.suppression import DEFAULT_THRESHOLD, suppress
from tenants.models import Organisation, User

FORMAT = "partner-report/v1"


def report_record(
    report: PartnerReport, *, organisation: Organisation, signer: User | None, threshold: int = DEFAULT_THRESHOLD
) -> dict[str, Any]:
    """The record the university receives, small counts suppressed with the agreement's `threshold`.
    `signer` None gives the preview a draft shows before sign-off."""
    figures = {k: v for k, v in report.figures.items() if k not in ("format", "period")}
    return {
        "format": FORMAT,
        "partner": organisation.name,
        "period": report.figures.get("period", {"code": report.period_code}),
        "version": report.version,
        "figures": suppress(figures, threshold),
        "narrative": {
            "training_delivered": report.training_delivered,
            "policy_changes": report.policy_changes,
            "open_actions": report.open_actions,
            "comments": report.comments,
        },
        "assembled_at": report.assembled_at.isoformat(),
        "signed_off": None
        if signer is None
        else {
            "name": signer.full_name,
            "role": "Prevent lead",
            "at": report.signed_off_at.isoformat() if report.signed_off_at else None,
        },
    }
