"""Replay fixtures through respx: the probe runs unchanged above the transport.

``fixtures/<provider>/healthy/`` holds one recorded answer per probe (JSON with
status, headers and body; streams as ``.sse`` transcripts), and
``fixtures/<provider>/errors/`` the providers' error answers. A fault name
replaces the healthy answer at the probes that fault breaks, as in the emulator.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

import httpx
import respx

from . import eventstream
from .cloud_credentials import EMULATOR_ACCESS_KEY
from .config import Target
from .emulator.app import SCOPE_KINDS
from .emulator.faults import FAULTS
from .errors import HarnessError
from .probe import PROBE_EXTENSION, TARGET_EXTENSION
from .resources import fill, fixtures_dir, load_error_fixture


def _stream_content(headers: dict[str, str], sse: bytes) -> bytes:
    """Streams are kept as readable SSE; a Bedrock stream is framed again as the AWS event stream it was."""
    content_type = next((v for k, v in headers.items() if k.lower() == "content-type"), "")
    return b"".join(eventstream.frames_from_sse(sse)) if eventstream.CONTENT_TYPE in content_type else sse


def _healthy(provider: str, kind: str) -> httpx.Response:
    folder = fixtures_dir() / provider / "healthy"
    meta: dict[str, Any] = json.loads((folder / f"{kind}.json").read_text(encoding="utf-8"))
    if kind == "stream":
        content = _stream_content(meta["headers"], (folder / "stream.sse").read_bytes())
        return httpx.Response(meta["status"], headers=meta["headers"], content=content)
    return httpx.Response(meta["status"], headers=meta["headers"], json=meta["body"])


_CONTROL_PATHS = (("/foundation-model-availability/", "availability"), ("/foundation-models/", "foundation_model"),
                  ("/inference-profiles/", "inference_profile"))


def control_kind(path: str) -> str | None:
    """Bedrock's control-plane reads (served under the same base URL in the emulator and by gateways)."""
    return next((kind for marker, kind in _CONTROL_PATHS if path.startswith(marker)), None)


def api_kind(target: Target, request: httpx.Request) -> str | None:
    """Which Messages API call a request is (message, stream or count_tokens), by the provider's own paths."""
    spec = target.provider
    path = request.url.path.removeprefix(httpx.URL(target.base_url).path.rstrip("/"))
    if spec.regional:  # the model is in the path; the method is its last segment
        for suffix, kind in (("/invoke-with-response-stream", "stream"), (":streamRawPredict", "stream"),
                             ("/count-tokens", "count_tokens"), ("count-tokens:rawPredict", "count_tokens"),
                             ("/invoke", "message"), (":rawPredict", "message")):
            if path.endswith(suffix):
                return kind
        return None
    if path == spec.messages_path and request.method == "POST":
        return "stream" if json.loads(request.content or b"{}").get("stream") is True else "message"
    if path == spec.count_tokens_path and request.method == "POST":
        return "count_tokens"
    return None


def _error(provider: str, name: str, model: str) -> httpx.Response | None:
    data = load_error_fixture(provider, name)
    if data is None:
        return None
    body = fill(data["body"], {"model": model, "request_id": "req_011CReplayedFixture00001"})
    headers = dict(data.get("headers", {}))
    if isinstance(body, str):
        return httpx.Response(data["status"], headers=headers, text=body)
    return httpx.Response(data["status"], headers=headers, json=body)


