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

from .claude_code_facts import Facts, all_facts
from .claude_code_shape import TierProbe
from .config import Target
from .errors import ConfigError
from .providers import PROVIDERS
from .redact import Secret

# The tiers Claude Code's aliases resolve to, with the variables that pin them (first found wins within a tier).
TIERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("opus", ("ANTHROPIC_DEFAULT_OPUS_MODEL",)),
    ("sonnet", ("ANTHROPIC_DEFAULT_SONNET_MODEL",)),
    ("haiku", ("ANTHROPIC_DEFAULT_HAIKU_MODEL", "ANTHROPIC_SMALL_FAST_MODEL")),
    ("fable", ("ANTHROPIC_DEFAULT_FABLE_MODEL",)),
)
MODES = ("print", "interactive")
UNSUPPORTED_SWITCHES = {
    "CLAUDE_CODE_USE_MANTLE": "Amazon Bedrock (Mantle)", "CLAUDE_CODE_USE_ANTHROPIC_AWS": "Claude Platform on AWS",
}
SKIP_AUTH = ("CLAUDE_CODE_SKIP_BEDROCK_AUTH", "CLAUDE_CODE_SKIP_VERTEX_AUTH", "CLAUDE_CODE_SKIP_FOUNDRY_AUTH")
# Claude Code's own fallbacks when nothing is set (its Bedrock and Vertex docs).
BEDROCK_DEFAULT_REGION = "us-east-1"
VERTEX_DEFAULT_REGION = "us-east5"


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
    facts: Facts | None = None
    tier_probes: dict[str, tuple[TierProbe, ...]] = field(default_factory=dict)  # target name -> start-up probes
    second_key_env: str | None = None  # ANTHROPIC_API_KEY sent as x-api-key beside the bearer token
    defaulted: frozenset[str] = frozenset()  # target names whose model is the provider's unpinned default


def plan(resolved: Resolved, *, helper_output: str | None = None, facts: Facts | None = None,
         mode: str = "print") -> ClaudeCodePlan:
    """What Claude Code (the version ``facts`` were observed in) would call in ``mode`` (``print``: ``claude -p``;
    ``interactive``: a session, which also runs background tasks on the haiku tier)."""
    facts = facts or all_facts()[-1]
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
    if mode not in MODES:
        raise ConfigError(f"--claude-code-mode {mode!r} is not one of {', '.join(MODES)}.",
                          fix="print checks what claude -p calls; interactive adds the background (haiku) model.")
    notes = [f"shadowed: {line}" for line in resolved.shadowed]
    for name, why in facts.not_read.items():
        if resolved.get(name) is not None:
            notes.append(f"warning: {name} is set ({resolved.values[name].source}), but Claude Code {facts.version} "
                         f"{why}")
    second_key: str | None = None
    used: list[str] = []
    raw: dict[str, Any] = {}
    helper = resolved.settings.get("apiKeyHelper")
    overrides: dict[str, dict[str, Any]] = {}  # per model role: settings that differ from the provider's
    if _truthy(resolved.get("CLAUDE_CODE_USE_BEDROCK")):
        default_model = _bedrock(resolved, raw, used, notes, overrides, facts)
    elif _truthy(resolved.get("CLAUDE_CODE_USE_VERTEX")):
        default_model = _vertex(resolved, raw, used, notes, facts)
    elif _truthy(resolved.get("CLAUDE_CODE_USE_FOUNDRY")):
        raw["provider"] = "foundry"
        used.append(f"provider foundry ← CLAUDE_CODE_USE_FOUNDRY ({resolved.values['CLAUDE_CODE_USE_FOUNDRY'].source})")
        for name, key in (("ANTHROPIC_FOUNDRY_BASE_URL", "base_url"), ("ANTHROPIC_FOUNDRY_RESOURCE", "resource")):
            found = resolved.get(name)
            if found is not None:
                raw[key] = found.value
                used.append(f"{key} ← {name} ({found.source})")
        token, key_value = resolved.get("ANTHROPIC_FOUNDRY_AUTH_TOKEN"), resolved.get("ANTHROPIC_FOUNDRY_API_KEY")
        token_read = "ANTHROPIC_FOUNDRY_AUTH_TOKEN" not in facts.not_read
        if token is not None and token_read:  # the token wins where Claude Code reads it
            raw.update(auth="bearer", api_key_env="ANTHROPIC_FOUNDRY_AUTH_TOKEN")
            used.append(f"credential ← ANTHROPIC_FOUNDRY_AUTH_TOKEN ({token.source}), sent as a bearer token")
        elif key_value is not None:
            raw.update(auth="x-api-key", api_key_env="ANTHROPIC_FOUNDRY_API_KEY")
            used.append(f"credential ← ANTHROPIC_FOUNDRY_API_KEY ({key_value.source}), sent as x-api-key (as "
                        f"Claude Code {facts.version} sends it, not api-key)")
        else:
            raw["auth"] = "entra"
            used.append("credential ← the Azure default credential chain (no Foundry key is set)")
        default_model = facts.provider("foundry").main
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
            if key_value is not None:
                second_key = "ANTHROPIC_API_KEY"
                used.append(f"credential ← ANTHROPIC_API_KEY ({key_value.source}) too, sent as x-api-key: Claude "
                            f"Code {facts.version} sends both headers")
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
        default_model = facts.provider("anthropic").main
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
    betas = resolved.get("ANTHROPIC_BETAS")
    if betas is not None:
        where = "appended to its anthropic-beta header" if facts.provider(raw["provider"]).betas_variable else \
            f"ignored by Claude Code {facts.version} on this provider (observed)"
        used.append(f"betas {betas.value} ← ANTHROPIC_BETAS ({betas.source}), {where}")
    cc = _with_models(raw, used, notes, resolved, default_model, helper, overrides, facts, mode)
    cc.second_key_env = second_key
    return cc


