"""Who must hear, inside the same transaction, that an agreement's flows changed.

`agreements` sits below `sharing`, so it cannot call the exchange; the exchange registers a
receiver here instead (in its `AppConfig.ready`). `flows_sync` calls `flows_changed` as its
last step, inside the transaction of every lifecycle change (edit, propose, sign, suspend,
resume, terminate), so whatever a receiver does (deleting keys, rotating a channel) commits
or rolls back with the change that caused it. Receivers must not swallow errors: a failure
aborts the change, which is what "access ends in the same transaction" needs.
"""

from __future__ import annotations

from collections.abc import Callable

Receiver = Callable[[int], None]
_receivers: list[Receiver] = []


def on_flows_changed(receiver: Receiver) -> Receiver:
    """Register `receiver(agreement_id)`; usable as a decorator. Registering twice is a no-op."""
    if receiver not in _receivers:
        _receivers.append(receiver)
    return receiver


def flows_changed(agreement_id: int) -> None:
    """Tell every receiver that `agreement_id`'s policy rows were rewritten. Call inside the transaction."""
    for receiver in list(_receivers):
        receiver(agreement_id)
