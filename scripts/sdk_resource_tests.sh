#!/bin/sh
# Run the anthropic Python SDK's own tests/api_resources (messages, models, batches, files; GA and beta) against
# the emulator on loopback, and sort the failures by what the emulator answered.
#
#   scripts/sdk_resource_tests.sh /path/to/anthropic-sdk-python [workdir]
#
# The SDK checkout is used read-only and never copied into this repository; the venv and the emulator's log live
# in workdir (default /tmp/sdk-resource-tests). The SDK's tests are written for a mock server that accepts any
# id and any parameter combination, so they use placeholder ids ("model_id", "message_batch_id", "file_id")
# and send temperature together with top_p; the emulator answers those as the real API does (404, 400), and the
# summary counts them separately from everything else.
set -eu
SDK=${1:?usage: $0 /path/to/anthropic-sdk-python [workdir]}
WORK=${2:-/tmp/sdk-resource-tests}
HERE=$(cd "$(dirname "$0")/.." && pwd)
PYTHON=${PYTHON:-python3}
mkdir -p "$WORK"
if [ ! -x "$WORK/venv/bin/pytest" ]; then
  "$PYTHON" -m venv "$WORK/venv"
  "$WORK/venv/bin/pip" install -q -e "$SDK" pytest pytest-asyncio pytest-xdist "respx==0.22.0" "dirty-equals==0.11" \
    "inline-snapshot==0.32.5" "time-machine==2.19.0" "http-snapshot[httpx]==0.1.9" aiohttp httpx_aiohttp
fi
PORT=$("$PYTHON" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
(cd "$HERE" && exec "$HERE/.venv/bin/python" -m harness emulate --port "$PORT" > "$WORK/emulator.log" 2>&1) &
EMULATOR=$!
trap 'kill "$EMULATOR" 2>/dev/null || true' EXIT INT TERM
for _ in 1 2 3 4 5 6 7 8 9 10; do
  curl -s "http://127.0.0.1:$PORT/health" > /dev/null && break
  sleep 0.5
done
cd "$SDK"
TEST_API_BASE_URL="http://127.0.0.1:$PORT" "$WORK/venv/bin/pytest" -q -n 2 -p no:cacheprovider \
  tests/api_resources/test_messages.py tests/api_resources/test_models.py tests/api_resources/messages \
  tests/api_resources/beta/test_messages.py tests/api_resources/beta/test_models.py \
  tests/api_resources/beta/test_files.py tests/api_resources/beta/messages > "$WORK/pytest.log" 2>&1 || true
tail -1 "$WORK/pytest.log"
echo "failures by the emulator's answer:"
grep -E "^E   anthropic\.[A-Za-z]+Error" "$WORK/pytest.log" | grep -o "message': '[^']\{0,70\}" | sort | uniq -c \
  | sort -rn || echo "  none"
