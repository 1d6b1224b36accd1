"""What Claude Code would use on this machine, resolved as Claude Code resolves it (pure; files are read by the
caller and passed in).

Sources, highest precedence first: ``--claude-settings FILE`` (Claude Code's ``--settings``), the project's
``.claude/settings.local.json``, its ``.claude/settings.json``, the user's ``~/.claude/settings.json``
(``CLAUDE_CONFIG_DIR`` moves it), then the shell's environment. A settings file's ``env`` block overrides the
shell, and ``""`` there cancels a shell export. Every value keeps where it came from, and values that a
higher source shadows are listed.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import ConfigError
from .providers import PROVIDERS

# The model roles Claude Code calls, with the variables that pin them (first found wins within a role).
MODEL_ROLES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("main", ("ANTHROPIC_MODEL",)),
    ("default", ("ANTHROPIC_DEFAULT_MODEL",)),
    ("opus", ("ANTHROPIC_DEFAULT_OPUS_MODEL",)),
    ("sonnet", ("ANTHROPIC_DEFAULT_SONNET_MODEL",)),
    ("haiku (background tasks)", ("ANTHROPIC_DEFAULT_HAIKU_MODEL", "ANTHROPIC_SMALL_FAST_MODEL")),
    ("fable", ("ANTHROPIC_DEFAULT_FABLE_MODEL",)),
)
UNSUPPORTED_SWITCHES = {
    "CLAUDE_CODE_USE_MANTLE": "Amazon Bedrock (Mantle)", "CLAUDE_CODE_USE_ANTHROPIC_AWS": "Claude Platform on AWS",
}
SKIP_AUTH = ("CLAUDE_CODE_SKIP_BEDROCK_AUTH", "CLAUDE_CODE_SKIP_VERTEX_AUTH", "CLAUDE_CODE_SKIP_FOUNDRY_AUTH")
# Claude Code's own fallbacks when nothing is set (its Bedrock and Vertex docs).
BEDROCK_DEFAULT_REGION = "us-east-1"
VERTEX_DEFAULT_REGION = "us-east5"
VERTEX_DEFAULT_MODEL = "claude-opus-5"
FOUNDRY_DEFAULT_MODEL = "claude-opus-4-6"  # the opus alias on Foundry, which has no start-up model check


@dataclass(frozen=True)
class Value:
    value: str
    source: str  # "environment" or "<file> env" / "<file> <key>"


@dataclass
class Resolved:
    """Every variable Claude Code would see, with its source, and what was shadowed."""

    values: dict[str, Value] = field(default_factory=dict)
    shadowed: list[str] = field(default_factory=list)
    settings: dict[str, Value] = field(default_factory=dict)  # top-level settings keys (model, apiKeyHelper)

    def get(self, name: str) -> Value | None:
        found = self.values.get(name)
        return found if found is not None and found.value != "" else None


@dataclass(frozen=True)
class SettingsFile:
    label: str  # how the report names it (~/.claude/settings.json, .claude/settings.local.json, …)
    data: Mapping[str, Any]


def settings_paths(home: Path, project: Path, env: Mapping[str, str], extra: Path | None) -> list[tuple[str, Path]]:
    """Claude Code's settings files, lowest precedence first, with the label the report uses."""
    config_dir = Path(env["CLAUDE_CONFIG_DIR"]) if env.get("CLAUDE_CONFIG_DIR") else home / ".claude"
    user_label = "$CLAUDE_CONFIG_DIR/settings.json" if env.get("CLAUDE_CONFIG_DIR") else "~/.claude/settings.json"
    paths = [(user_label, config_dir / "settings.json"), (".claude/settings.json", project / ".claude/settings.json"),
             (".claude/settings.local.json", project / ".claude/settings.local.json")]
    if extra is not None:
        paths.append((str(extra), extra))
    return paths


