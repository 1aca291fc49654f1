"""Reads: the returns by year, one return's table of figures (the page's and the exports' one source),
its charts, what the records behind a figure are that this person may open, and the year's status."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.http import Http404

from core.csv_file import neutralise, write_csv
from core.xlsx import write_xlsx
from hub.charts import Chart, bar_chart
from returns.assembly import CASE, SECTIONS, SPEAKER_REQUEST
from returns.models import AnnualReturn, ReturnStatus
from returns.years import last_complete_year
from speakers import rights as speaker_rights
from speakers.models import EventRequest
from tenants.models import Membership
from welfare import rights as welfare_rights
from welfare.models import Case

NO_DATA = "no data"
NOT_STARTED, DRAFT, SIGNED_OFF = "not started", "draft", "signed off"


def return_get(pk: int) -> AnnualReturn:
    found = AnnualReturn.objects.select_related("assembled_by", "signed_off_by").filter(pk=pk).first()
    if found is None:
        raise Http404("No such return.")
    return found


def returns_by_year() -> list[tuple[str, list[AnnualReturn]]]:
    """Every year we assembled, newest first, each with its versions newest first."""
    grouped: dict[str, list[AnnualReturn]] = {}
    for row in AnnualReturn.objects.select_related("signed_off_by").order_by("-year_start", "-version"):
        grouped.setdefault(row.year_code, []).append(row)
    return list(grouped.items())


@dataclass(frozen=True)
class YearStatus:
    year_code: str
    year_label: str
    status: str  # not started, draft or signed off
    latest: AnnualReturn | None
    gaps: int


def year_status(today: date) -> YearStatus:
    """The return due now — for the last complete academic year (the OfS return is made after the year
    ends) —: not started, a draft (its latest version is one) or signed off."""
    year = last_complete_year(today)
    latest = AnnualReturn.objects.filter(year_code=year.academic_year).order_by("-version").first()
    if latest is None:
        return YearStatus(year.academic_year, year.label, NOT_STARTED, None, 0)
    status = DRAFT if latest.status == ReturnStatus.DRAFT else SIGNED_OFF
    return YearStatus(year.academic_year, year.label, status, latest, len(latest.data.get("gaps") or []))


# --- One return as a table ---------------------------------------------------------------------------


def cell(value: Any) -> int | str:
    """A figure as shown and exported: a count, a partner's label as received, or "no data"."""
    return NO_DATA if value is None else value


def included_partners(data: dict[str, Any]) -> list[dict[str, Any]]:
    return [p for p in data.get("partners", []) if p.get("included")]


def table(data: dict[str, Any]) -> tuple[list[str], list[list[int | str]]]:
    """(header, rows) of the return: section, figure, our records, each included partner, total, flags.
    The page, the CSV and the XLSX all show exactly these."""
    partners = included_partners(data)
    header = ["Section", "Figure", "Our records", *[p["name"] for p in partners], "Total", "Flags"]
    rows: list[list[int | str]] = []
    for line in data.get("lines", []):
        flags = list(line.get("flags") or [])
        rows.append([
            SECTIONS.get(line["section"], line["section"]), line["label"], cell(line["own"]),
            *[cell(line["partners"].get(str(p["id"]))) for p in partners], cell(line["total"]), "; ".join(flags),
        ])  # fmt: skip
    return header, rows


def gap_rows(data: dict[str, Any]) -> list[list[str]]:
    return [[g["about"], g["message"]] for g in data.get("gaps", [])]


def provenance_rows(data: dict[str, Any]) -> list[list[int | str]]:
    """Where each source's figures came from: our records, each partner's received reports."""
    rows: list[list[int | str]] = [[data.get("organisation", "Our records"), "Our own records", "", "", ""]]
    for partner in data.get("partners", []):
        if not partner.get("included"):
            rows.append([partner["name"], "Not included", "", "", partner.get("reason", "")])
        for record in partner.get("records", []):
            what = f"Report received: {record['period_label'] or record['period']}"
            level = f"version {record['version']}, {record['level']}"
            rows.append([partner["name"], what, record["id"], level, record["agreement"]])
        if partner.get("included") and not partner.get("records"):
            rows.append([partner["name"], "No report received for the year", "", "", ""])
    return rows


PROVENANCE_HEADER = ["Source", "What", "Exchange record", "Version and level", "Agreement or note"]


def _signature(annual_return: AnnualReturn) -> list[list[str]]:
    data = annual_return.data
    signed = data.get("signed_off") or {}
    return [
        ["Organisation", data.get("organisation", "")],
        ["Academic year", f"{data['year']['label']} ({data['year']['start']} to {data['year']['end']})"],
        ["Version", str(annual_return.version)],
        ["Status", annual_return.get_status_display()],
        ["Assembled on", str(data.get("as_of", ""))],
        ["Signed off by", f"{signed['name']} ({signed['role']}), {signed['at']}" if signed else "Not signed off"],
        ["Digest (SHA-256)", annual_return.digest or ""],
    ]


