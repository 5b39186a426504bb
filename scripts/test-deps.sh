#!/bin/sh
# Debian packages the tests need, installed once (npm runs this before `npm test`):
#   python3-numpy, python3-numexpr  fixtures of the analysis accuracy suite (Debian's /usr/bin/python3)
#   libopenblas0-pthread            a multi-threaded BLAS for Debian's numpy (native pool fixtures)
#   python3-threadpoolctl           names the native pools and their limits under /usr/bin/python3
#   pypy3                           another interpreter: serial@pypy3.9 and friends (interpreters tests)
#   python3-distributed             Dask: dask-local and a scheduler with workers on loopback (dask tests)
#   python3-uvloop                  an event loop that runs its callbacks in C (event-loop recorder tests)
#   chromium                        the HTML report and end-to-end tests
# The end-to-end tests install code-server themselves (test/e2e/setup.sh).
set -eu
missing=""
for pkg in python3-numpy python3-numexpr libopenblas0-pthread python3-threadpoolctl pypy3 python3-distributed python3-uvloop chromium; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing="$missing $pkg"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
  echo "test-deps: missing Debian packages:$missing; run: sudo apt-get install -y$missing" >&2
  exit 1
fi
echo "test-deps: apt-get install$missing"
apt-get -o DPkg::Lock::Timeout=600 update -qq
DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq $missing >/dev/null
