from django.apps import AppConfig


class NetworksConfig(AppConfig):
    name = "networks"
    verbose_name = "Networks: members, meetings, papers, minutes and actions"

    def ready(self) -> None:
        from networks import notices

        # Daily: actions due, to the owner organisation's people in the network.
        notices.register()
