"""Starting points for new agreements, written for this product.

Each template fills every field of the terms for a given list of parties (slugs, in the
order the template names them); the drafter reviews and edits before sending for signature.
Dates default to a three-year agreement starting today with a review after one year.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from agreements.models import Controllers, LawfulBasis, Purpose, RecordKind
from core.dates import today as uk_today
from tenants.models import Organisation, OrganisationKind

# Organisations that receive members' reports: a regional network or a local Prevent (Silver) group.
NETWORK_KINDS = (OrganisationKind.NETWORK, OrganisationKind.PREVENT_GROUP)

COMMON = {
    "lawful_basis": LawfulBasis.PUBLIC_TASK,
    "controllers": Controllers.SEPARATE,
    "legal_power": (
        "Section 26 of the Counter-Terrorism and Security Act 2015 (the Prevent duty) and each party's "
        "statutory or charitable powers to provide education and to safeguard its students."
    ),
    "security": (
        "Records travel only through Partnership Hub, encrypted for the named recipients. Access is limited to "
        "staff with a Prevent, safeguarding or events role; nothing is copied into email or removable media; "
        "a suspected breach is reported to the other parties' data protection officers within 24 hours."
    ),
    "individual_rights": (
        "Each party answers rights requests about the records it holds; a party that receives a request "
        "about shared data tells the sending party within five working days. Privacy notices of every party "
        "describe this sharing."
    ),
    "dpia_done": True,
    "dpia_outcome": "Residual risk low with the safeguards above; reviewed at each agreement review.",
    "dpo_view": "The data protection officers of the parties were consulted and support the sharing as drafted.",
}


@dataclass(frozen=True)
class IsaTemplate:
    code: str
    name: str
    description: str
    party_roles: str
    build: Callable[[list[str]], dict[str, Any]]

    def terms(self, parties: list[str], today: date | None = None) -> dict[str, Any]:
        today = today or uk_today()
        terms = {
            **COMMON,
            "start_date": today,
            "review_date": today + timedelta(days=365),
            "expiry_date": today + timedelta(days=3 * 365),
        }
        terms.update(self.build(parties))
        return terms


def _franchise(parties: list[str]) -> dict[str, Any]:
    university, partner = (parties + ["", ""])[:2]
    return {
        "title": "Franchise partner Prevent reporting agreement",
        "purpose": (
            "So that the validating university can oversee how its franchise partner meets the Prevent duty for "
            "students on validated courses: concerns and referrals, external speaker decisions, training and "
            "policy changes."
        ),
        "purposes": [Purpose.PARTNER_OVERSIGHT, Purpose.SPEAKER_DUE_DILIGENCE, Purpose.SAFEGUARDING_REFERRAL],
        "special_category_condition": "Art. 9(2)(g) substantial public interest.",
        "criminal_offence_condition": "Art. 10, authorised by DPA 2018 s.10(5).",
        "dpa_schedule1_condition": "Schedule 1 paragraph 18 (safeguarding of children and individuals at risk).",
        "data_items": (
            "Partner reports (counts of concerns, training completion, policy changes); external speaker "
            "decisions with mitigations; for referrals, the student's name, course, the concern and its outcome."
        ),
        "necessity": (
            "The university remains responsible for students on its validated courses and cannot oversee the "
            "partner's Prevent arrangements without these reports; referrals are shared only when a student "
            "on a validated course is referred."
        ),
        "sharing_frequency": "Partner reports each term; referrals and speaker decisions as they occur.",
        "retention_days": 2190,
        "small_number_threshold": 5,
        "flows": [
            {
                "kind": RecordKind.PARTNER_REPORT,
                "senders": [partner],
                "recipients": [university],
                "max_level": "summary",
            },
            {"kind": RecordKind.REFERRAL, "senders": [partner], "recipients": [university], "max_level": "full"},
            {
                "kind": RecordKind.SPEAKER_CHECK,
                "senders": [partner, university],
                "recipients": [university, partner],
                "max_level": "summary",
            },
        ],
    }


def _networks_among(parties: list[str]) -> list[str]:
    """The parties (slugs, in the given order) that are a network or a Silver group."""
    found = set(Organisation.objects.filter(slug__in=parties, kind__in=NETWORK_KINDS).values_list("slug", flat=True))
    return [slug for slug in parties if slug in found]


def _risk_summary_flows(parties: list[str], networks: list[str]) -> list[dict[str, Any]]:
    """Members send their risk register summary (counts only) to the network: never to each other.

    A Silver group "reviews" members' Prevent risk assessments only as figures: the register's
    titles, descriptions and controls stay with the member (the seed's Leeds College of Art
    practice: the group reviews the college's own register; the network sees the picture).
    """
    members = [slug for slug in parties if slug not in networks]
    if not networks or not members:
        return []
    return [{"kind": RecordKind.RISK_SUMMARY, "senders": members, "recipients": networks, "max_level": "aggregate"}]


def _network(parties: list[str]) -> dict[str, Any]:
    networks = _networks_among(parties)
    return {
        "title": "Network external speaker check exchange",
        "purpose": (
            "So that members can ask each other whether an external speaker has been assessed recently, by whom, "
            "with what outcome and mitigations, before deciding on their own event. There is no banned list: "
            "each member decides for itself."
        ),
        "purposes": [Purpose.SPEAKER_DUE_DILIGENCE, Purpose.NETWORK_REPORTING],
        "data_items": (
            "Speaker's public name and its variants, event date and type, the assessing member, outcome, "
            "mitigations and freedom-of-speech considerations; network figures as counts only."
        ),
        "necessity": (
            "Members often host the same speakers; sharing prior assessments avoids repeated checks and gives "
            "reviewers context. Only public-facing information about speakers is shared."
        ),
        "sharing_frequency": "As speaker checks are completed; network figures each term.",
        "retention_days": 730,
        "flows": [
            {
                "kind": RecordKind.SPEAKER_CHECK,
                "senders": list(parties),
                "recipients": list(parties),
                "max_level": "summary",
            },
            {
                "kind": RecordKind.NETWORK_FIGURES,
                "senders": list(parties),
                "recipients": list(parties),
                "max_level": "aggregate",
            },
            *_risk_summary_flows(parties, networks),
        ],
    }


def _network_risks(parties: list[str]) -> dict[str, Any]:
    network = parties[0] if parties else ""
    return {
        "title": "Risk register summaries to the network",
        "purpose": (
            "So that a network or Silver group can see, across its members, how many Prevent risks each holds by "
            "theme and rating and how their action plans stand, to plan its meetings, training and good-practice "
            "work. Each member keeps and manages its own register; only counts cross."
        ),
        "purposes": [Purpose.NETWORK_REPORTING],
        "data_items": (
            "Counts only: current risks by category and rating band, reviews due, actions open and overdue, and "
            "the date the summary was made. No risk titles, descriptions, controls, owners or names."
        ),
        "necessity": (
            "The network cannot see the shape of its members' Prevent risks without them; counts are enough for "
            "that, so nothing else is shared."
        ),
        "sharing_frequency": "When a member chooses to share, typically before each network meeting.",
        "retention_days": 730,
        "flows": _risk_summary_flows(parties, [network]),
    }


def _network_figures(parties: list[str]) -> dict[str, Any]:
    network, members = (parties or [""])[0], list(parties[1:])
    return {
        "title": "Network figures agreement",
        "purpose": (
            "So that the network can see its members' Prevent work together, term by term — speaker and event "
            "requests by outcome, welfare cases escalated by Prevent stage, training coverage — and each member can "
            "see its own figures beside the network's. Counts only; small numbers are suppressed."
        ),
        "purposes": [Purpose.NETWORK_REPORTING],
        "data_items": (
            "Counts for a term: speaker and event requests by outcome; welfare cases reaching each Prevent stage; "
            "required training complete and overdue. No names, no case details."
        ),
        "necessity": (
            "Regional networks compare practice and spot trends across members (as the London Regional Network "
            "and the Wolverhampton partnership do); aggregate counts are the least that serves that purpose."
        ),
        "sharing_frequency": "Each term, after it ends.",
        "retention_days": 1825,
        "small_number_threshold": 5,
        "flows": [
            {"kind": RecordKind.NETWORK_FIGURES, "senders": members, "recipients": [network], "max_level": "aggregate"},
            {"kind": RecordKind.NETWORK_FIGURES, "senders": [network], "recipients": members, "max_level": "aggregate"},
        ],
    }


def _referral(parties: list[str]) -> dict[str, Any]:
    return {
        "title": "Bilateral referral notification agreement",
        "purpose": (
            "So that two institutions sharing students (joint programmes, shared sites) tell each other that a "
            "Prevent referral concerning a shared student has been made and its outcome, so support is joined up."
        ),
        "purposes": [Purpose.SAFEGUARDING_REFERRAL],
        "special_category_condition": "Art. 9(2)(g) substantial public interest.",
        "criminal_offence_condition": "",
        "dpa_schedule1_condition": "Schedule 1 paragraph 18 (safeguarding of children and individuals at risk).",
        "data_items": "Notification that a referral was made, its date, the receiving body and the outcome.",
        "necessity": (
            "Without notification each institution may act on partial information about a student both support; "
            "the summary level shares the fact and outcome of a referral, not its rationale."
        ),
        "sharing_frequency": "Within five working days of a referral or its outcome.",
        "retention_days": 1095,
        "flows": [
            {
                "kind": RecordKind.REFERRAL,
                "senders": list(parties[:2]),
                "recipients": list(parties[:2]),
                "max_level": "summary",
            },
        ],
    }


TEMPLATES = {
    t.code: t
    for t in [
        IsaTemplate(
            "franchise",
            "Franchise partner ↔ validating university",
            "Partner reports, referrals and speaker decisions from a partner to its university.",
            "first the validating university, then the partner",
            _franchise,
        ),
        IsaTemplate(
            "network_speaker_checks",
            "Network speaker-check exchange",
            "Members of a network or Silver group share speaker checks with each other.",
            "every member (two or more)",
            _network,
        ),
        IsaTemplate(
            "network_risk_summary",
            "Risk register summaries to a network",
            "Members send counts from their Prevent risk register and action plan to a network or Silver group.",
            "first the network or Silver group, then every member sending summaries",
            _network_risks,
        ),
        IsaTemplate(
            "network_figures",
            "Network figures (network ↔ its members)",
            "Members send their termly counts to the network; the network sends its suppressed totals back.",
            "first the network or group, then its members",
            _network_figures,
        ),
        IsaTemplate(
            "referral_notification",
            "Bilateral referral notification",
            "Two institutions tell each other about referrals concerning shared students.",
            "the two institutions",
            _referral,
        ),
    ]
}