def parse_settings(label: str, text: str) -> SettingsFile:
    """Settings files are strict JSON, as Claude Code reads them (a comment or trailing comma is an error)."""
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise ConfigError(f"Claude Code settings file {label} is not valid JSON ({exc}).",
                          fix="Claude Code rejects it too: remove comments and trailing commas.") from None
    if not isinstance(data, dict):
        raise ConfigError(f"Claude Code settings file {label} is not a JSON object.")
    env = data.get("env", {})
    if not isinstance(env, dict) or not all(isinstance(v, str) for v in env.values()):
        raise ConfigError(f"The env block of {label} must map names to strings.")
    return SettingsFile(label, data)


def resolve(env: Mapping[str, str], files: Sequence[SettingsFile]) -> Resolved:
    """Shell first, then each settings file's env block in rising precedence; the last word wins."""
    resolved = Resolved()
    for name, value in env.items():
        resolved.values[name] = Value(value, "environment")
    for settings in files:
        for name, value in settings.data.get("env", {}).items():
            before = resolved.values.get(name)
            if before is not None and before.value != value:
                resolved.shadowed.append(f"{name} from {before.source} is overridden by {settings.label} env")
            resolved.values[name] = Value(value, f"{settings.label} env")
        for key in ("model", "apiKeyHelper", "awsAuthRefresh", "awsCredentialExport", "gcpAuthRefresh"):
            if isinstance(settings.data.get(key), str):
                before_setting = resolved.settings.get(key)
                if before_setting is not None and before_setting.value != settings.data[key]:
                    resolved.shadowed.append(f"{key} from {before_setting.source} is overridden by {settings.label}")
                resolved.settings[key] = Value(settings.data[key], f"{settings.label} {key}")
    return resolved


def _truthy(value: Value | None) -> bool:
    return value is not None and value.value.strip().lower() not in ("", "0", "false", "no")


@dataclass
class ClaudeCodePlan:
    """The targets Claude Code would call, as raw target settings, each with its provenance."""

    raws: list[dict[str, Any]]
    provenance: dict[str, list[str]]  # target name -> "setting ← source" lines
    notes: list[str]
    helper: Value | None = None  # an apiKeyHelper this run did not execute


