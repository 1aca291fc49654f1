"""Demo content for training records: fictional, created idempotently.

The University of Northmoor follows the tiered model of the case studies: a Prevent awareness
e-learning module for all staff (refreshed every three years), an enhanced module for academic and
student services staff, face-to-face WRAP workshops for security, catering and cleaning staff, and a
briefing on the external speaker procedure for events staff. Northmoor International College has
an awareness module for everyone and a yearly refresher for tutors. Some people are overdue (never
completed, or a refresher expired) — of every background, in every department. Dates are relative
to today so the picture stays the same whenever the demo is seeded.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django_tenants.utils import tenant_context

from core.dates import today
from tenants.models import Organisation, User
from training.models import Completion, Course, Requirement, Source, StaffMember

# slug -> (the person recorded as entering completions, courses, requirements, staff, completions)
# course: (key, title, code, tier, kind, refresher months)
# requirement: (course key, department, role)
# staff: (staff id, name, department, role, {course key: days ago completed})
DEMO = {
    "northmoor": (
        "amara.okafor@northmoor.example",
        [
            ("aw", "Prevent awareness e-learning", "PREV-AW", "awareness", "induction", 36),
            ("sf", "Safeguarding and Prevent for student-facing staff", "PREV-SF", "enhanced", "refresher", 24),
            ("wrap", "WRAP face-to-face workshop", "WRAP-F2F", "face_to_face", "briefing", None),
            ("spk", "External speakers: our procedure", "SPK-BR", "enhanced", "briefing", 24),
        ],
        [
            ("aw", "", ""),
            ("sf", "", "Academic"),
            ("sf", "", "Student services"),
            ("wrap", "", "Security"),
            ("wrap", "", "Catering"),
            ("wrap", "", "Cleaning"),
            ("spk", "", "Events"),
        ],
        [
            ("NM-1001", "Grace Oyelaran", "Law School", "Academic", {"aw": 200, "sf": 150}),
            ("NM-1002", "Henryk Zieliński", "Law School", "Academic", {"aw": 1200, "sf": 800}),  # both expired
            ("NM-1003", "Priya Raman", "Engineering", "Academic", {"aw": 90}),  # enhanced never done
            ("NM-1004", "Callum MacLeod", "Engineering", "Academic", {"aw": 30, "sf": 30}),
            ("NM-1005", "Fatou Diallo", "Student Services", "Student services", {"aw": 400, "sf": 380}),
            ("NM-1006", "Tomás Ó Briain", "Student Services", "Student services", {"aw": 60, "sf": 900}),  # expired
            ("NM-1007", "Hui Min Tan", "Library", "Support", {"aw": 500}),
            ("NM-1008", "Bronwen Price", "Library", "Support", {}),  # new starter: never completed
            ("NM-1009", "Kwabena Owusu", "Estates", "Security", {"aw": 100, "wrap": 95}),
            ("NM-1010", "Dariusz Kowal", "Estates", "Security", {"aw": 1300}),  # awareness expired, WRAP never
            ("NM-1011", "Ayesha Siddiqui", "Estates", "Catering", {"aw": 45, "wrap": 40}),
            ("NM-1012", "Elif Demir", "Estates", "Cleaning", {"aw": 20, "wrap": 10}),
            ("NM-1013", "Sean Gallagher", "Estates", "Cleaning", {"wrap": 300}),  # awareness never
            ("NM-1014", "Mariana Costa", "Students' Union", "Events", {"aw": 250, "spk": 240}),
            ("NM-1015", "Joseph Adebayo", "Students' Union", "Events", {"aw": 15, "spk": 800}),  # briefing expired
            ("NM-1016", "Yuki Sato", "Library", "Support", {"aw": 700}),
        ],
    ),
    "northmoor-college": (
        "fatima.rahman@northmoor-college.example",
        [
            ("aw", "Prevent awareness", "NIC-PA", "awareness", "induction", 24),
            ("tut", "Prevent refresher for tutors", "NIC-TR", "enhanced", "refresher", 12),
        ],
        [("aw", "", ""), ("tut", "", "Tutor")],
        [
            ("NIC-201", "Olumide Bello", "Foundation Programmes", "Tutor", {"aw": 100, "tut": 100}),
            ("NIC-202", "Sinéad Kavanagh", "Foundation Programmes", "Tutor", {"aw": 500, "tut": 400}),  # expired
            ("NIC-203", "Arjun Mehta", "English Language", "Tutor", {"aw": 30}),  # refresher never
            ("NIC-204", "Chloe Martin", "English Language", "Tutor", {"aw": 60, "tut": 55}),
            ("NIC-205", "Samira Haddad", "Student Support", "Adviser", {"aw": 20}),
            ("NIC-206", "Wojciech Nowicki", "Facilities", "Security", {"aw": 800}),  # expired
            ("NIC-207", "Abena Mensah", "Student Support", "Adviser", {}),  # never
        ],
    ),
}


def demo_training(by_slug: dict[str, Organisation]) -> None:
    """Create whatever of the demo training records is missing; running it twice changes nothing."""
    for slug, (email, courses, requirements, staff) in DEMO.items():
        organisation, recorder = by_slug.get(slug), User.objects.filter(email=email).first()
        if organisation is None or recorder is None:
            continue
        with tenant_context(organisation), transaction.atomic():
            if Course.objects.exists():
                continue
            made = {key: Course.objects.create(title=title, code=code, tier=tier, kind=kind, refresher_months=months)
                    for key, title, code, tier, kind, months in courses}  # fmt: skip
            Requirement.objects.bulk_create(
                [Requirement(course=made[key], department=dept, role=role) for key, dept, role in requirements]
            )
            day = today()
            for staff_id, name, department, role, completed in staff:
                email_address = f"{staff_id.lower()}@{slug}.example"
                person = StaffMember.objects.create(staff_id=staff_id, name=name, email=email_address,
                                                    department=department, role=role)  # fmt: skip
                Completion.objects.bulk_create(
                    [Completion(person=person, course=made[key], completed_on=day - timedelta(days=ago),
                                source=Source.IMPORT, recorded_by=recorder) for key, ago in completed.items()]
                )  # fmt: skip
