#!/usr/bin/env bash
# Install the middleboxes that tests/test_middleboxes_live.py and `python -m tests.middleboxes.run` run on
# 127.0.0.1: nginx, HAProxy and squid from Debian, mitmproxy from PyPI in its own virtual environment (its pinned
# dependencies must not change the project's). Source it to get HARNESS_MITMDUMP exported:
#
#     . tests/middleboxes/install.sh && python -m pytest -q tests/test_middleboxes_live.py
#
# Where a package cannot be installed, the live tests skip naming what is missing.
set -u
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  for bin in nginx haproxy squid; do
    if ! command -v "$bin" >/dev/null 2>&1 && ! [ -x "/usr/sbin/$bin" ]; then
      (timeout 300 apt-get update -qq && DEBIAN_FRONTEND=noninteractive timeout 600 apt-get install -y -qq \
        nginx haproxy squid) >/dev/null 2>&1 || echo "nginx/haproxy/squid could not be installed"
      break
    fi
  done
  # the Debian packages' own services are not needed (and not started in containers without an init system)
fi
mitm_venv="${HARNESS_MITM_VENV:-${TMPDIR:-/tmp}/claude-harness-mitmproxy}"
if [ ! -x "$mitm_venv/bin/mitmdump" ]; then
  (python3 -m venv "$mitm_venv" && "$mitm_venv/bin/pip" install --quiet --disable-pip-version-check \
    'mitmproxy>=11,<12') >/dev/null 2>&1 || echo "mitmproxy could not be installed"
fi
if [ -x "$mitm_venv/bin/mitmdump" ]; then
  export HARNESS_MITMDUMP="$mitm_venv/bin/mitmdump"
fi
export PATH="$PATH:/usr/sbin"