def _take(resolved: Resolved, raw: dict[str, Any], used: list[str], key: str, names: Sequence[str]) -> bool:
    found = next(((n, v) for n in names if (v := resolved.get(n)) is not None), None)
    if found is None:
        return False
    raw[key] = found[1].value
    used.append(f"{key} ← {found[0]} ({found[1].source})")
    return True


def _bedrock(resolved: Resolved, raw: dict[str, Any], used: list[str], notes: list[str],
             overrides: dict[str, dict[str, Any]], facts: Facts) -> str:
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
        overrides["haiku"] = {"region": small.value}
        notes.append(f"the background (haiku) model is called in {small.value} "
                     f"(ANTHROPIC_SMALL_FAST_MODEL_AWS_REGION, {small.source})")
    raw["_geo"] = bedrock_prefix(str(raw["region"]), resolved, facts)
    return facts.provider("bedrock").main.format(geo=raw["_geo"])


def bedrock_prefix(region: str, resolved: Resolved, facts: Facts | None = None) -> str:
    """Claude Code's cross-region profile prefix for a region (ANTHROPIC_BEDROCK_REGION_PREFIX overrides it in the
    versions that read it)."""
    chosen = resolved.get("ANTHROPIC_BEDROCK_REGION_PREFIX")
    if region.startswith("us-gov-"):
        return "us-gov"
    if chosen is not None and "ANTHROPIC_BEDROCK_REGION_PREFIX" not in (facts or all_facts()[-1]).not_read:
        return chosen.value
    return next((p for r, p in (("us-", "us"), ("eu-", "eu"), ("ap-", "apac")) if region.startswith(r)), "global")


