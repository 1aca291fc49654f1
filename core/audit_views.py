"""The audit trail's pages: an organisation's own events at /audit/ on its host (the auditor and
the data protection officer, `Scope.AUDIT_READ`) and the platform's events at /operator/audit/ on
the public site (platform operators). Read-only: GET and HEAD only; which events belong to whom
is `core.audit_trail`'s rule.
"""

from __future__ import annotations

import io
import json
import zipfile
from functools import cache
from pathlib import Path

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from core import audit, audit_trail
from core.dates import today
from hub.paging import page_of
from tenants.scopes import Scope, scope_required

PER_PAGE = 50


def _require_operator(request: HttpRequest) -> None:
    """Platform operators only (staff users, as `tenants.views.operator_organisations` requires)."""
    if not request.user.is_staff:
        raise PermissionDenied("Only platform operators can read the platform's audit trail.")


def _trail_page(
    request: HttpRequest, organisation_id: int | None, context: dict[str, object], export: str, name: str
) -> HttpResponse:
    form = audit_trail.filter_form(request.GET, organisation_id)
    invalid = form.is_bound and not form.is_valid()
    # Invalid filters show no events (not every event under "matching the filters") and no CSV link.
    events = audit_trail.events_of(organisation_id).none() if invalid else audit_trail.filtered(
        audit_trail.events_of(organisation_id), form)  # fmt: skip
    status = 400 if invalid else 200
    page = page_of(request, events, per_page=PER_PAGE)
    query = request.GET.copy()
    query.pop("page", None)
    rows = [(event, audit_trail.detail_text(event.detail)) for event in page.object_list]
    context |= {"form": form, "page": page, "rows": rows, "filtered": form.is_bound, "invalid": invalid,
                "export_url": reverse(export) + (f"?{query.urlencode()}" if query else ""),
                # The offline check names the files exactly as the downloads below save them, and pins
                # the platform's checkpoint key, so a checkpoint signed by any other key is refused.
                "checkpoint_file": _checkpoint_filename(name), "events_file": _events_filename(name),
                "key_fingerprint": audit.checkpoint_public_key()["fingerprint"]}  # fmt: skip
    return render(request, "core/audit_events.html", context, status=status)


def _export(request: HttpRequest, organisation_id: int | None, name: str) -> HttpResponse:
    form = audit_trail.filter_form(request.GET, organisation_id)
    if form.is_bound and not form.is_valid():
        return HttpResponse("The filters are not valid; correct them on the audit page.", status=400,
                            content_type="text/plain; charset=utf-8")  # fmt: skip
    events = audit_trail.filtered(audit_trail.events_of(organisation_id), form)
    # The export is itself an event, recorded before the file is written: it is in the trail even
    # if the download breaks off (and in the file too, as its newest row, when the filters match it).
    audit_trail.audit_export(actor=request.user, organisation_id=organisation_id, form=form, rows=events.count())
    response = StreamingHttpResponse(audit_trail.csv_lines(events), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}-audit-{today().isoformat()}.csv"'
    return response


@scope_required({"GET": Scope.AUDIT_READ})
@require_safe
def organisation_trail(request: HttpRequest) -> HttpResponse:
    """This organisation's events, newest first, 50 a page, filtered by the GET parameters."""
    context: dict[str, object] = {"heading": f"Audit trail of {request.tenant.name}", "platform": False}
    return _trail_page(request, request.tenant.pk, context, "audit_export", request.tenant.slug)


@scope_required({"GET": Scope.AUDIT_READ})
@require_safe
def organisation_export(request: HttpRequest) -> HttpResponse:
    """This organisation's filtered events as a CSV file (streamed); the export is an `audit.export` event."""
    return _export(request, request.tenant.pk, request.tenant.slug)


@login_required
@require_safe
def platform_trail(request: HttpRequest) -> HttpResponse:
    """The platform's events (no organisation), for platform operators, filtered as on /audit/."""
    _require_operator(request)
    return _trail_page(request, audit_trail.PLATFORM, {"heading": "Platform audit trail", "platform": True},
                       "operator_audit_export", "platform")  # fmt: skip


@login_required
@require_safe
def platform_export(request: HttpRequest) -> HttpResponse:
    """The platform's filtered events as CSV, for platform operators; an `audit.export` platform event."""
    _require_operator(request)
    return _export(request, audit_trail.PLATFORM, "platform")


