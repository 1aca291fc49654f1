from django.apps import AppConfig


class SpeakersConfig(AppConfig):
    name = "speakers"
    verbose_name = "External speaker and event requests"

    def ready(self) -> None:
        from sharing.selectors import register_title_provider
        from speakers import notices
        from speakers.rights import procedure_scopes, procedure_scopes_many
        from speakers.selectors import request_titles
        from tenants.scopes import register_scope_provider

        # Which roles review and which decides escalations is each organisation's own procedure.
        register_scope_provider(procedure_scopes, many=procedure_scopes_many)
        # "Checks we shared" names each event by its title, read from our own requests.
        register_title_provider(request_titles)
        # A check shared with us that matches an open request notifies our exchange searchers.
        from notifications.kinds import Kind
        from notifications.services import register_object_check
        from sharing.matches import register_match_finder
        from speakers.matches import may_see_request, open_requests_matching

        register_match_finder(open_requests_matching)
        register_object_check(Kind.CHECK_MATCH, may_see_request)
        # A request escalated to someone notifies them while it stays theirs.
        notices.register()
