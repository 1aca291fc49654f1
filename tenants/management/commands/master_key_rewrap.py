from typing import Any

from django.core.management.base import BaseCommand

from core.keyring import secrets_rewrap
from tenants.keys import master_key_rewrap


class Command(BaseCommand):
    help = (
        "After setting a new HUB_MASTER_KEY (old one in HUB_MASTER_KEY_PREVIOUS), re-wrap every organisation "
        "private key under the new key. Safe to run while the hub serves, and to run again."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        keys = master_key_rewrap()
        secrets = secrets_rewrap()
        self.stdout.write(
            self.style.SUCCESS(
                f"Re-wrapped {keys} private key(s) and {secrets} secret(s) under the current master key."
            )
        )
