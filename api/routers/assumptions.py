"""The model's assumptions, ``docs/assumptions.md``, as a page: the address every assumed figure's reference gives.

Each heading carries the anchor that references point at (``/assumptions#anchor``), made by
:func:`kruger_rules.references.slug`, the rule the reference checks use.
"""

from __future__ import annotations

import functools

from fastapi import APIRouter
from fastapi.responses import HTMLResponse
from markdown_it import MarkdownIt

from kruger_rules.html_page import html_page
from kruger_rules.references import ASSUMPTIONS_DOCUMENT, ASSUMPTIONS_ROUTE, slug

router = APIRouter(tags=["Rules"])

STYLE = """
body { font-family: Arial, sans-serif; line-height: 1.5; max-width: 46rem; margin: 2rem auto; padding: 0 1rem; color: #0b0c0c; }
h2 { margin-top: 2.5rem; border-bottom: 1px solid #b1b4b6; }
h3:target { background: #ffdd00; }
code { background: #f3f2f1; padding: 0 .2em; }
a { color: #1d70b8; }
"""


def _heading_with_anchor(renderer, tokens, index, options, env):
    heading = tokens[index]
    heading.attrSet("id", slug(tokens[index + 1].content))
    return renderer.renderToken(tokens, index, options, env)


@functools.cache
def assumptions_page() -> str:
    markdown = MarkdownIt("commonmark", {"html": False}).enable("table")
    markdown.add_render_rule("heading_open", _heading_with_anchor)
    text = ASSUMPTIONS_DOCUMENT.read_text(encoding="utf-8")
    title = text.splitlines()[0].lstrip("# ").strip()
    return html_page(title, markdown.render(text), STYLE)


@router.get(
    ASSUMPTIONS_ROUTE,
    summary="The model's assumptions, one section per assumption",
    response_class=HTMLResponse,
    responses={
        200: {
            "content": {"text/html": {}},
            "description": "The assumptions document as a page; each heading's id is the anchor references use.",
        }
    },
)
async def assumptions() -> HTMLResponse:
    return HTMLResponse(assumptions_page())
