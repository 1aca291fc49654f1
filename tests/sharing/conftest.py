"""Exchange fixtures: projections of decided requests, and agreements between the session's organisations."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import pytest

from tests.agreements.conftest import Drafting


@dataclass
class FakeProjection:
    """Stands in for speakers.projection.DecisionProjection: the exchange only needs this interface."""

    request_id: int
    speaker_names: tuple[str, ...]
    outcome: str = "approved_with_mitigations"
    mitigations: tuple[str, ...] = ("Independent chair",)
    rationale: str = "Lawful speech; an independent chair keeps the Q&A balanced."
    decided_on: str = field(default_factory=lambda: date.today().isoformat())  # noqa: DTZ011
    expires_on: str = field(default_factory=lambda: (date.today() + timedelta(days=365)).isoformat())  # noqa: DTZ011

    def per_speaker(self, *, full: bool = False) -> list[dict[str, Any]]:
        base = {
            "request_id": self.request_id,
            "event_date": self.decided_on,
            "event_format": "in_person",
            "open_to_public": True,
            "outcome": self.outcome,
            "mitigations": list(self.mitigations),
            "decided_on": self.decided_on,
            "expires_on": self.expires_on,
        }
        if full:
            base["rationale"] = self.rationale
        return [{"speaker_name": name, **base} for name in self.speaker_names]


@pytest.fixture
def drafting(member) -> Drafting:
    return Drafting(member)


def speaker_flow(senders, recipients, level="summary"):
    return {
        "kind": "speaker_check",
        "senders": [o.slug for o in senders],
        "recipients": [o.slug for o in recipients],
        "max_level": level,
    }


from tests.speakers.conftest import cast  # noqa: E402,F401 (the speakers' cast fixture, for decision tests here)
