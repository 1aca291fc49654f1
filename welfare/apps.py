from django.apps import AppConfig


class WelfareConfig(AppConfig):
    name = "welfare"
    verbose_name = "Welfare concerns, cases and referrals"

    def ready(self) -> None:
        from tenants.scopes import register_scope_provider
        from welfare.rights import deputy_scopes, deputy_scopes_many

        # The Prevent lead's named deputies (WelfareSettings.deputies) see every case and escalate.
        register_scope_provider(deputy_scopes, many=deputy_scopes_many)

        from welfare import notices

        # A case's notifications reach only those who may still see it; actions due, daily.
        notices.register()

        # Leaving ends being a deputy and being on case teams (coming back later restores neither).
        from django.db.models.signals import post_delete

        from tenants.models import Membership

        post_delete.connect(_member_left, sender=Membership, dispatch_uid="welfare.member_left")


def _member_left(sender: object, instance: object, **kwargs: object) -> None:
    from welfare.services.settings import welfare_member_left

    welfare_member_left(membership=instance)  # type: ignore[arg-type]
