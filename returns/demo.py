"""Demo content for the annual Prevent return: a draft for Northmoor's last complete academic year.

The speakers demo's requests are all recent (this academic year), so Northmoor first imports last
year's register from a spreadsheet, as a provider starting on the hub would (`speakers`' historical
import, every outcome and rejection category, fictional names). The draft is then assembled from
those, Northmoor's demo welfare records and the reports its franchise
partner, Northmoor International College, filed through the exchange (`partners.demo`): the gaps
the demo has (months without records, the college's term without a report, training not yet
recorded) show as the return flags them. Running it twice creates nothing new.
"""

from __future__ import annotations

from datetime import date, timedelta

from django_tenants.utils import tenant_context

from core.csv_file import write_csv
from core.dates import today
from returns import services
from returns.models import AnnualReturn
from returns.years import last_complete_year
from speakers.models import EventRequest
from speakers.services import event_requests_import
from tenants.models import Organisation, User

UNIVERSITY = "northmoor"
PREVENT_LEAD = "amara.okafor@northmoor.example"


def demo_returns(by_slug: dict[str, Organisation]) -> None:
    """Assemble Northmoor's draft return for the last complete academic year, unless it has one."""
    university = by_slug.get(UNIVERSITY)
    lead = User.objects.filter(email=PREVENT_LEAD).first()
    if university is None or lead is None:
        return
    year = last_complete_year(today())
    with tenant_context(university):
        if AnnualReturn.objects.filter(year_code=year.academic_year).exists():
            return
        if not EventRequest.objects.filter(reference__startswith=REFERENCE).exists():
            event_requests_import(actor=lead, csv_text=_history(year.start))
        services.return_assemble(actor=lead, organisation=university, year=year)


REFERENCE = "HIST-"
# (month offset from 1 August, title, speaker, outcome, rejection category, mitigation basis)
HISTORY = [
    (1, "Freshers' faith fair", "Revd Grace Mensah", "approved", "", ""),
    (2, "Borders and belonging", "Dr Yusra Haddad", "approved_with_mitigations", "", "prevent"),
    (2, "Housing and the city", "Cllr Tom Whitfield", "approved", "", ""),
    (3, "Climate direct action: a debate", "Freya Lindqvist", "approved_with_mitigations", "", "other"),
    (4, "Conflict and international law", "Prof Karim Nasser", "approved_with_mitigations", "", "prevent"),
    (5, "Open mic: poetry of protest", "Jade Okonkwo", "withdrawn", "", ""),
    (6, "Masculinity online", "Marcus Bell", "rejected", "prevent", ""),
    (6, "Rave safety night", "DJ Ana Popescu", "rejected", "health_and_safety", ""),
    (7, "Sikh heritage and the Raj", "Dr Harjit Sandhu", "approved", "", ""),
    (8, "Drug policy: decriminalise?", "Nikolai Ivanov", "rejected", "procedural", ""),
    (9, "Gender and the law", "Prof Helen Marsh", "approved_with_mitigations", "", "other"),
    (10, "Faith and Pride", "Imam Daoud Rahman", "speaker_not_invited", "", ""),
    (10, "Tech, privacy and the state", "Dr Mei Lin", "rejected", "other", ""),
]  # fmt: skip


def _history(start: date) -> str:
    """Last year's register as the speakers import reads it (speakers/csv_format.py)."""
    header = ["reference", "title", "starts_at", "venue", "submitted_on", "outcome", "decided_on", "reasons",
              "rejection_category", "speaker_1_name", "mitigation_1_label", "mitigation_1_basis"]  # fmt: skip
    rows = []
    for n, (months, title, speaker, outcome, category, basis) in enumerate(HISTORY, start=1):
        decided = date(start.year + (start.month + months - 1) // 12, (start.month + months - 1) % 12 + 1, 12)
        event, submitted = decided + timedelta(days=21), decided - timedelta(days=14)
        rows.append([
            f"{REFERENCE}{n:03d}", title, f"{event.isoformat()} 18:30", "Main hall", submitted.isoformat(),
            outcome, decided.isoformat(), "Recorded in last year's register.", category, speaker,
            "Independent chair" if basis else "", basis,
        ])  # fmt: skip
    return write_csv(header, rows)