def plan(resolved: Resolved, *, helper_output: str | None = None) -> ClaudeCodePlan:
    for switch, name in UNSUPPORTED_SWITCHES.items():
        if _truthy(resolved.get(switch)):
            source = resolved.values[switch].source
            provider = next((p.name for p in PROVIDERS.values() if p.display_name == name), None)
            raise ConfigError(f"Claude Code is set to use {name} ({switch} from {source}); this version of the "
                              "harness checks Claude Code on the Anthropic API, Microsoft Foundry and "
                              "Anthropic-format gateways.",
                              fix=f"Check that endpoint directly with --provider {provider}." if provider else
                              f"Check it with --provider once {name} is supported.")
    for switch in SKIP_AUTH:
        if _truthy(resolved.get(switch)):
            raise ConfigError(f"Claude Code sends no cloud credential here ({switch} from "
                              f"{resolved.values[switch].source}): the gateway in front of the provider adds it, so "
                              "what Claude Code reaches is the gateway, with the gateway's own credential.",
                              fix="Check the gateway itself: --provider with --base-url, --gateway and the credential "
                                  "the gateway expects.")
    notes = [f"shadowed: {line}" for line in resolved.shadowed]
    used: list[str] = []
    raw: dict[str, Any] = {}
    helper = resolved.settings.get("apiKeyHelper")
    overrides: dict[str, dict[str, Any]] = {}  # per model role: settings that differ from the provider's
    if _truthy(resolved.get("CLAUDE_CODE_USE_BEDROCK")):
        default_model = _bedrock(resolved, raw, used, notes, overrides)
    elif _truthy(resolved.get("CLAUDE_CODE_USE_VERTEX")):
        default_model = _vertex(resolved, raw, used, notes)
    elif _truthy(resolved.get("CLAUDE_CODE_USE_FOUNDRY")):
        raw["provider"] = "foundry"
        used.append(f"provider foundry ← CLAUDE_CODE_USE_FOUNDRY ({resolved.values['CLAUDE_CODE_USE_FOUNDRY'].source})")
        for name, key in (("ANTHROPIC_FOUNDRY_BASE_URL", "base_url"), ("ANTHROPIC_FOUNDRY_RESOURCE", "resource")):
            found = resolved.get(name)
            if found is not None:
                raw[key] = found.value
                used.append(f"{key} ← {name} ({found.source})")
        token, key_value = resolved.get("ANTHROPIC_FOUNDRY_AUTH_TOKEN"), resolved.get("ANTHROPIC_FOUNDRY_API_KEY")
        if token is not None:  # the token wins, as in Claude Code
            raw.update(auth="bearer", api_key_env="ANTHROPIC_FOUNDRY_AUTH_TOKEN")
            used.append(f"credential ← ANTHROPIC_FOUNDRY_AUTH_TOKEN ({token.source}), sent as a bearer token")
            if key_value is not None:
                notes.append("ANTHROPIC_FOUNDRY_API_KEY is set too; Claude Code uses the auth token")
        elif key_value is not None:
            raw.update(auth="api-key", api_key_env="ANTHROPIC_FOUNDRY_API_KEY")
            used.append(f"credential ← ANTHROPIC_FOUNDRY_API_KEY ({key_value.source})")
        else:
            raw["auth"] = "entra"
            used.append("credential ← the Azure default credential chain (no Foundry key or token is set)")
        default_model = FOUNDRY_DEFAULT_MODEL
    else:
        raw["provider"] = "anthropic"
        base = resolved.get("ANTHROPIC_BASE_URL")
        if base is not None:
            raw["base_url"] = base.value
            used.append(f"base_url ← ANTHROPIC_BASE_URL ({base.source})")
            if "api.anthropic.com" not in base.value:
                raw["gateway"] = True
        token, key_value = resolved.get("ANTHROPIC_AUTH_TOKEN"), resolved.get("ANTHROPIC_API_KEY")
        if token is not None:
            raw.update(auth="bearer", api_key_env="ANTHROPIC_AUTH_TOKEN")
            used.append(f"credential ← ANTHROPIC_AUTH_TOKEN ({token.source}), sent as Authorization: Bearer")
        elif key_value is not None:
            raw.update(auth="x-api-key", api_key_env="ANTHROPIC_API_KEY")
            used.append(f"credential ← ANTHROPIC_API_KEY ({key_value.source}), sent as x-api-key")
        elif helper is not None and helper_output is not None:
            raw.update(auth="x-api-key", api_key_env="CLAUDE_HARNESS_API_KEY_HELPER_OUTPUT")
            used.append(f"credential ← the output of apiKeyHelper ({helper.source}), run with --run-helpers")
        elif helper is not None:
            raise ConfigError(f"Claude Code would get its key from apiKeyHelper ({helper.source}), which this run "
                              "did not execute.", fix="Pass --run-helpers to run it, or export ANTHROPIC_API_KEY.",
                              cause="config.missing-credentials")
        else:
            raise ConfigError("Claude Code has no API key or token here (ANTHROPIC_API_KEY, ANTHROPIC_AUTH_TOKEN or "
                              "apiKeyHelper); it would use a claude.ai login, which the harness cannot check.",
                              fix="Export the key Claude Code should use, or check a provider with --provider.",
                              cause="config.missing-credentials")
        default_model = "claude-haiku-4-5"
    headers = resolved.get("ANTHROPIC_CUSTOM_HEADERS")
    if headers is not None:
        pairs = {}
        for line in headers.value.splitlines():
            name, sep, value = line.partition(":")
            if not sep or not name.strip():
                raise ConfigError(f"ANTHROPIC_CUSTOM_HEADERS ({headers.source}) has a line that is not Name: Value: "
                                  f"{line!r}.", fix="One header per line, as Name: Value.")
            pairs[name.strip()] = value.strip()
        raw["headers"] = pairs
        used.append(f"headers {', '.join(pairs)} ← ANTHROPIC_CUSTOM_HEADERS ({headers.source})")
    if helper is not None and helper_output is None:
        notes.append(f"apiKeyHelper is set ({helper.source}) but was not run (--run-helpers runs it); the key used "
                     "here is the variable named above")
    for refresh in ("awsAuthRefresh", "awsCredentialExport", "gcpAuthRefresh"):
        if refresh in resolved.settings:
            notes.append(f"{refresh} is set ({resolved.settings[refresh].source}); it is never run by the harness")
    return _with_models(raw, used, notes, resolved, default_model, helper, overrides)


