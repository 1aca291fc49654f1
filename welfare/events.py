"""Who hears, inside the changing transaction, that a case's stage, outcome or status changed.

Welfare does not import the apps built on it: the referrals app registers a listener here (in
its AppConfig.ready) to update the pseudonymised summaries it already sent, so a validating
university's view joins up without anyone re-sharing by hand. A listener must not raise for an
expected refusal (an agreement that ended); anything it raises rolls the change back.
"""

from __future__ import annotations

from collections.abc import Callable

from welfare.models import Case

CaseListener = Callable[[Case], object]
_listeners: list[CaseListener] = []


def on_case_changed(listener: CaseListener) -> CaseListener:
    """Register `listener(case)`; registering the same function twice has no further effect."""
    if listener not in _listeners:
        _listeners.append(listener)
    return listener


def case_changed_announce(case: Case) -> None:
    """Tell every listener; call inside the transaction that saved `case`, in its organisation's schema."""
    for listener in _listeners:
        listener(case)
