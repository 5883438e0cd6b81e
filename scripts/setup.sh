#!/usr/bin/env bash
# Creates .venv (Python 3.11 or newer) and installs kruger-rules with its test tools into it; builds the web pages' assets.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e '.[test]'

# The web pages' front end: GOV.UK Frontend (and axe-core, for the browser tests) from the npm registry as
# package-lock.json pins them, installed again only when the lock file changed; its built CSS, JavaScript
# and images copied into api/web/static/govuk/, which the app serves at /assets (both folders git-ignored).
# Not its fonts: GDS Transport is licensed for GOV.UK services only, and the pages use the system's own font.
STAMP="sha256 $(sha256sum package-lock.json | cut -d' ' -f1)"
if [ "$(cat node_modules/.kruger-rules-lock 2>/dev/null)" != "$STAMP" ]; then
  if command -v npm >/dev/null; then
    if npm ci --no-audit --no-fund --loglevel=error >/dev/null; then
      echo "$STAMP" > node_modules/.kruger-rules-lock
    else
      echo "setup: npm ci failed, so the web pages' assets are not built (the pages answer 503; the API is served)" >&2
    fi
  else
    echo "setup: npm is missing, so the web pages' assets are not built (the pages answer 503); install Node.js and npm" >&2
  fi
fi
WEB_STATIC=api/web/static/govuk
WEB_STAMP="$STAMP without fonts"
if [ -f node_modules/.kruger-rules-lock ] && [ "$(cat "$WEB_STATIC/.kruger-rules-lock" 2>/dev/null)" != "$WEB_STAMP" ]; then
  DIST=node_modules/govuk-frontend/dist/govuk
  rm -rf "$WEB_STATIC.new" && mkdir -p "$WEB_STATIC.new"
  cp "$DIST/govuk-frontend.min.css" "$DIST/govuk-frontend.min.js" "$WEB_STATIC.new/"
  cp -r "$DIST/assets/." "$WEB_STATIC.new/"
  rm -rf "$WEB_STATIC.new/fonts"
  echo "$WEB_STAMP" > "$WEB_STATIC.new/.kruger-rules-lock"
  rm -rf "$WEB_STATIC" && mv "$WEB_STATIC.new" "$WEB_STATIC"
fi

# The browser tests drive Debian's chromium (never a browser build of Playwright's own).
if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "setup: installing Debian's chromium for the browser tests" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -qq chromium >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq chromium >/dev/null; } ||
      echo "setup: chromium could not be installed: the browser tests will say so" >&2
  else
    echo "setup: the browser tests need Debian's chromium at /usr/bin/chromium: run 'sudo apt-get install chromium'" >&2
  fi
fi
