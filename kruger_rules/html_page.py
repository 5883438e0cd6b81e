"""One self-contained HTML page: no script, no stylesheet or font to fetch, so it reads offline."""

from __future__ import annotations

import html

SHELL = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
{style}
</style>
</head>
<body>
{body}
</body>
</html>
"""


def html_page(title: str, body: str, style: str) -> str:
    """A page of ``body`` (HTML) under ``title`` (text, escaped here), styled by ``style`` (CSS)."""
    return SHELL.format(title=html.escape(title), style=style.strip(), body=body)
