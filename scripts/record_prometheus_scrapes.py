"""Record the requests a real Prometheus sends through the relabelling of docs/examples/monitoring/prometheus.yml.

    python scripts/record_prometheus_scrapes.py   # needs `prometheus` on PATH (Debian: apt-get install prometheus)

A loopback recorder stands in for the exporter; Prometheus scrapes it once per job. What it sent (path, query,
headers: nothing secret is involved) is written to fixtures/third-party/prometheus/scrape-requests.json, which the
fast suite replays against `serve` (tests/test_serve.py) without Prometheus installed.
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "fixtures" / "third-party" / "prometheus" / "scrape-requests.json"
TARGETS = ["healthy", "broken"]


def main() -> int:
    if not shutil.which("prometheus"):
        print("prometheus is not on PATH (Debian: apt-get install -y prometheus)", file=sys.stderr)
        return 2
    seen: list[dict[str, Any]] = []

    class Recorder(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            seen.append({"path": self.path, "headers": dict(self.headers.items())})
            body = b"# TYPE probe_success gauge\nprobe_success 1\n"
            self.send_response(200)
            self.send_header("content-type", "text/plain; version=0.0.4; charset=utf-8")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    recorder = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    address = f"127.0.0.1:{recorder.server_address[1]}"
    threading.Thread(target=recorder.serve_forever, daemon=True).start()
    config: dict[str, Any] = yaml.safe_load((ROOT / "docs/examples/monitoring/prometheus.yml").read_text())
    config.pop("rule_files")
    for job in config["scrape_configs"]:
        job["scrape_interval"], job["scrape_timeout"] = "2s", "1500ms"
        labels: dict[str, str] = {"location": "recorder"}
        if job["job_name"] != "claude-harness-exporter":
            labels["__exporter__"] = address
            job["static_configs"] = [{"targets": TARGETS, "labels": labels}]
        else:
            job["static_configs"] = [{"targets": [address], "labels": labels}]
    version = subprocess.run(["prometheus", "--version"], capture_output=True, text=True).stdout.split("\n")[0]
    with tempfile.TemporaryDirectory(prefix="claude-harness-record-") as folder:
        path = Path(folder) / "prometheus.yml"
        path.write_text(yaml.safe_dump(config))
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        process = subprocess.Popen(["prometheus", f"--config.file={path}", f"--storage.tsdb.path={folder}/data",
                                    f"--web.listen-address=127.0.0.1:{port}", "--log.level=warn"],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + 30
            while len({r["path"] for r in seen}) < 5 and time.monotonic() < deadline:
                time.sleep(0.2)
        finally:
            process.terminate()
            process.wait(timeout=15)
            recorder.shutdown()
    requests = sorted({r["path"]: r for r in seen}.values(), key=lambda r: r["path"])
    if len(requests) < 5:
        print(f"only {len(requests)} distinct scrapes within 30 s", file=sys.stderr)
        return 1
    for request in requests:
        request["headers"].pop("Host", None)  # the recorder's port: not Prometheus's choice
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps({"recorded_with": version, "scrape_timeout": "1500ms", "requests": requests},
                              indent=2) + "\n")
    print(f"wrote {len(requests)} scrape requests from {version} to {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
