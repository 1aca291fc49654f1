"""Open sockets end when what admitted them ends: the session, the account, or the membership.

Receivers here only translate Django's own events (sign-out; an account saved as
inactive by any path, including the shell) into `core.live.sockets_close`, which sends
after commit. Removal and role changes call it from their services.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_out
from django.db.models.signals import post_save
from django.dispatch import receiver

from core.live import sockets_close
from tenants.models import Organisation, User


def schemas_of(user_id: int) -> list[str]:
    """The schema of every organisation the person belongs to (one query)."""
    return list(
        Organisation.objects.filter(memberships__user_id=user_id).values_list("schema_name", flat=True).distinct()
    )


@receiver(user_logged_out, dispatch_uid="tenants.sessions.close_on_sign_out")
def close_on_sign_out(sender: Any, request: Any, user: User | None, **kwargs: Any) -> None:
    if user is None:
        return
    session_key = getattr(getattr(request, "session", None), "session_key", None)
    sockets_close(user_id=user.pk, schemas=schemas_of(user.pk), session_key=session_key, reason="signed_out")


@receiver(post_save, sender=User, dispatch_uid="tenants.sessions.close_on_deactivation")
def close_on_deactivation(sender: Any, instance: User, created: bool, **kwargs: Any) -> None:
    update_fields = kwargs.get("update_fields")
    if created or instance.is_active or (update_fields is not None and "is_active" not in update_fields):
        return
    sockets_close(user_id=instance.pk, schemas=schemas_of(instance.pk), reason="deactivated")
