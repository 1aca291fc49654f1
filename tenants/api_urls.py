from django.urls import path

from tenants import api

urlpatterns = [
    path("organisation/", api.CurrentOrganisationView.as_view(), name="api_organisation"),
    path("organisation/links/", api.LinksView.as_view(), name="api_organisation_links"),
    path("organisation/members/", api.MembersView.as_view(), name="api_organisation_members"),
]