def as_csv(annual_return: AnnualReturn) -> str:
    """The return as CSV: the figures, then (after a blank row) the gaps and the sources."""
    header, rows = table(annual_return.data)
    width = len(header)

    def pad(values: list[Any]) -> list[str]:
        return [str(v) for v in values] + [""] * (width - len(values))

    out = [pad(r) for r in rows]
    out += [pad([]), pad(["Gaps", "What is missing"]), *[pad(g) for g in gap_rows(annual_return.data)]]
    out += [pad([]), pad(PROVENANCE_HEADER), *[pad(p) for p in provenance_rows(annual_return.data)]]
    out += [pad([]), *[pad(s) for s in _signature(annual_return)]]
    # write_csv neutralises rows; the header holds partners' names, so it is neutralised here too.
    return write_csv([neutralise(h) for h in header], out)


def as_xlsx(annual_return: AnnualReturn) -> bytes:
    header, rows = table(annual_return.data)
    return write_xlsx({
        "Return": (header, rows),
        "Gaps": (["About", "What is missing"], gap_rows(annual_return.data)),
        "Sources": (PROVENANCE_HEADER, provenance_rows(annual_return.data)),
        "Sign-off": (["Item", "Value"], _signature(annual_return)),
    })  # fmt: skip


def export_name(annual_return: AnnualReturn, extension: str) -> str:
    return f"prevent-return-{annual_return.year_code}-v{annual_return.version}.{extension}"


# --- Charts ----------------------------------------------------------------------------------------------


def _line(data: dict[str, Any], key: str) -> dict[str, Any]:
    return next(line for line in data["lines"] if line["key"] == key)


def charts(data: dict[str, Any]) -> list[Chart]:
    """Speaker outcomes in the year and escalations by stage: ours, each partner's, the total."""
    partners = included_partners(data)
    speaker_keys = ["approved", "approved_with_conditions", "rejected", "withdrawn", "not_invited"]
    welfare_keys = [line["key"] for line in data["lines"] if line["section"] == "welfare"]

    def series(keys: list[str]) -> dict[str, list[Any]]:
        lines = [_line(data, k) for k in keys]
        made = {"Our records": [line["own"] for line in lines]}
        for p in partners:
            made[p["name"]] = [line["partners"].get(str(p["id"])) for line in lines]
        return made

    speakers = [_line(data, f"speakers.{k}")["label"] for k in speaker_keys]
    welfare = [_line(data, k)["label"] for k in welfare_keys]
    return [
        bar_chart(f"Speaker and event requests by outcome, {data['year']['label']}", speakers,
                  series([f"speakers.{k}" for k in speaker_keys]), stacked=True, horizontal=True,
                  category_label="Outcome", y_title="Requests"),
        bar_chart(f"Welfare escalations and referrals, {data['year']['label']}", welfare, series(welfare_keys),
                  stacked=True, horizontal=True, category_label="Stage or referral", y_title="Cases"),
    ]  # fmt: skip


# --- Drill-down to the records a figure counts -----------------------------------------------------------


@dataclass(frozen=True)
class FigureRecords:
    line: dict[str, Any]
    counted: int
    visible: list[Any]  # EventRequest or Case rows this person may open
    kind: str


def figure_records(annual_return: AnnualReturn, key: str, membership: Membership | None) -> FigureRecords:
    """The own records behind one figure that `membership` may open now (speakers.rights /
    welfare.rights decide, as on their own pages); Http404 for an unknown figure."""
    line = next((line for line in annual_return.data.get("lines", []) if line["key"] == key), None)
    if line is None:
        raise Http404("No such figure.")
    source = line.get("source") or {}
    ids, kind = list(source.get("ids") or []), source.get("kind", "")
    return FigureRecords(line=line, counted=len(ids), visible=_visible(kind, ids, membership), kind=kind)


def _visible(kind: str, ids: list[int], membership: Membership | None) -> list[Any]:
    """The EventRequest or Case rows among `ids` that `membership` may open now, by id."""
    if kind == SPEAKER_REQUEST and membership is not None:
        allowed = speaker_rights.visible_filter(membership)
        if allowed is not None:
            return list(EventRequest.objects.filter(allowed, pk__in=ids).order_by("pk"))
    elif kind == CASE:
        allowed = welfare_rights.case_filter(membership)
        if allowed is not None:
            return list(Case.objects.filter(allowed, pk__in=ids).order_by("pk"))
    return []


def data_for(annual_return: AnnualReturn, membership: Membership | None) -> dict[str, Any]:
    """The snapshot as `membership` may read it: each line's `source.ids` cut to the records this person
    may open now (speakers.rights / welfare.rights, as the drill-down), the count kept in `source.counted`.

    The figures are for every reader of the return; which speaker request or welfare case they count is
    need-to-know (an auditor who may read the return must not learn that case 42 was referred to
    Prevent). The stored snapshot and its digest are unchanged."""
    data = dict(annual_return.data)
    lines = []
    for line in data.get("lines", []):
        source = dict(line.get("source") or {})
        ids = list(source.get("ids") or [])
        source["counted"] = len(ids)
        source["ids"] = [row.pk for row in _visible(source.get("kind", ""), ids, membership)] if ids else []
        lines.append({**line, "source": source})
    data["lines"] = lines
    return data
