"""What the harness knows about one provider: data, plus the few behaviours that differ between providers.

Every provider is a package, ``harness/providers/<name>/``, holding everything true of its host: its
``ProviderSpec`` (in ``__init__.py``: endpoints, variables, auth modes, paths, and the behaviours below) and, each
optional, one module or data file per concern that generic code finds with ``provider_part(spec, concern)``:
``emulator.py`` (+ ``emulator.toml``), ``lifecycle.py``, ``diagnosis.py`` / ``diagnosis.toml``,
``fingerprints.toml``, ``client.py``, ``claude_code.py``, ``reproduce.py``, ``features.py``. Generic code (the
ladder, checks, diagnosis, reports, emulator core, CLI, plugin) reads the fields and calls the hooks marked "hook"
below and never names a provider (tests/test_provider_layout.py holds it), so adding a provider is one package
plus one registry line; docs/design.md walks through it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

WireFormat = Literal["anthropic-messages", "openai-chat"]
AuthMode = Literal["api-key", "x-api-key", "bearer", "entra", "sigv4", "adc"]
AUTH_MODES: tuple[AuthMode, ...] = ("api-key", "x-api-key", "bearer", "entra", "sigv4", "adc")
# What a probe asks for; the provider maps it to a path and a body.
ProbeKind = Literal["message", "stream", "count_tokens"]
SSE = "text/event-stream"


@dataclass(frozen=True)
class Placement:
    """Where a target's requests go beyond the base URL: a cloud region and project, when the provider has them."""

    region: str | None = None
    project: str | None = None


@dataclass(frozen=True)
class HeaderSetting:
    """A header the provider requires on every request, taken from a target setting or an environment variable
    (Claude Platform on AWS: ``anthropic-workspace-id`` from ``workspace_id`` / ``ANTHROPIC_AWS_WORKSPACE_ID``)."""

    key: str  # the TOML key; the flag is --key-with-dashes
    env: str
    header: str
    what: str  # how messages name it
    emulator_value: str  # what emulated targets send (the emulator checks it is present)


