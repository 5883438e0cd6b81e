"""The web pages: server-rendered in the GOV.UK Design System's patterns, from the same app as the API.

``templates/`` holds the Jinja2 templates (GOV.UK markup written by hand, its parts in
``templates/components/``), ``pages.py`` the router of the HTML routes, ``checker.py`` the
eligibility checker's flow. GOV.UK Frontend's CSS, JavaScript and images (not its fonts) are copied from
``node_modules`` into ``static/govuk/`` by ``scripts/setup.sh`` and served at ``/assets``; no page
loads anything from elsewhere.
"""