def replay_router(target: Target, fault: str | None = None) -> respx.Router:
    """A router answering every probe of ``target`` from fixtures."""
    if fault is not None and (fault not in FAULTS or FAULTS[fault].behaviour != "fixture"):
        raise HarnessError(f"Fault {fault!r} has no recorded fixture to replay.")
    spec = target.provider
    router = respx.Router(assert_all_called=False)

    def answer(kind: str, request: httpx.Request) -> httpx.Response:
        if fault is not None and kind in SCOPE_KINDS.get(FAULTS[fault].scope, set()):
            broken = _error(spec.name, fault, target.model)
            if broken is not None:
                return broken
        return _healthy(spec.name, kind)

    def api(request: httpx.Request) -> httpx.Response:
        kind = api_kind(target, request)
        if kind is None:
            return httpx.Response(404, json={"error": "not recorded"})
        return answer(kind, request)

    def control(request: httpx.Request) -> httpx.Response:
        path = request.url.path.removeprefix(httpx.URL(control_base).path.rstrip("/"))
        kind = control_kind(path) if spec.control_plane else None
        if kind is None or not (fixtures_dir() / spec.name / "healthy" / f"{kind}.json").is_file():
            return httpx.Response(404, json={"error": "not recorded"})
        return _healthy(spec.name, kind)

    base = target.base_url
    router.post(url__startswith=base).mock(side_effect=api)
    control_base = spec.control_base(base)
    if spec.control_plane:
        router.get(url__startswith=control_base + "/").mock(side_effect=control)
    if spec.key_info_path:
        router.get(base + spec.key_info_path).mock(side_effect=lambda req: answer("key", req))
    if spec.models_path and spec.key_info_path:
        router.get(base + spec.models_path).mock(side_effect=lambda req: answer("models", req))
    router.route().mock(return_value=httpx.Response(404, json={"error": "not recorded"}))
    return router


# --- recordings made with `check --record DIR` ------------------------------------------------------------------
REPLAY_KEY_ENV = "CLAUDE_HARNESS_REPLAY_KEY"
# Replayed SigV4 targets sign with this key id; the bad-key probe signs with the AWS docs' example id instead.
REPLAY_AWS_ENV = {"AWS_ACCESS_KEY_ID": "REPLAYKEYID", "AWS_SECRET_ACCESS_KEY": "replay-secret"}
REPLAY_BAD_SIGNER = f"Credential={EMULATOR_ACCESS_KEY}/"


def recording_folder(target_id: str) -> str:
    """A folder name for a target: safe on every file system, inside the recording, unique per id."""
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", target_id).strip("._") or "target"
    if safe != target_id:
        safe = f"{safe[:60]}-{hashlib.sha256(target_id.encode()).hexdigest()[:8]}"
    return safe


def _load_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise HarnessError(f"The recording file {path} cannot be read as JSON ({exc}).",
                           fix="Record it again with `claude-harness check --record DIR`, or restore the file.") \
            from None


def _readable_recording(target_json: Path) -> dict[str, Any]:
    """A recorded target and every answer recorded for it, checked before anything is replayed: a damaged
    fixture is a usage error naming the file, never a diagnosis of the endpoint."""
    info = _load_json(target_json)
    needed = ("id", "provider", "endpoint", "model", "auth")
    missing = [k for k in needed if not isinstance(info, dict) or k not in info]
    if missing:
        raise HarnessError(f"The recording file {target_json} lacks {', '.join(missing)}.",
                           fix="Record it again with `claude-harness check --record DIR`.")
    for answer in sorted(target_json.parent.glob("*.json")):
        if answer == target_json:
            continue
        meta = _load_json(answer)
        if not isinstance(meta, dict) or not isinstance(meta.get("status"), int):
            raise HarnessError(f"The recording file {answer} has no HTTP status.",
                               fix="Record it again with `claude-harness check --record DIR`, or remove the file.")
    assert isinstance(info, dict)
    return info


def recorded_targets(directory: Path) -> list[dict[str, Any]]:
    """Target settings from a recording (the secrets were never recorded; a placeholder stands in)."""
    found = sorted(directory.glob("*/target.json"))
    if not found:
        raise HarnessError(f"{directory} holds no recording (no */target.json).",
                           fix="Pass a directory written by `claude-harness check --record DIR`.")
    raws = []
    for path in found:
        info = _readable_recording(path)
        raw = {"name": info["id"], "provider": info["provider"], "base_url": info["endpoint"], "model": info["model"],
               "auth": info["auth"], "allow_insecure_http": True}
        raw.update({k: info[k] for k in ("region", "project", "workspace_id") if isinstance(info.get(k), str)})
        if info["auth"] == "adc":
            raw["auth"] = "bearer"  # the recording holds no token; a placeholder stands in, as for keys
        if raw["auth"] not in ("entra", "sigv4"):
            raw["api_key_env"] = REPLAY_KEY_ENV
        if isinstance(info.get("features"), list):
            raw["features"] = info["features"]
            if isinstance(info.get("anthropic_beta"), str):
                raw["headers"] = {"anthropic-beta": info["anthropic_beta"]}
        if info.get("gateway") is True:
            raw["gateway"] = True  # marked by the user (a detected gateway is detected again from the answers)
        raws.append(raw)
    return raws