def _take(resolved: Resolved, raw: dict[str, Any], used: list[str], key: str, names: Sequence[str]) -> bool:
    found = next(((n, v) for n in names if (v := resolved.get(n)) is not None), None)
    if found is None:
        return False
    raw[key] = found[1].value
    used.append(f"{key} ← {found[0]} ({found[1].source})")
    return True


def _bedrock(resolved: Resolved, raw: dict[str, Any], used: list[str], notes: list[str],
             overrides: dict[str, dict[str, Any]]) -> str:
    raw["provider"] = "bedrock"
    used.append(f"provider bedrock ← CLAUDE_CODE_USE_BEDROCK ({resolved.values['CLAUDE_CODE_USE_BEDROCK'].source})")
    if not _take(resolved, raw, used, "region", ("AWS_REGION", "AWS_DEFAULT_REGION")):
        raw["region"] = BEDROCK_DEFAULT_REGION
        used.append(f"region ← not set: Claude Code's fallback {BEDROCK_DEFAULT_REGION} (a profile's region in "
                    "~/.aws is not read here)")
    if _take(resolved, raw, used, "base_url", ("ANTHROPIC_BEDROCK_BASE_URL",)):
        raw["gateway"] = True
    if resolved.get("AWS_BEARER_TOKEN_BEDROCK") is not None:
        raw.update(auth="bearer", api_key_env="AWS_BEARER_TOKEN_BEDROCK")
        used.append(f"credential ← AWS_BEARER_TOKEN_BEDROCK ({resolved.values['AWS_BEARER_TOKEN_BEDROCK'].source}), "
                    "a Bedrock API key sent as a bearer token")
    else:
        raw["auth"] = "sigv4"
        profile = resolved.get("AWS_PROFILE")
        where = f"profile {profile.value} ({profile.source})" if profile else "the default chain"
        used.append(f"credential ← AWS credentials from {where}, signed with SigV4")
    tier = resolved.get("ANTHROPIC_BEDROCK_SERVICE_TIER")
    if tier is not None:
        raw.setdefault("headers", {})["X-Amzn-Bedrock-Service-Tier"] = tier.value
        used.append(f"header X-Amzn-Bedrock-Service-Tier ← ANTHROPIC_BEDROCK_SERVICE_TIER ({tier.source})")
    small = resolved.get("ANTHROPIC_SMALL_FAST_MODEL_AWS_REGION")
    if small is not None:
        overrides["haiku (background tasks)"] = {"region": small.value}
        notes.append(f"the background (haiku) model is called in {small.value} "
                     f"(ANTHROPIC_SMALL_FAST_MODEL_AWS_REGION, {small.source})")
    return f"{bedrock_prefix(str(raw['region']), resolved)}.anthropic.claude-opus-5"


def bedrock_prefix(region: str, resolved: Resolved) -> str:
    """Claude Code's cross-region profile prefix for a region (ANTHROPIC_BEDROCK_REGION_PREFIX overrides it)."""
    chosen = resolved.get("ANTHROPIC_BEDROCK_REGION_PREFIX")
    if region.startswith("us-gov-"):
        return "us-gov"
    if chosen is not None:
        return chosen.value
    return next((p for r, p in (("us-", "us"), ("eu-", "eu"), ("ap-", "apac")) if region.startswith(r)), "global")


