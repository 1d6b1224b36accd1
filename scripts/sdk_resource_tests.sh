#!/bin/sh
# Run the anthropic Python SDK's own tests/api_resources (messages, models, batches, files, the legacy
# completions; GA and beta) against the emulator in mock-server mode on loopback, and report the counts.
#
#   scripts/sdk_resource_tests.sh /path/to/anthropic-sdk-python [workdir]
#   MODE=faithful scripts/sdk_resource_tests.sh ...   # the default emulator instead (the real API's answers)
#
# The SDK checkout is used read-only and never copied into this repository; the venv, the emulator's log and
# pytest's log live in workdir (default /tmp/sdk-resource-tests). The SDK's tests are written for a mock server
# that accepts any id and any parameter combination (placeholder ids "model_id", "message_batch_id", "file_id";
# temperature together with top_p; context_management without its beta; retired models), so the emulator runs
# with --mock-server (docs/emulator.md, "Mock-server mode"). Failures are sorted by what the emulator answered.
set -eu
SDK=${1:?usage: $0 /path/to/anthropic-sdk-python [workdir]}
WORK=${2:-/tmp/sdk-resource-tests}
MODE=${MODE:-mock-server}
HERE=$(cd "$(dirname "$0")/.." && pwd)
PYTHON=${PYTHON:-python3}
mkdir -p "$WORK"
if [ ! -x "$WORK/venv/bin/pytest" ]; then
  "$PYTHON" -m venv "$WORK/venv"
  "$WORK/venv/bin/pip" install -q -e "$SDK" pytest pytest-asyncio pytest-xdist "respx==0.22.0" "dirty-equals==0.11" \
    "inline-snapshot==0.32.5" "time-machine==2.19.0" "http-snapshot[httpx]==0.1.9" aiohttp httpx_aiohttp
fi
case "$MODE" in
  mock-server) FLAG=--mock-server ;;
  faithful) FLAG= ;;
  *) echo "MODE is mock-server or faithful, not $MODE" >&2; exit 2 ;;
esac
PORT=$("$PYTHON" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
# shellcheck disable=SC2086
(cd "$HERE" && exec "$HERE/.venv/bin/python" -m harness emulate --port "$PORT" $FLAG > "$WORK/emulator.log" 2>&1) &
EMULATOR=$!
trap 'kill "$EMULATOR" 2>/dev/null || true' EXIT HUP INT PIPE TERM
for _ in 1 2 3 4 5 6 7 8 9 10; do
  curl -s "http://127.0.0.1:$PORT/health" > /dev/null && break
  sleep 0.5
done
VERSION=$("$WORK/venv/bin/python" -c 'import anthropic; print(anthropic.__version__)')
cd "$SDK"
TEST_API_BASE_URL="http://127.0.0.1:$PORT" "$WORK/venv/bin/pytest" -q -rs -n 2 -p no:cacheprovider \
  tests/api_resources/test_messages.py tests/api_resources/test_models.py tests/api_resources/messages \
  tests/api_resources/test_completions.py \
  tests/api_resources/beta/test_messages.py tests/api_resources/beta/test_models.py \
  tests/api_resources/beta/test_files.py tests/api_resources/beta/messages > "$WORK/pytest.log" 2>&1 || true
echo "anthropic SDK $VERSION, emulator mode $MODE: $(tail -1 "$WORK/pytest.log")"
echo "skipped, by the SDK's reason:"
grep -E "^SKIPPED" "$WORK/pytest.log" | sed 's/^SKIPPED \[\([0-9]*\)\][^:]*:[0-9]*: /\1 /' \
  | awk '{n=$1; $1=""; c[$0]+=n} END {for (r in c) printf "  %5d%s\n", c[r], r}'
echo "failures by the emulator's answer:"
FAILURES=$(grep -E "^E   anthropic\.[A-Za-z]+Error" "$WORK/pytest.log" | grep -o "message': '[^']\{0,70\}" || true)
if [ -n "$FAILURES" ]; then echo "$FAILURES" | sort | uniq -c | sort -rn; else echo "  none"; fi
grep -E "^FAILED" "$WORK/pytest.log" | sed 's/^/  /' || true
