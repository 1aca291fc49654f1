"""Pages under /training/: coverage and who is overdue, courses and who must take them, the staff
list and each person's record, the import of a learning system's export, and the exports."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from core.csv_file import write_csv
from core.dates import today
from core.xlsx import CONTENT_TYPE, write_xlsx
from hub.forms_util import add_service_errors
from partners.selectors import validated_partners
from tenants.scopes import Scope, has_scope, scope_required
from training import exports, selectors, services
from training.charts import coverage_chart
from training.csv_import import ImportRejected, completions_import, decode, import_size_problem
from training.forms import CompletionForm, CourseForm, ImportForm, RequirementForm, StaffEditForm, StaffForm
from training.models import Course, StaffMember
from training.rules import STATUS_LABELS

READ, MANAGE = Scope.TRAINING_READ, Scope.TRAINING_MANAGE


def _can_manage(request: HttpRequest) -> bool:
    return has_scope(request.user, request.tenant, MANAGE)


@scope_required(READ)
def overview(request: HttpRequest) -> HttpResponse:
    """Coverage on today's date by department, role and course, with charts and the way to who is overdue."""
    found = selectors.coverage(today())
    context = {
        "coverage": found,
        "by_department": coverage_chart("Training coverage by department", found.by_department, "Department"),
        "by_role": coverage_chart("Training coverage by role", found.by_role, "Role"),
        "course_count": selectors.courses().count(),
        "staff_count": selectors.staff().count(),
        "partner_sessions": selectors.delivered_to_partners(),
        "validates_partners": bool(validated_partners(request.tenant)),
        "can_manage": _can_manage(request),
        "can_record_partner_training": has_scope(request.user, request.tenant, Scope.PARTNERS_TRAINING),
    }
    return render(request, "training/overview.html", context)


@scope_required(READ)
def overdue(request: HttpRequest) -> HttpResponse:
    """Who is overdue with what, optionally for one department or role (?department=…&role=…)."""
    department, role = request.GET.get("department", "")[:120], request.GET.get("role", "")[:120]
    departments, roles = selectors.departments_and_roles()
    rows = selectors.overdue(today(), department=department, role=role)
    context = {"rows": rows, "department": department, "role": role, "departments": departments, "roles": roles,
               "labels": STATUS_LABELS, "can_manage": _can_manage(request)}  # fmt: skip
    return render(request, "training/overdue.html", context)


@scope_required({"GET": READ, "POST": MANAGE})
def courses(request: HttpRequest) -> HttpResponse:
    form = CourseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            course = services.course_create(actor=request.user, organisation=request.tenant, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Course “{course.title}” added. Now say who must take it.")
            return redirect("training:course", course_id=course.pk)
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "courses": selectors.courses(), "can_manage": _can_manage(request)}
    return render(request, "training/courses.html", context, status=status)


@scope_required({"GET": READ, "POST": MANAGE})
def course(request: HttpRequest, course_id: int) -> HttpResponse:
    found = selectors.course_get(course_id)
    initial = {n: getattr(found, n) for n in ("title", "code", "tier", "kind", "refresher_months", "description")}
    form = CourseForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.course_update(actor=request.user, organisation=request.tenant, course=found, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Course saved.")
            return redirect("training:course", course_id=found.pk)
    return _course_page(request, found, form, RequirementForm(), 400 if request.method == "POST" else 200)


def _course_page(request: HttpRequest, found: Course, form: CourseForm, requirement_form: RequirementForm,
                 status: int) -> HttpResponse:  # fmt: skip
    departments, roles = selectors.departments_and_roles()
    context = {"course": found, "form": form, "requirement_form": requirement_form, "can_manage": _can_manage(request),
               "departments": departments, "roles": roles}  # fmt: skip
    return render(request, "training/course.html", context, status=status)


@scope_required(MANAGE)
@require_POST
def requirement_add(request: HttpRequest, course_id: int) -> HttpResponse:
    found = selectors.course_get(course_id)
    form = RequirementForm(request.POST)
    if form.is_valid():
        try:
            req = services.requirement_add(actor=request.user, organisation=request.tenant, course=found,
                                           **form.cleaned_data)  # fmt: skip
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"{found.title} is now required of: {req.who}.")
            return redirect("training:course", course_id=found.pk)
    initial = {n: getattr(found, n) for n in ("title", "code", "tier", "kind", "refresher_months", "description")}
    return _course_page(request, found, CourseForm(initial=initial), form, 400)


@scope_required(MANAGE)
@require_POST
def requirement_remove(request: HttpRequest, requirement_id: int) -> HttpResponse:
    found = selectors.requirement_get(requirement_id)
    services.requirement_remove(actor=request.user, organisation=request.tenant, requirement=found)
    messages.success(request, f"{found.course.title} is no longer required of: {found.who}.")
    return redirect("training:course", course_id=found.course_id)


@scope_required({"GET": READ, "POST": MANAGE})
def staff(request: HttpRequest) -> HttpResponse:
    form = StaffForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            person = services.staff_add(actor=request.user, organisation=request.tenant, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"{person.name} added to the staff list.")
            return redirect("training:person", person_id=person.pk)
    query = request.GET.get("q", "")[:100].strip()
    include_left = request.GET.get("left") == "1"
    context = {"form": form, "people": selectors.staff(query, include_left=include_left)[:500], "query": query,
               "include_left": include_left, "can_manage": _can_manage(request)}  # fmt: skip
    return render(request, "training/staff.html", context, status=400 if request.method == "POST" else 200)


