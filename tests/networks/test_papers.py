"""Papers: files checked by type, size and first bytes, kept in the network's schema, served as attachments
only to people of the network; circulating notifies readers, naming no one."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import tenant_context

from networks import services
from networks.models import Paper
from notifications.kinds import Kind
from notifications.models import Notification
from tenants.models import Role
from tests.html_text import visible_text
from tests.networks.conftest import schedule

PDF = b"%PDF-1.7\n% a short fictional paper\n%%EOF\n"


def _circulate(network, actor, meeting, upload=None, **kw):
    with tenant_context(network):
        return services.paper_circulate(
            actor=actor, network=network, meeting=meeting, title=kw.pop("title", "Regional update"), upload=upload, **kw
        )


def test_a_pdf_is_circulated_and_downloaded_as_an_attachment_with_its_type(
    network, coordinator, representative, client_on
):
    meeting = schedule(network, coordinator)
    paper = _circulate(network, coordinator, meeting, SimpleUploadedFile("../../etc/Łódź update é\u200b.pdf", PDF))

    response = client_on(network, representative).get(f"/network/papers/{paper.pk}/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    # the path is dropped, the zero-width space removed, the letters kept (RFC 6266 filename*)
    assert response["Content-Disposition"] == "attachment; filename*=utf-8''%C5%81%C3%B3d%C5%BA%20update%20%C3%A9.pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response.content == PDF


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("paper.exe", b"MZ...", "Upload a PDF"),
        ("paper.html", b"<script>alert(1)</script>", "Upload a PDF"),
        ("paper.pdf", b"<html>not a pdf</html>", "does not look like a .pdf file"),
        ("paper.docx", b"%PDF-1.4", "does not look like a .docx file"),
        ("notes.txt", "caf\u00e9".encode("latin-1"), "not UTF-8"),
        ("empty.pdf", b"", "empty"),
        ("big.pdf", b"%PDF-" + b"0" * (5 * 1024 * 1024), "up to 5 MB"),
    ],
)
def test_files_of_the_wrong_type_disguised_empty_or_too_big_are_refused_naming_file(
    network, coordinator, name, content, message
):
    meeting = schedule(network, coordinator)

    with pytest.raises(ValidationError) as raised:
        _circulate(network, coordinator, meeting, SimpleUploadedFile(name, content))

    assert message in " ".join(raised.value.message_dict["file"])
    with tenant_context(network):
        assert not Paper.objects.exists()


def test_a_paper_needs_a_file_or_text(network, coordinator):
    with pytest.raises(ValidationError) as raised:
        _circulate(network, coordinator, schedule(network, coordinator))
    assert "Upload a file or write" in raised.value.message_dict["text"][0]


def test_circulating_notifies_the_networks_readers_with_a_text_that_names_no_one(
    network, org_a, coordinator, representative, member
):
    outsider = member(org_a, Role.PREVENT_LEAD)  # a member organisation's person who is not in the network org
    meeting = schedule(network, coordinator, title="Briefing with Dr Ottoline Brisbane")

    _circulate(network, coordinator, meeting, text="Dates of briefings open to members' staff.")

    with tenant_context(network):
        told = {n.recipient_id: n for n in Notification.objects.filter(kind=Kind.PAPERS_OUT)}
    assert set(told) == {coordinator.pk, representative.pk} and outsider.pk not in told
    note = told[representative.pk]
    assert note.scope == "network:read" and note.url == f"/network/meetings/{meeting.pk}/"
    assert network.name in note.text
    for name in (coordinator.full_name, representative.full_name, "Briefing", "Brisbane"):
        assert name not in note.text


def test_a_paper_of_the_network_is_not_there_for_another_organisation(network, org_a, coordinator, member, client_on):
    paper = _circulate(network, coordinator, schedule(network, coordinator), SimpleUploadedFile("a.pdf", PDF))

    stranger = client_on(network, member(org_a, Role.PREVENT_LEAD))  # a member org's person, not in the network org
    on_own_host = client_on(org_a, member(org_a, Role.PREVENT_LEAD))

    assert stranger.get(f"/network/papers/{paper.pk}/").status_code == 404
    assert on_own_host.get(f"/network/papers/{paper.pk}/").status_code == 404


def test_the_meeting_page_lists_text_and_file_papers(network, coordinator, representative, client_on):
    meeting = schedule(network, coordinator, title="Spring meeting")
    _circulate(network, coordinator, meeting, SimpleUploadedFile("figures.pdf", PDF), title="Figures paper")
    _circulate(network, coordinator, meeting, title="Short note", text="Members to bring their events calendars.")

    page = visible_text(client_on(network, representative).get(f"/network/meetings/{meeting.pk}/"))

    assert "Figures paper (figures.pdf" in page
    assert "Short note" in page and "Members to bring their events calendars." in page


def test_circulating_through_the_page_shows_the_field_error(network, coordinator, client_on):
    meeting = schedule(network, coordinator)
    client = client_on(network, coordinator)

    bad = client.post(
        f"/network/meetings/{meeting.pk}/papers/",
        {"paper-title": "Plan", "paper-file": SimpleUploadedFile("plan.pdf", b"not a pdf")},
    )

    assert bad.status_code == 400
    assert "The file does not look like a .pdf file" in visible_text(bad)