@dataclass(frozen=True)
class ProviderSpec:
    """Endpoints, auth and conventions of one provider.

    Paths are relative to the target's base URL (which never ends in ``/``).
    """

    name: str
    display_name: str
    wire: WireFormat
    key_env: str
    base_url_env: str | None
    default_base_url: str | None
    url_suffix: str | None  # a base URL must end with this (e.g. Foundry's /anthropic)
    url_suffix_hint: str
    auth_modes: tuple[AuthMode, ...]
    default_auth: AuthMode
    messages_path: str
    count_tokens_path: str | None  # a free probe of auth and model, where the provider has one
    key_info_path: str | None  # a free probe of auth (OpenRouter GET /key)
    models_path: str | None  # a free listing of model ids
    default_model: str | None  # None: the user must name it (Foundry deployment names are theirs)
    request_id_headers: tuple[str, ...]
    documented_request_id_headers: tuple[str, ...]
    ratelimit_header_prefix: str | None  # None: the provider documents that it sends none
    resource_env: str | None = None
    sdk_hint: str = ""
    extra_env: tuple[str, ...] = field(default_factory=tuple)
    stream_content_type: str = SSE
    version_header: bool = True  # sends anthropic-version as a header (the clouds put a dialect in the body)
    default_dialect: str | None = None  # the body's anthropic_version, where the provider wants one
    region_envs: tuple[str, ...] = ()  # variables the official SDK reads the region or location from
    project_envs: tuple[str, ...] = ()
    bad_key_statuses: tuple[int, ...] = (401,)  # what the provider documents for a wrong credential
    bad_model_status: int | None = None  # None: the conformance check's own per-wire expectation
    control_plane: bool = False  # has a free control plane that says whether the model may be used (Bedrock)
    # hooks for the provider packages (generic code asks these instead of naming a provider)
    signing_name: str | None = None  # hook: the SigV4 service name, for --auth sigv4 (signing, curl --aws-sigv4)
    header_settings: tuple[HeaderSetting, ...] = ()  # hook: required headers from settings (config.py)
    infer_from: tuple[str, ...] | None = None  # hook: variables that alone select it (None: key/base URL/extra env)
    follows_anthropic_schedule: bool = False  # hook: Anthropic's lifecycle dates apply (lifecycle.py)
    emulator_mount: str | None = None  # hook: where the emulator serves it (the SDK base URL's path; "" = the root)
    # hook: what `emulate` prints beside the base URL ({base}: the emulator's URL, {host}: host:port, {access_key}:
    # the example access key id); "" = the generic note from the signing name and required headers
    emulator_note: str = ""
    otel_name: str | None = None  # hook: gen_ai.provider.name in OpenTelemetry (serve/genai.py)
    steps_like: str | None = None  # hook: the provider whose labelled catalogue steps and sources fit it too

    # --- behaviours a provider module may override -----------------------------------------------------------
    def path(self, kind: ProbeKind, model: str, placement: Placement) -> str:
        """The path of a probe, relative to the base URL."""
        if kind == "count_tokens":
            return self.count_tokens_path or self.messages_path
        return self.messages_path

    def body(self, kind: ProbeKind, body: dict[str, Any], dialect: str | None) -> dict[str, Any]:
        """The request body as this provider wants it (the clouds move the model into the path)."""
        return body

    def base_url_for(self, placement: Placement) -> str | None:
        """The endpoint the official SDK builds when no base URL is given."""
        return self.default_base_url

    def lifecycle_id(self, model: str) -> str | None:
        """Hook: the first-party id behind this provider's model id, for the lifecycle table (None: the provider's
        lifecycle module maps it, or the id is first-party already)."""
        return None

    def sts_url(self, base_url: str, region: str | None) -> str | None:
        """Hook: where STS GetCallerIdentity answers for a SigV4 target on this host (None: not asked)."""
        return None

    def credential_error_schema(self, auth: str) -> str | None:
        """Hook: the error schema of the answer to a wrong credential, where the host's AWS front door answers it
        rather than the API behind (None: the provider's usual error schema)."""
        return None

    def emulator_routes(self, emulator: Any) -> list[Any]:
        """Hook: the starlette routes that serve this provider in the emulator (its package's emulator.py:
        ``routes(emulator)``; none where it has no such module)."""
        from . import provider_part

        part = provider_part(self, "emulator")
        found: list[Any] = part.routes(emulator) if part is not None else []
        return found

    # Diagnosis needs no hook here: a provider's diagnosis.toml (data) and diagnosis.py (unauthorized, read_pasted),
    # read by harness/diagnosis/provider_facts.py, hold what the diagnosis and the checks ask of it.

    # Client-side hooks: each asks the provider package's client.py (found by provider_part; a provider without one
    # gets the default), so a provider adds client behaviour in its own folder, not by a keyword argument here.
    def _client(self, name: str, default: Any) -> Any:
        from . import provider_part

        module = provider_part(self, "client")
        return getattr(module, name, default) if module is not None else default

    def claude_code_part(self) -> Any:
        """Hook: the provider's claude_code.py (how Claude Code selects and configures it), or None where Claude Code
        has no way to reach it (``harness.claude_code`` documents what the module provides)."""
        from . import provider_part

        return provider_part(self, "claude_code")

    def sdk_credential(self, env: Mapping[str, str]) -> tuple[dict[str, Any], str] | None:
        """Hook: the credential the official SDK falls back to when ``key_env`` is unset, as (target settings, how
        the provenance names it); None: no fallback (client.py ``sdk_credential(env)``)."""
        hook = self._client("sdk_credential", None)
        return None if hook is None else hook(env)

    def auth_extras(self) -> Mapping[str, tuple[str, str, str, str]]:
        """Hook: auth mode -> (module, the package extra, what it brings, the distribution) for an optional
        dependency the auth mode needs (client.py ``AUTH_EXTRAS``)."""
        return dict(self._client("AUTH_EXTRAS", {}))

    def attribution_headers(self) -> tuple[tuple[str, str], ...]:
        """Hook: (target setting, header) of the optional attribution headers the provider reads (client.py
        ``ATTRIBUTION_HEADERS``); the setting is refused for every other provider."""
        return tuple(self._client("ATTRIBUTION_HEADERS", ()))

    def model_info_path(self, model: str) -> str | None:
        """Hook: a free read of one model's metadata (client.py ``MODEL_INFO_PATH``, ``{model}`` quoted); None: none."""
        from urllib.parse import quote

        template = self._client("MODEL_INFO_PATH", None)
        return None if template is None else str(template).format(model=quote(model, safe=""))

    def unknown_model_id(self, model: str) -> str:
        """Hook: a model id the provider cannot know, in the provider's spelling (client.py ``unknown_model_id``)."""
        hook = self._client("unknown_model_id", None)
        return model if hook is None else str(hook(model))

    def unsupported_probes(self) -> tuple[tuple[str, str], ...]:
        """Hook: (probe name, path) of endpoints the provider documents as unsupported, asked with GET in the full
        profile to see them refused (client.py ``UNSUPPORTED_PROBES``)."""
        return tuple(self._client("UNSUPPORTED_PROBES", ()))

    def control_base(self, base_url: str) -> str:
        """Hook: the base URL of the control plane beside this base URL (client.py ``control_url``)."""
        hook = self._client("control_url", None)
        return base_url if hook is None else str(hook(base_url))

    def control_plane_reads(self, model: str) -> tuple[tuple[str, str], ...]:
        """Hook: (probe, path under the control plane) of the free reads that say whether the model may be used,
        for a provider with ``control_plane`` (client.py ``control_plane_reads(model)``)."""
        hook = self._client("control_plane_reads", None)
        return () if hook is None else tuple(hook(model))

    def model_required(self) -> tuple[str, str]:
        """Hook: for a provider without a default model, what the model names and where to find it (client.py
        ``MODEL_REQUIRED``: what, fix)."""
        what, fix = self._client("MODEL_REQUIRED", ("a model id", "Pass --model with the model id."))
        return str(what), str(fix)

    def emulated_settings(self) -> Mapping[str, Any]:
        """Hook: target settings an emulated target of this provider gets unless given (a placement the emulator
        serves, a deployment name; client.py ``emulated_settings()``)."""
        hook = self._client("emulated_settings", None)
        return {} if hook is None else dict(hook())

    @property
    def regional(self) -> bool:
        return bool(self.region_envs)
