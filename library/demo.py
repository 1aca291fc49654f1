"""Demo content for the good-practice library: fictional, written for this product, created idempotently.

The write-ups are original prose about the fictional demo organisations (hub.demo); each follows
a kind of practice the sector's case studies describe (library/README.md says which), without
copying them. The Midshire HE Prevent Network's library has at least one write-up per theme,
from Eastbrook and Northmoor; the Riverside Silver Group's has Northmoor's (one still a draft) and
Northmoor International College's.
"""

from __future__ import annotations

from dataclasses import dataclass

from django_tenants.utils import tenant_context

from library import services
from library.models import Practice
from library.services import PracticeText
from tenants.models import Organisation, User


@dataclass(frozen=True)
class DemoPractice:
    where: str  # the network or group's slug
    author: str  # email of a demo person who publishes there
    text: PracticeText
    publish: bool = True


def _t(title: str, summary: str, practice: str, worked: str, contact: str, *themes: str) -> PracticeText:
    return PracticeText(
        title=title, summary=summary, practice=practice, what_worked=worked, contact_role=contact, themes=list(themes)
    )


PRIYA = "priya.raman@eastbrook.example"
IOANA = "ioana.popescu@midshire-network.example"
AMARA = "amara.okafor@northmoor.example"
FATIMA = "fatima.rahman@northmoor-college.example"