def _vertex(resolved: Resolved, raw: dict[str, Any], used: list[str], notes: list[str]) -> str:
    raw["provider"] = "vertex"
    used.append(f"provider vertex ← CLAUDE_CODE_USE_VERTEX ({resolved.values['CLAUDE_CODE_USE_VERTEX'].source})")
    if not _take(resolved, raw, used, "region", ("CLOUD_ML_REGION",)):
        raw["region"] = VERTEX_DEFAULT_REGION
        used.append(f"region ← not set: Claude Code's fallback {VERTEX_DEFAULT_REGION}")
    # Claude Code lets the Google project variables override ANTHROPIC_VERTEX_PROJECT_ID
    if not _take(resolved, raw, used, "project", ("GCLOUD_PROJECT", "GOOGLE_CLOUD_PROJECT",
                                                 "ANTHROPIC_VERTEX_PROJECT_ID")):
        used.append("project ← the one Application Default Credentials resolve")
    if _take(resolved, raw, used, "base_url", ("ANTHROPIC_VERTEX_BASE_URL",)):
        raw["gateway"] = True
    raw["auth"] = "adc"
    used.append("credential ← Google Application Default Credentials")
    return VERTEX_DEFAULT_MODEL


def vertex_region_variable(model: str) -> str | None:
    """The VERTEX_REGION_CLAUDE_* variable Claude Code reads for this model's location, if the model has one."""
    import re

    name = model.split("@", 1)[0].removeprefix("claude-")
    old = re.fullmatch(r"(\d)-(\d)-(haiku|sonnet|opus)", name)  # claude-3-5-haiku, claude-3-7-sonnet
    if old:
        return f"VERTEX_REGION_CLAUDE_{old[1]}_{old[2]}_{old[3].upper()}"
    new = re.fullmatch(r"(haiku|sonnet|opus|fable)-(\d)(?:-(\d))?(?:-\d{8})?", name)
    if new is None:
        return None
    family, major, minor = new[1].upper(), new[2], new[3]
    if family in ("HAIKU", "FABLE"):
        return f"VERTEX_REGION_CLAUDE_{family}_{major}" + (f"_{minor}" if minor else "")
    version = f"{major}_{minor}" if minor else (f"{major}_0" if major == "4" else major)
    return f"VERTEX_REGION_CLAUDE_{version}_{family}"


def _with_models(raw: dict[str, Any], used: list[str], notes: list[str], resolved: Resolved, default_model: str,
                 helper: Value | None, overrides: Mapping[str, dict[str, Any]] | None = None) -> ClaudeCodePlan:
    roles: dict[str, list[str]] = {}  # model -> roles and where each came from
    extra: dict[str, dict[str, Any]] = {}  # model -> per-model settings (a region of its own)
    setting_model = resolved.settings.get("model")
    for role, names in MODEL_ROLES:
        found = next(((n, v) for n in names if (v := resolved.get(n)) is not None), None)
        if found is None and role == "main" and setting_model is not None:
            found = ("model setting", setting_model)
        if found is not None:
            name, value = found
            model = value.value.removesuffix("[1m]")
            roles.setdefault(model, []).append(f"{role} ← {name} ({value.source})")
            extra[model] = {**extra.get(model, {}), **(overrides or {}).get(role, {})}
    if not roles:
        roles[default_model] = [f"main ← not pinned: Claude Code's default ({default_model})"]
    raws, provenance = [], {}
    for model, why in roles.items():
        name = f"claude-code:{model}"
        target = {**raw, "name": name, "model": model, "claude_code": True, **extra.get(model, {})}
        lines = [*used, *why]
        if target.get("region") != raw.get("region"):
            lines.append(f"region for this model ← {target['region']} (ANTHROPIC_SMALL_FAST_MODEL_AWS_REGION)")
        variable = vertex_region_variable(model) if raw.get("provider") == "vertex" else None
        region = resolved.get(variable) if variable else None
        if region is not None:
            target["region"] = region.value
            lines.append(f"region for this model ← {variable} ({region.source})")
        raws.append(target)
        provenance[name] = lines
    return ClaudeCodePlan(raws, provenance, notes, helper)