@scope_required({"GET": READ, "POST": MANAGE})
def person(request: HttpRequest, person_id: int) -> HttpResponse:
    """A person's required courses and where they stand; POST records a completion."""
    found = selectors.person_get(person_id)
    choices = list(selectors.courses().values_list("pk", "title"))
    form = CompletionForm(request.POST or None, courses=choices)
    if request.method == "POST" and form.is_valid():
        chosen = selectors.course_get(int(form.cleaned_data["course"]))
        try:
            services.completion_record(actor=request.user, organisation=request.tenant, person=found, course=chosen,
                                       completed_on=form.cleaned_data["completed_on"])  # fmt: skip
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Recorded: {found.name} completed {chosen.title}.")
            return redirect("training:person", person_id=found.pk)
    return _person_page(request, found, form, None, 400 if request.method == "POST" else 200)


def _person_page(request: HttpRequest, found: StaffMember, form: CompletionForm | None, edit: StaffEditForm | None,
                 status: int) -> HttpResponse:  # fmt: skip
    if form is None:
        form = CompletionForm(courses=list(selectors.courses().values_list("pk", "title")))
    if edit is None:
        fields = ("staff_id", "name", "email", "department", "role", "active")
        edit = StaffEditForm(initial={n: getattr(found, n) for n in fields}, prefix="edit")
    context = {
        "person": found,
        "items": selectors.items(today(), [found]) if found.active else [],
        "completions": found.completions.select_related("course", "recorded_by"),
        "form": form, "edit_form": edit, "can_manage": _can_manage(request), "labels": STATUS_LABELS,
    }  # fmt: skip
    return render(request, "training/person.html", context, status=status)


@scope_required(MANAGE)
@require_POST
def person_edit(request: HttpRequest, person_id: int) -> HttpResponse:
    found = selectors.person_get(person_id)
    form = StaffEditForm(request.POST, prefix="edit")
    if form.is_valid():
        try:
            services.staff_update(actor=request.user, organisation=request.tenant, person=found, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Details saved." if found.active else f"{found.name} is marked as having left.")
            return redirect("training:person", person_id=found.pk)
    return _person_page(request, found, None, form, 400)


@scope_required(MANAGE)
@require_POST
def completion_delete(request: HttpRequest, completion_id: int) -> HttpResponse:
    found = selectors.completion_get(completion_id)
    services.completion_delete(actor=request.user, organisation=request.tenant, completion=found)
    messages.success(request, f"Removed: {found.course.title} on {found.completed_on:%-d %b %Y}.")
    return redirect("training:person", person_id=found.person_id)


@scope_required(MANAGE)
def import_completions(request: HttpRequest) -> HttpResponse:
    """Upload a learning system's export; "Check the file" shows what would happen and writes nothing."""
    form = ImportForm(request.POST or None, request.FILES or None)
    context: dict[str, object] = {"form": form}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        too_big = import_size_problem(upload.size)
        if too_big:
            form.add_error("file", too_big)
        else:
            check_only = "check" in request.POST
            try:
                result = completions_import(
                    actor=request.user, organisation=request.tenant, csv_text=decode(upload.read()),
                    add_people=form.cleaned_data["add_people"], check_only=check_only,
                )  # fmt: skip
            except ImportRejected as refused:
                context["problems"], context["problem_total"] = refused.lines(), refused.total
            else:
                if not check_only:
                    messages.success(request, f"Imported {result.imported} completion(s).")
                context["result"] = result
                return render(request, "training/import.html", context)
    return render(request, "training/import.html", context, status=400 if request.method == "POST" else 200)


def _export_tables() -> tuple[list, list]:
    on = today()
    return exports.coverage_rows(selectors.coverage(on)), exports.overdue_rows(selectors.overdue(on))


@scope_required(READ)
def export_csv(request: HttpRequest) -> HttpResponse:
    """The coverage table (overall, by department, role and course) as CSV; an audit event."""
    rows, _ = _export_tables()
    services.coverage_export_record(actor=request.user, organisation=request.tenant, file_format="csv", on=today())
    response = HttpResponse(
        write_csv(exports.COVERAGE_HEADER, exports.as_text(rows)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="training-coverage-{today():%Y-%m-%d}.csv"'
    return response


@scope_required(READ)
def export_overdue_csv(request: HttpRequest) -> HttpResponse:
    """Who is overdue with what, as CSV; an audit event (it names people)."""
    _, late = _export_tables()
    services.coverage_export_record(actor=request.user, organisation=request.tenant, file_format="overdue_csv",
                                    on=today())  # fmt: skip
    response = HttpResponse(
        write_csv(exports.OVERDUE_HEADER, exports.as_text(late)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="training-overdue-{today():%Y-%m-%d}.csv"'
    return response


@scope_required(READ)
def export_xlsx(request: HttpRequest) -> HttpResponse:
    """Coverage and who is overdue, two sheets of one workbook; an audit event."""
    rows, late = _export_tables()
    services.coverage_export_record(actor=request.user, organisation=request.tenant, file_format="xlsx", on=today())
    data = write_xlsx({"Coverage": (exports.COVERAGE_HEADER, rows), "Overdue": (exports.OVERDUE_HEADER, late)})
    response = HttpResponse(data, content_type=CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="training-coverage-{today():%Y-%m-%d}.xlsx"'
    return response
