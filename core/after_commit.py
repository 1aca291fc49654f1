"""Side effects leave only after the transaction that caused them commits."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from asgiref.sync import async_to_sync
from django.db import transaction


def run_after_commit(func: Callable[[], Any]) -> None:
    """Run `func` once the current transaction commits (at once outside a transaction)."""
    transaction.on_commit(func, robust=True)


def send_after_commit(group: str, message: dict[str, Any]) -> None:
    """Send a channel-layer message to `group` after commit; a rolled-back change sends nothing."""

    def send() -> None:
        from channels.layers import get_channel_layer

        layer = get_channel_layer()
        if layer is not None:
            async_to_sync(layer.group_send)(group, message)

    run_after_commit(send)