PRACTICES = [
    DemoPractice("midshire-network", PRIYA, _t(
        "One front door for every worry about a student",
        "Staff and students raise any worry about a student (money, health, safety or radicalisation) "
        "through the same online form and phone line. Nobody has to decide first whether it is a "
        "Prevent matter.",
        "The form asks what the person noticed and how urgent it feels, not which category it belongs to. "
        "The student support duty team reads every concern within one working day and replies to the "
        "person who raised it. The few concerns with a Prevent dimension go on to the Prevent lead, with "
        "the duty team's notes. The same door is printed on the back of staff ID cards and in every "
        "course handbook.",
        "Concerns arrive earlier and with more detail than when we had separate routes. Staff told us "
        "they were more willing to raise a low-level worry once it no longer felt like an accusation. "
        "At first the phone line was under-used out of hours; we now put the on-call number in the "
        "residences' welcome packs.",
        "Head of student support", "welfare",
    )),
    DemoPractice("midshire-network", PRIYA, _t(
        "Room bookings that name a guest start the speaker request",
        "When a society or department books a room and names an outside guest, the booking waits until a "
        "speaker request exists. Late requests fell by half in a year.",
        "The room booking form has one extra question: will anyone from outside the university speak? "
        "If yes, the events team links the booking to a speaker request in the hub, or asks the organiser "
        "to submit one. The booking is confirmed once the request is decided. Societies' officers are "
        "shown the timetable at their autumn induction, and the students' union reminds them in its "
        "weekly bulletin.",
        "Requests now come in weeks, not days, before the event, which leaves time for a proper "
        "assessment and for mitigations such as an independent chair. Most requests are approved as they "
        "are; the procedure is about planning, not refusing. Organisers of recurring seminars asked for a "
        "termly batch request, which we now allow.",
        "Events and room bookings manager", "speakers_events",
    )),
    DemoPractice("midshire-network", IOANA, _t(
        "The Prevent action plan goes to the audit and risk committee every spring",
        "Our governing body's audit and risk committee reviews our Prevent risk register, and the action "
        "plan, once a year, with a named governor who meets the Prevent lead each term.",
        "The Prevent lead presents the register, the actions overdue and a short account of speaker "
        "decisions and welfare escalations (counts only). The link governor has read the Prevent duty "
        "guidance and visits the safeguarding group once a year. Minutes record the committee's challenge "
        "and the actions it set.",
        "The committee's questions led to two changes: a review date on every risk, and an owner for "
        "each action rather than a team. Board members now ask about Prevent alongside other "
        "safeguarding duties instead of as a separate compliance item.",
        "University secretary", "leadership",
    )),
    DemoPractice("midshire-network", PRIYA, _t(
        "Student officers co-wrote our guide to speakers and free speech",
        "The students' union officers and the Prevent lead wrote the guide for society organisers "
        "together: how to invite a speaker, why the procedure exists, and how it protects free speech.",
        "Three meetings over one term, with drafts shared in between. The officers rewrote the parts that "
        "read like policy into questions societies actually ask: can we invite a controversial speaker? "
        "What happens if the request is refused? Who decides? The guide is launched at the societies' fair "
        "each September.",
        "Societies trust the procedure more when they see their own officers' names on the guide. "
        "Questions to the events team fell, and the union now brings concerns about the procedure to "
        "us directly.",
        "Students' union president", "students", "speakers_events",
    )),
    DemoPractice("midshire-network", IOANA, _t(
        "Three tiers of Prevent training, tracked by role",
        "Every member of staff takes short online awareness training; staff in key roles take an enhanced "
        "module; security, residences and contractors' staff have face-to-face sessions.",
        "The tier each role needs is set in one table that human resources keeps with the Prevent lead. "
        "New starters are enrolled at induction, and everyone repeats the awareness module every three "
        "years. Completion by department goes to the safeguarding group each term, and managers of teams "
        "below nine in ten are asked for a plan.",
        "Face-to-face sessions built around realistic scenarios changed more than any e-learning did: "
        "people left knowing whom to call. Listing overdue refreshers by team, not by name, kept the "
        "conversation about coverage rather than blame.",
        "Prevent lead", "training",
    )),
    DemoPractice("midshire-network", IOANA, _t(
        "A blocked page that explains itself and offers a route for research",
        "Our web filter blocks a narrow category of terrorist material. The page people see says why, "
        "points to the acceptable-use policy, and explains how researchers ask for access.",
        "IT services, the Prevent lead, the research ethics committee and the students' union agreed the "
        "category together. A researcher asks for access through the ethics committee, which answers "
        "within five working days. Filter logs are kept for a set period and only two named people may "
        "look at them; a single blocked attempt is never treated as a concern on its own.",
        "Academics were reassured by the research route and by how narrow the category is. Few requests "
        "for access came in, and all were granted. Writing down who may see the logs settled "
        "questions from the union about monitoring.",
        "Head of IT security", "it",
    )),
    DemoPractice("midshire-network", PRIYA, _t(
        "Our partner colleges use the same speaker procedure, and report to us each term",
        "The colleges that teach our courses use our speaker request form and decision criteria. Each "
        "term they send us counts of requests and outcomes under an information-sharing agreement.",
        "Each college's Prevent lead sits on our Prevent group. They decide their own requests; the "
        "counts and any higher-risk decisions come to us in a termly report, with training figures. We "
        "deliver refresher training to college staff once a year, and our Prevent lead visits each "
        "college before the autumn term.",
        "A shared form meant one set of guidance for everyone, and colleges could ask us before a difficult "
        "decision rather than after. The termly report replaced a long annual questionnaire. Signing the "
        "agreement first made clear what may be shared and what may not.",
        "Prevent lead", "franchise", "leadership",
    )),
    DemoPractice("riverside-silver", AMARA, _t(
        "Termly case-study sessions with the local Prevent co-ordinator",
        "Once a term the local authority's Prevent co-ordinator runs a session for our safeguarding team "
        "and key student-facing staff, using anonymised cases from across the city.",
        "The co-ordinator brings two or three cases with every identifying detail removed. Small groups "
        "talk through what they would have noticed, whom they would have told and what support would "
        "have helped. The session ends with a ten-minute update on local risks.",
        "Staff say the cases make the guidance real. The sessions also built a relationship: our team "
        "now calls the co-ordinator for advice before a referral, not only to make one.",
        "Prevent lead", "training", "leadership",
    )),
    DemoPractice("midshire-network", AMARA, _t(
        "A welfare officer in every faculty, with one escalation route",
        "Each faculty has a named welfare officer whom students and tutors can reach the same day. Every "
        "concern follows the same route to the safeguarding team.",
        "Welfare officers meet the safeguarding team every fortnight to go through open concerns and "
        "agree actions. Students of concern are discussed by need, not by label; a concern with a "
        "Prevent dimension is handled in the same meeting, with the Prevent lead present.",
        "Tutors stopped holding on to worries because they knew whom to tell. Meeting every fortnight "
        "meant no concern waited more than two weeks for a decision.",
        "Head of student welfare", "welfare",
    )),
    DemoPractice("riverside-silver", FATIMA, _t(
        "What we send our validating university each term, and why it helps us",
        "As a franchise partner we send our university a short report every term: concerns and cases "
        "counted by stage, speaker requests by outcome, and the training we delivered.",
        "The hub assembles the figures from our own records, so nobody retypes them; our Prevent lead adds "
        "a few lines on policy changes and open actions, and signs the report off. Counts below five "
        "are not shown. The university's Prevent lead comments on each report, and we discuss the "
        "comments at our next safeguarding meeting.",
        "Preparing the report became half an hour's work instead of two days. Seeing the same figures "
        "every term showed us a gap in refresher training that an annual return had hidden.",
        "Prevent lead", "franchise", "leadership",
    )),
    DemoPractice("riverside-silver", AMARA, _t(
        "Checking speakers for our partner college's open days",
        "Draft: how we help our partner college check speakers at its open days, when the timetable is "
        "set late.",
        "To be completed after this term's open day.",
        "To be completed.",
        "Prevent lead", "franchise", "speakers_events",
    ), publish=False),
]  # fmt: skip


def demo_library(by_slug: dict[str, Organisation]) -> None:
    """Create whatever of the demo good-practice library is missing; running it twice changes nothing."""
    authors = {u.email: u for u in User.objects.filter(email__in={p.author for p in PRACTICES})}
    for slug in dict.fromkeys(p.where for p in PRACTICES):
        where = by_slug[slug]
        with tenant_context(where):
            existing = set(Practice.objects.values_list("title", flat=True))
            for demo in (p for p in PRACTICES if p.where == slug and p.text.title not in existing):
                services.practice_create(
                    actor=authors[demo.author], organisation=where, text=demo.text, publish=demo.publish
                )