def _checkpoint_filename(name: str) -> str:
    """The file name a checkpoint download saves as: `<slug or platform>-audit-checkpoint-<London date>.json`."""
    return f"{name}-audit-checkpoint-{today().isoformat()}.json"


def _events_filename(name: str) -> str:
    """The file name an events download saves as: `<slug or platform>-audit-events-<London date>.jsonl`."""
    return f"{name}-audit-events-{today().isoformat()}.jsonl"


def _checkpoint(request: HttpRequest, organisation_id: int | None, name: str) -> HttpResponse:
    """The chain's latest signed checkpoint, to keep off the server (`python -m core.audit_offline`)."""
    try:
        exported = audit.checkpoint_export(organisation_id)
    except ValueError:
        return HttpResponse(
            "The audit chain did not verify, so no checkpoint was signed. The platform operator has "
            "been told by the failed check; run `manage.py audit_verify` for the details.",
            status=409,
            content_type="text/plain; charset=utf-8",
        )
    audit.audit_record(
        action="audit.checkpoint_download",
        actor=request.user,
        organisation_id=organisation_id,
        detail={"seq": exported["statement"]["seq"]},
    )
    response = JsonResponse(exported, json_dumps_params={"indent": 2, "sort_keys": True})
    response["Content-Disposition"] = f'attachment; filename="{_checkpoint_filename(name)}"'
    return response


def _event_lines(organisation_id: int | None) -> object:
    for event in audit.events_export(organisation_id):
        yield json.dumps(event, sort_keys=True, separators=(",", ":")) + "\n"


def _events(request: HttpRequest, organisation_id: int | None, name: str) -> HttpResponse:
    """The whole chain as JSON Lines, for the offline verifier; the download is recorded first."""
    audit.audit_record(action="audit.chain_export", actor=request.user, organisation_id=organisation_id)
    response = StreamingHttpResponse(_event_lines(organisation_id), content_type="application/jsonl; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_events_filename(name)}"'
    return response


@scope_required({"GET": Scope.AUDIT_READ})
@require_safe
def organisation_checkpoint(request: HttpRequest) -> HttpResponse:
    """This organisation's latest signed checkpoint (JSON); an `audit.checkpoint_download` event."""
    return _checkpoint(request, request.tenant.pk, request.tenant.slug)


@scope_required({"GET": Scope.AUDIT_READ})
@require_safe
def organisation_events(request: HttpRequest) -> HttpResponse:
    """This organisation's whole chain as JSON Lines (streamed); an `audit.chain_export` event."""
    return _events(request, request.tenant.pk, request.tenant.slug)


@login_required
@require_safe
def platform_checkpoint(request: HttpRequest) -> HttpResponse:
    """The platform chain's latest signed checkpoint, for platform operators."""
    _require_operator(request)
    return _checkpoint(request, audit_trail.PLATFORM, "platform")


@login_required
@require_safe
def platform_events(request: HttpRequest) -> HttpResponse:
    """The platform chain as JSON Lines, for platform operators."""
    _require_operator(request)
    return _events(request, audit_trail.PLATFORM, "platform")


VERIFIER_FILENAME = "audit-verifier.pyz"
_VERIFIER_MAIN = "import sys\n\nfrom core.audit_offline import main\n\nsys.exit(main(sys.argv[1:]))\n"


@cache
def verifier_archive() -> bytes:
    """The offline verifier as one runnable file (a zipapp): `python audit-verifier.pyz --checkpoint …`.

    Holds `core/audit_offline.py` and `core/crypto.py` exactly as this hub runs them, plus a
    `__main__.py`; needs Python 3.11+ and the `cryptography` package, nothing else.
    """
    source = Path(__file__).resolve().parent
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("__main__.py", _VERIFIER_MAIN)
        archive.writestr("core/__init__.py", "")
        for name in ("audit_offline.py", "crypto.py"):
            archive.write(source / name, f"core/{name}")
    return buffer.getvalue()


def _verifier() -> HttpResponse:
    response = HttpResponse(verifier_archive(), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{VERIFIER_FILENAME}"'
    return response


@scope_required({"GET": Scope.AUDIT_READ})
@require_safe
def organisation_verifier(request: HttpRequest) -> HttpResponse:
    """The offline verifier, one file to run with Python (no database, no hub needed)."""
    return _verifier()


@login_required
@require_safe
def platform_verifier(request: HttpRequest) -> HttpResponse:
    """The offline verifier, for platform operators."""
    _require_operator(request)
    return _verifier()
