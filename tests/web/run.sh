#!/bin/sh
# Runs the browser test (portal_test.mjs) for CTest: checks that node and chromium are
# there (fails, not skips, when they are not: scripts/install-deps installs both), installs
# playwright-core from package-lock.json into tests/web/node_modules when it is missing or
# not the locked version, then runs the test against the given trustgate binary.
# Usage: run.sh TRUSTGATE_BIN SCREENSHOT_DIR
set -eu
here=$(cd "$(dirname "$0")" && pwd)
bin=$1
shots=$2
chromium=${TG_CHROMIUM:-/usr/bin/chromium}
if ! command -v node >/dev/null 2>&1; then
  echo "web test: node is not installed (scripts/install-deps installs nodejs)"; exit 1
fi
if [ ! -x "$chromium" ]; then
  echo "web test: chromium is not installed at $chromium (scripts/install-deps installs the Debian package chromium)"; exit 1
fi
locked=$(node -e "const l=require('$here/package-lock.json');console.log(l.packages['node_modules/playwright-core'].version)")
installed=$(node -e "try{console.log(require('$here/node_modules/playwright-core/package.json').version)}catch(e){console.log('none')}")
if [ "$locked" != "$installed" ]; then
  echo "web test: installing playwright-core $locked (found: $installed)"
  (cd "$here" && npm ci --no-audit --no-fund --loglevel=error) || { echo "web test: npm ci of playwright-core failed"; exit 1; }
fi
exec node "$here/portal_test.mjs" --trustgate "$bin" --screenshots "$shots" --chromium "$chromium"