def _vertex(resolved: Resolved, raw: dict[str, Any], used: list[str], notes: list[str], facts: Facts) -> str:
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
    return facts.provider("vertex").main


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
                 helper: Value | None, overrides: Mapping[str, dict[str, Any]], facts: Facts,
                 mode: str) -> ClaudeCodePlan:
    """The models this mode calls: the main one (pinned, an alias of a tier, or the version's default), plus the
    background haiku tier in an interactive session; and on Bedrock and Vertex the start-up probe of each
    unpinned tier."""
    provider = str(raw["provider"])
    known = facts.provider(provider)
    geo = str(raw.pop("_geo", "us"))
    pinned: dict[str, tuple[str, Value]] = {}
    for tier, names in TIERS:
        found = next(((n, v) for n in names if (v := resolved.get(n)) is not None), None)
        if found is not None:
            pinned[tier] = found

    def tier_model(tier: str) -> tuple[str, str]:
        if tier in pinned:
            name, value = pinned[tier]
            return value.value.removesuffix("[1m]"), f"{name} ({value.source})"
        template = known.tiers.get(tier)
        if template is not None:
            return template.format(geo=geo), f"not pinned: Claude Code {facts.version}'s {tier} default (observed)"
        fallback = "claude-haiku-4-5" if provider == "anthropic" and tier == "haiku" else default_model
        return fallback, f"not pinned: Claude Code's {tier} default (its docs; not observed)"

    roles: dict[str, list[str]] = {}  # model -> roles and where each came from
    extra: dict[str, dict[str, Any]] = {}  # model -> per-model settings (a region of its own)
    main = next(((n, v) for n in ("ANTHROPIC_MODEL",) if (v := resolved.get(n)) is not None), None)
    if main is None and resolved.settings.get("model") is not None:
        main = ("model setting", resolved.settings["model"])
    if main is not None:
        name, value = main
        chosen = value.value.removesuffix("[1m]")
        if chosen in dict(TIERS):  # an alias: the tier's pinned model or its default
            model, why = tier_model(chosen)
            roles[model] = [f"main ← {name} ({value.source}): the {chosen} alias, {why}"]
        else:
            roles[chosen] = [f"main ← {name} ({value.source})"]
    elif known.main_tier in pinned:  # the default is a tier's model, and that tier is pinned
        model, why = tier_model(known.main_tier)
        roles[model] = [f"main ← not pinned: Claude Code {facts.version} uses the {known.main_tier} tier on "
                        f"{provider}, {why}"]
    else:
        reported = f", reported as {known.main_reported}" if known.main_reported else ""
        roles[default_model] = [f"main ← not pinned: Claude Code {facts.version}'s default on {provider} "
                                f"({default_model}{reported}; observed with claude -p)"]
    main_model = next(iter(roles))
    calls = facts.print_calls if mode == "print" else facts.interactive_calls
    for tier in (t for t in calls if t != "main"):
        model, why = tier_model(tier)
        roles.setdefault(model, []).append(f"{tier} (background tasks, interactive sessions) ← {why}")
        extra[model] = {**extra.get(model, {}), **overrides.get(tier, {})}
    for tier, (name, value) in pinned.items():
        if tier not in calls:
            called = ("is called only in interactive sessions (background tasks); --claude-code-mode interactive "
                      "checks it") if tier in facts.interactive_calls else f"is called only when the {tier} alias " \
                "is chosen (--model, /model)"
            notes.append(f"{name} ({value.value}, {value.source}) is not called by claude -p (Claude Code "
                         f"{facts.version}, observed): it {called}")
    probes = tuple(TierProbe(tier, template.format(geo=geo)) for tier, template in known.tiers.items()
                   if tier not in pinned)
    raws, provenance = [], {}
    for model, reasons in roles.items():
        name = f"claude-code:{model}"
        target = {**raw, "name": name, "model": model, "claude_code": True, **extra.get(model, {})}
        lines = [f"mode ← {mode} ({'claude -p' if mode == 'print' else 'an interactive session'}); facts of "
                 f"Claude Code {facts.version}", *used, *reasons]
        if target.get("region") != raw.get("region"):
            lines.append(f"region for this model ← {target['region']} (ANTHROPIC_SMALL_FAST_MODEL_AWS_REGION)")
        variable = vertex_region_variable(model) if raw.get("provider") == "vertex" else None
        region = resolved.get(variable) if variable else None
        if region is not None:
            target["region"] = region.value
            lines.append(f"region for this model ← {variable} ({region.source})")
        raws.append(target)
        provenance[name] = lines
    tier_probes = {f"claude-code:{main_model}": probes} if probes else {}
    if probes:
        notes.append(f"Claude Code {facts.version} probes each unpinned tier at start-up with one billable "
                     f"max_tokens 1 call ({', '.join(f'{p.tier} {p.model}' for p in probes)}); pin "
                     "ANTHROPIC_DEFAULT_OPUS_MODEL / _SONNET_ / _HAIKU_MODEL to models you can call to skip them")
    defaulted = frozenset({f"claude-code:{default_model}"} if main is None and known.main_tier not in pinned
                          else ())
    return ClaudeCodePlan(raws, provenance, notes, helper, facts, tier_probes, defaulted=defaulted)


def attach_shapes(targets: Sequence[Target], cc: ClaudeCodePlan, values: Mapping[str, str]) -> list[Target]:
    """Each target in Claude Code's shape: its betas, headers and body features, the second credential header
    it sends, and (on the main model's target) its start-up calls."""
    from dataclasses import replace

    from .claude_code_shape import build_shape

    facts = cc.facts or all_facts()[-1]
    second = None
    if cc.second_key_env and values.get(cc.second_key_env):
        second = Secret(values[cc.second_key_env], kind="API key", source=cc.second_key_env)
    return [replace(t, claude_code_shape=build_shape(facts, t.provider.name, t.model, values,
                                                     tier_probes=cc.tier_probes.get(t.id, ()),
                                                     second_credential=second,
                                                     default_model=t.id in cc.defaulted))
            for t in targets]
