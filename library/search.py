"""Full-text search of the library (PostgreSQL, `django.contrib.postgres.search`).

* The document: title (weight A), summary (B), the practice, what worked and the themes' names
  (C), each accent-folded by `library.text.fold`, parsed with the `english` configuration (so
  "trained" finds "training": Snowball stemming, English stop words dropped). Stored in
  `Practice.search` (GIN-indexed) by `document_refresh`, which the services call in the same
  transaction as every change of text.
* The query: what the person typed, folded the same way, read as a web search (`websearch`:
  words are ANDed, "quoted phrases", `or`, `-word` to exclude), ranked by `ts_rank` so title
  matches come first.
"""

from __future__ import annotations

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db.models import F, QuerySet, Value

from library.choices import Theme
from library.models import Practice
from library.text import fold

CONFIG = "english"


def document_refresh(practice: Practice) -> None:
    """Rewrite `practice`'s search document from its current text (one UPDATE)."""
    themes = " ".join(Theme(t).label for t in practice.themes if t in Theme.values)
    parts = [
        (practice.title, "A"),
        (practice.summary, "B"),
        (f"{practice.practice}\n{practice.what_worked}\n{themes}\n{practice.contact_role}", "C"),
    ]
    vector = None
    for text, weight in parts:
        piece = SearchVector(Value(fold(text)), config=CONFIG, weight=weight)
        vector = piece if vector is None else vector + piece
    Practice.objects.filter(pk=practice.pk).update(search=vector)


def matching(rows: QuerySet[Practice], words: str) -> QuerySet[Practice]:
    """`rows` whose document matches `words`, best first (rank, then newest), annotated `rank`."""
    query = SearchQuery(fold(words), config=CONFIG, search_type="websearch")
    return (
        rows.filter(search=query)
        .annotate(rank=SearchRank(F("search"), query))
        .order_by("-rank", F("published_at").desc(nulls_last=True), "-pk")
    )
