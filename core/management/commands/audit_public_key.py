from typing import Any

from django.core.management.base import BaseCommand

from core.audit import checkpoint_public_key


class Command(BaseCommand):
    help = (
        "Print the platform's audit checkpoint public key (Ed25519, base64) and its fingerprint, to publish; "
        "organisations pass either to `python -m core.audit_offline --public-key`."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        key = checkpoint_public_key()
        self.stdout.write(f"Audit checkpoint public key ({key['algorithm']}, base64): {key['public_key']}")
        self.stdout.write(f"Fingerprint (SHA-256 of the raw key, first 128 bits): {key['fingerprint']}")
