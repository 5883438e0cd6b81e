"""References a reader can follow: one shape for parameters' and variables' sources, and the rules they keep.

A parameter's ``metadata.reference`` is a list of ``{title, href}``. A variable's ``reference``
is OpenFisca's list of strings: a citation, then the address of its source as the next item.
Both read as a list of :class:`Reference`.

Every citation of an Act, a statutory instrument or a procurement policy note carries the
address of its official page (legislation.gov.uk or gov.uk). An assumption of the model says
so in its title ("Assumption …") and points at its section of the model's assumptions
(``docs/assumptions.md``, served at ``/assumptions``), whose heading gives the anchor.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from urllib.parse import urlparse

from kruger_rules.system import DOCS_DIR

ASSUMPTIONS_DOCUMENT = DOCS_DIR / "assumptions.md"
ASSUMPTIONS_ROUTE = "/assumptions"
OFFICIAL_HOSTS = ("www.legislation.gov.uk", "legislation.gov.uk", "www.gov.uk")

# An Act of Parliament, regulations or an order, a statutory instrument, a procurement policy note.
_NAMES_LAW = re.compile(r"\bAct \d{4}\b|\bRegulations \d{4}\b|\bOrder \d{4}\b|\bSI \d{4}/\d+|\bPPN\b")
_ADDRESS = re.compile(r"^(https?://|/)\S*$")


@dataclass(frozen=True)
class Reference:
    title: str
    href: str | None = None

    def as_dict(self) -> dict:
        return {"title": self.title, "href": self.href}


def parameter_references(reference) -> list[Reference]:
    """A parameter's metadata reference (a list of {title, href}, or a bare title) as references."""
    if not reference:
        return []
    items = reference if isinstance(reference, list) else [reference]
    return [Reference(str(item.get("title", "")), item.get("href")) if isinstance(item, dict) else Reference(str(item)) for item in items]


def variable_references(reference) -> list[Reference]:
    """A variable's reference strings as references: an address belongs to the citation before it."""
    strings = [reference] if isinstance(reference, str) else list(reference or ())
    references: list[Reference] = []
    for text in strings:
        if _ADDRESS.match(text) and references and references[-1].href is None:
            references[-1] = Reference(references[-1].title, text)
        else:
            references.append(Reference("", text) if _ADDRESS.match(text) else Reference(text))
    return references


def names_law(title: str) -> bool:
    return bool(_NAMES_LAW.search(title))


def is_assumption(title: str) -> bool:
    return title.startswith("Assumption")


def is_official(href: str | None) -> bool:
    return bool(href) and urlparse(href).scheme == "https" and urlparse(href).netloc in OFFICIAL_HOSTS


def slug(heading: str) -> str:
    """The anchor of a heading, as GitHub and the /assumptions page make it."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


@functools.cache
def assumption_anchors() -> frozenset[str]:
    """The anchors of the assumptions document's headings."""
    headings = re.findall(r"^#{2,4} (.+)$", ASSUMPTIONS_DOCUMENT.read_text(encoding="utf-8"), flags=re.M)
    return frozenset(slug(heading) for heading in headings)


def problems(references: list[Reference]) -> list[str]:
    """What keeps these references from being followed by a reader, if anything."""
    found = []
    official = any(is_official(reference.href) for reference in references)
    for reference in references:
        title, href = reference.title, reference.href
        if "SPEC" in title or (href and "SPEC" in href):
            found.append(f"names the team's rule book: {title!r}")
        if not title:
            found.append(f"an address with no citation: {href!r}")
        elif is_assumption(title):
            anchor = (href or "").partition("#")[2]
            if not (href or "").startswith(f"{ASSUMPTIONS_ROUTE}#") or anchor not in assumption_anchors():
                found.append(f"an assumption not pointing at its section of {ASSUMPTIONS_ROUTE}: {title!r} -> {href!r}")
            elif names_law(title) and not official:
                found.append(f"an assumption based on law with no citation of that law's official page: {title!r}")
        elif names_law(title) and not is_official(href):
            found.append(f"law cited without its official page: {title!r} -> {href!r}")
    return found