def _recorded(folder: Path, probe: str) -> httpx.Response:
    from .ladder import NOT_RECORDED_HEADER

    meta_path = folder / f"{probe}.json"
    if not meta_path.is_file():
        return httpx.Response(404, json={"error": f"{probe} was not recorded"}, headers={NOT_RECORDED_HEADER: "1"})
    meta: dict[str, Any] = json.loads(meta_path.read_text(encoding="utf-8"))
    headers = dict(meta.get("headers", {}))
    headers.pop("content-length", None)
    headers.pop("content-encoding", None)
    sse = folder / f"{probe}.sse"
    if sse.is_file():
        return httpx.Response(meta["status"], headers=headers, content=_stream_content(headers, sse.read_bytes()))
    body = meta.get("body")
    if isinstance(body, str):
        return httpx.Response(meta["status"], headers=headers, text=body)
    return httpx.Response(meta["status"], headers=headers, json=body)


def recording_router(target: Target, directory: Path) -> Any:
    """Answer each probe of ``target`` with what the recording holds for it."""
    from .ladder import BAD_KEY, UNKNOWN_MODEL

    folder = directory / recording_folder(target.id)
    spec = target.provider
    base = target.base_url

    def probe_of(request: httpx.Request) -> str:
        feature_probe = str(request.extensions.get(PROBE_EXTENSION, ""))
        if feature_probe.startswith(("feature.", "feature-free.")):  # many feature probes share the messages path
            return feature_probe
        path = request.url.path.removeprefix(httpx.URL(base).path.rstrip("/"))
        if request.url.params.get("Action") == "GetCallerIdentity":
            return "sts_identity"
        if request.method == "GET" and spec.control_plane and control_kind(path):
            return str(control_kind(path))
        if BAD_KEY in " ".join(request.headers.values()) or REPLAY_BAD_SIGNER in request.headers.get(
                "authorization", ""):
            return "bad_key"
        body = json.loads(request.content or b"{}") if request.method == "POST" else {}
        if UNKNOWN_MODEL in str(body.get("model", "")) or UNKNOWN_MODEL in path:
            return "bad_model"
        kind = api_kind(target, request) if spec.regional else None
        if kind == "message":
            return "truncated" if body.get("max_tokens") == 3 else "message"
        if kind is not None:
            return kind
        if request.method == "GET" and str(request.url).rstrip("/") == base.rstrip("/"):
            return "network"
        if request.method == "GET" and path.startswith("/v1/models/"):
            return "model_info"
        if path == spec.messages_path:
            if body.get("stream") is True:
                return "stream"
            return "truncated" if body.get("max_tokens") == 3 else "message"
        named: dict[str | None, str] = {spec.count_tokens_path: "count_tokens", spec.key_info_path: "key_info"}
        unsupported = {path: name for name, path in spec.unsupported_probes()}
        if unsupported:
            named.update(unsupported)
        elif spec.models_path:
            named[spec.models_path] = "models"
        return named.get(path) or "unknown"

    return lambda request: _recorded(folder, probe_of(request))


def recordings_transport(targets: list[Target], directory: Path) -> httpx.MockTransport:
    """One in-process transport answering every recorded target from its own folder.

    Each request carries its target's id (a request extension set by the probe), so targets that share a
    base URL are still answered from their own recordings.
    """
    answer = {target.id: recording_router(target, directory) for target in targets}

    def handler(request: httpx.Request) -> httpx.Response:
        target_id = request.extensions.get(TARGET_EXTENSION, "")
        if target_id not in answer:
            return httpx.Response(404, json={"error": f"no recording for target {target_id!r}"})
        response: httpx.Response = answer[target_id](request)
        return response

    return httpx.MockTransport(handler)
