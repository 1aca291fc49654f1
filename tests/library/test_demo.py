"""The demo library: a write-up per theme, attributed to the demo members, created once however often seeded."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from django_tenants.utils import tenant_context

from hub import demo
from library.choices import PracticeStatus, Theme
from library.demo import PRACTICES, demo_library
from library.models import Practice


def test_the_demo_library_covers_every_theme_and_seeding_again_adds_nothing(db, world):
    by_slug = demo.demo_seed()

    started = time.monotonic()
    demo_library(by_slug)
    assert time.monotonic() - started < 3

    with tenant_context(by_slug["midshire-network"]):
        midshire = list(Practice.objects.filter(status=PracticeStatus.PUBLISHED))
        assert {t for p in midshire for t in p.themes} == set(Theme.values)
        assert {p.organisation.slug for p in midshire} == {"eastbrook", "northmoor"}
        assert all(p.search for p in midshire)
    with tenant_context(by_slug["riverside-silver"]):
        riverside = {p.title: p for p in Practice.objects.all()}
        assert {p.organisation.slug for p in riverside.values()} == {"northmoor", "northmoor-college"}
        assert [p.status for p in riverside.values()].count(PracticeStatus.DRAFT) == 1
    assert len(midshire) + len(riverside) == len(PRACTICES)


def _shingles(text: str, n: int = 6) -> set[tuple[str, ...]]:
    words = re.findall(r"[a-z0-9']+", text.lower().replace("’", "'"))
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


def test_the_demo_prose_is_not_copied_from_the_sectors_case_studies():
    # given: the case studies the library's themes come from (the team's seed text), when present
    repo = Path(__file__).resolve().parents[2]
    found = [d / "shared/seeds/000_55724acda81d1204.txt" for d in (repo.parent, repo.parent.parent)]
    seeds = next((f for f in found if f.exists()), None)
    if seeds is None:
        pytest.skip("the seed case studies (../shared/seeds) are not beside this checkout")
    copied = _shingles(seeds.read_text(encoding="utf-8"))
    # then: no run of six words of any write-up appears in them
    for p in PRACTICES:
        prose = f"{p.text.title} {p.text.summary} {p.text.practice} {p.text.what_worked}"
        assert not (_shingles(prose) & copied), (p.text.title, sorted(_shingles(prose) & copied)[:3])
