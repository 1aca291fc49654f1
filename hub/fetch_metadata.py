"""Was this request a person's own deliberate step, or something another site made their browser do?

Browsers send `Sec-Fetch-Site` with every request (Chromium 76+, Firefox 90+, Safari 16.4+):
`same-origin` and `same-site` mean one of our own pages made it, `none` means the person
typed the address or used a bookmark, and `cross-site` means another site's link, redirect
or form did (a SameSite=Lax session cookie still travels on such a top-level navigation).
Reads that the source of a record sees as real reads (openings of a shared check) are
recorded only for deliberate requests; a cross-site one must first be confirmed with a
POST from our own page.
"""

from __future__ import annotations

from django.http import HttpRequest

from hub.hosts import is_hub_url

DELIBERATE_SITES = frozenset({"same-origin", "same-site", "none"})


def is_deliberate(request: HttpRequest) -> bool:
    """True unless the request came from another site.

    Without `Sec-Fetch-Site` (an old browser, or a script such as curl) the `Referer`
    decides: none at all counts as deliberate (typed, bookmarked, or a client that is not
    a browser); one outside the hub's domain counts as cross-site.
    """
    site = request.headers.get("Sec-Fetch-Site")
    if site is not None:
        return site.lower() in DELIBERATE_SITES
    referer = request.headers.get("Referer", "")
    return not referer or is_hub_url(referer)
