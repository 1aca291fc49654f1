"""A member's person on a network's site speaks for that member; once the member leaves, they speak for no
one there, and in particular never for the network itself (whose own write-ups are its co-ordinators')."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django_tenants.utils import tenant_context

from library import selectors, services
from library.models import Practice
from networks import services as network_services
from tests.library.conftest import network_member, text, write


def test_a_leavers_person_cannot_take_over_the_networks_own_write_ups(network, org_a, member, client_on):
    coordinator = member(network, "coordinator", full_name="Bartosz Wiśniewski")  # the network's own staff
    own = write(coordinator, network, title="The network's own induction pack")
    assert own.organisation_id == network.pk
    person = network_member(member, network, org_a, "prevent_lead", full_name="Ngozi Abernethy")
    ours = write(person, network, title="Alderley's welfare officers")
    assert ours.organisation_id == org_a.pk

    network_services.membership_end(actor=None, network=network, member=org_a, reason="left")

    assert selectors.speaks_for(network, person) == []
    assert selectors.speaks_for(network, coordinator) == [network]  # the network's own people are unchanged
    with tenant_context(network):
        for practice in (own, ours):
            assert not selectors.is_ours(practice, network, person)
            with pytest.raises(PermissionDenied):
                services.practice_edit(
                    actor=person, organisation=network, practice=practice, text=text(title="Taken over")
                )
        with pytest.raises(ValidationError) as refused:
            services.practice_create(actor=person, organisation=network, text=text(title="New after leaving"))
        assert "speaks_for" in refused.value.message_dict
    client = client_on(network, person)
    response = client.post(f"/library/{own.pk}/withdraw/")
    assert response.status_code == 404
    with tenant_context(network):
        assert Practice.objects.get(pk=own.pk).title == "The network's own induction pack"
        assert Practice.objects.get(pk=own.pk).status == "published"
        assert not Practice.objects.filter(title__in=["Taken over", "New after leaving"]).exists()
