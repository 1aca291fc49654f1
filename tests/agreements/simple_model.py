"""An independent, deliberately simple statement of the sharing rule, for checking the policy.

It reads agreements as plain dicts, the way a person would read the issue: find every
agreement that is active now, look through the flows of its version in force, and keep those
that cover the request. Nothing here imports the policy.

An agreement names its version in force as `"current"` (a version id; `Agreement.current_version`).
A pending successor is any other version: it allows nothing until it becomes the current one.
Without `"current"`, the last version is the one in force.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

# The denial reasons, from "nothing" to "nearly allowed", as the policy documents them.
REASONS = [
    "superseded_version",
    "recipient_not_a_network_member",
    "not_signed_by_every_party",
    "terminated",
    "suspended",
    "not_yet_started",
    "expired",
    "purpose_not_covered",
    "level_too_high",
    "no_art9_or_art10_condition",
]


def in_force_id(agreement: dict[str, Any]) -> int:
    return agreement.get("current", agreement["versions"][-1]["id"])


def covers(flow: dict[str, Any], source: int, recipient: int, kind: str) -> bool:
    return (
        flow["kind"] == kind and source in flow["senders"] and recipient in flow["recipients"] and source != recipient
    )


def problems(
    agreement: dict[str, Any],
    version: dict[str, Any],
    level: int,
    purpose: str,
    at: datetime,
    flow_level: int,
    kind: str = "",
) -> list[str]:
    found = []
    if version["id"] != in_force_id(agreement):
        found.append("superseded_version")
    if not version["proposed"] or not set(version["parties"]) <= set(version["signed_by"]):
        found.append("not_signed_by_every_party")
    if agreement["terminates_at"] is not None and at >= agreement["terminates_at"]:
        found.append("terminated")
    if agreement["suspended"]:
        found.append("suspended")
    if at < version["start"]:
        found.append("not_yet_started")
    if at >= version["expiry"]:
        found.append("expired")
    if purpose not in version["purposes"]:
        found.append("purpose_not_covered")
    if level > flow_level:
        found.append("level_too_high")
    # A referral at full identifies a person: the version must record its Art. 9 or Art. 10 condition.
    if kind == "referral" and level == 3 and not version.get("art9_or_art10_condition", False):
        found.append("no_art9_or_art10_condition")
    return found


# A network sends its figures and risk summaries only to its members and convenors of the moment,
# and opens theirs only while they are.
NETWORK_KINDS = {"network_figures", "risk_summary"}


def decide(
    agreements: list[dict[str, Any]],
    *,
    source: int,
    recipient: int,
    kind: str,
    level: int,
    purpose: str,
    at: datetime,
    networks: dict[int, set[int]] | None = None,
) -> dict[str, Any]:
    """{"allowed": bool, "reason": str, and for an allowed flow: agreement, version, max_level, retention, ends}.

    `networks`: each network's (or group's) id -> the ids of its members and convenors now.
    """
    candidates, nearest = [], -1
    networks = networks or {}
    outside = kind in NETWORK_KINDS and (
        (source in networks and recipient not in networks[source])
        or (recipient in networks and source not in networks[recipient])  # a member's records to it
    )
    for agreement in agreements:
        for version in agreement["versions"]:
            levels = [f["max_level"] for f in version["flows"] if covers(f, source, recipient, kind)]
            if not levels:
                continue
            found = problems(agreement, version, level, purpose, at, max(levels), kind)
            if outside:
                found = sorted([*found, "recipient_not_a_network_member"], key=REASONS.index)
            if found:
                nearest = max(nearest, REASONS.index(found[0]))
                continue
            ends = version["expiry"]
            if agreement["terminates_at"] is not None and agreement["terminates_at"] < ends:
                ends = agreement["terminates_at"]
            candidates.append((-max(levels), ends, agreement["id"], version["id"], version["retention"]))
    if not candidates:
        return {"allowed": False, "reason": "no_agreement" if nearest < 0 else REASONS[nearest]}
    best = sorted(candidates)[0]
    return {
        "allowed": True,
        "reason": "active_agreement",
        "agreement": best[2],
        "version": best[3],
        "max_level": -best[0],
        "retention": best[4],
        "ends": best[1],
    }
