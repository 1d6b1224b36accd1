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
from .providers import PROVIDERS, ProviderSpec
from .redact import Secret

# The tiers Claude Code's aliases resolve to, with the variables that pin them (first found wins within a tier).
TIERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("opus", ("ANTHROPIC_DEFAULT_OPUS_MODEL",)),
    ("sonnet", ("ANTHROPIC_DEFAULT_SONNET_MODEL",)),
    ("haiku", ("ANTHROPIC_DEFAULT_HAIKU_MODEL", "ANTHROPIC_SMALL_FAST_MODEL")),
    ("fable", ("ANTHROPIC_DEFAULT_FABLE_MODEL",)),
)
MODES = ("print", "interactive")


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


@dataclass
class Selection:
    """What a provider's claude_code.py fills in when Claude Code selects it: the target settings, the
    "setting ← source" lines, notes, per-tier settings (a background model's own region) and the values Claude
    Code's model templates take ({geo})."""

    resolved: Resolved
    facts: Facts
    helper: Value | None = None  # an apiKeyHelper setting
    helper_output: str | None = None  # its output, where --run-helpers ran it
    raw: dict[str, Any] = field(default_factory=dict)
    used: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    overrides: dict[str, dict[str, Any]] = field(default_factory=dict)  # tier -> settings that differ
    second_key_env: str | None = None
    template_values: dict[str, str] = field(default_factory=lambda: {"geo": "us"})

    def get(self, name: str) -> Value | None:
        return self.resolved.get(name)

    def take(self, key: str, names: Sequence[str]) -> bool:
        """The first of ``names`` that is set becomes setting ``key``, with its provenance line."""
        found = next(((n, v) for n in names if (v := self.resolved.get(n)) is not None), None)
        if found is None:
            return False
        self.raw[key] = found[1].value
        self.used.append(f"{key} ← {found[0]} ({found[1].source})")
        return True


# A provider's claude_code.py (ProviderSpec.claude_code_part()) says how Claude Code reaches it:
#   SWITCH      the CLAUDE_CODE_USE_* variable that selects it (None: the provider used when no switch is set)
#   PRECEDENCE  the lower wins when several switches are set
#   SKIP_AUTH   its CLAUDE_CODE_SKIP_*_AUTH variable (the gateway adds the credential), where it has one
#   select(sel) fills the Selection and returns the unpinned main model (None: not documented, not observed);
#               a module without it is a provider Claude Code can select but this harness cannot check yet
# and optionally TIER_FALLBACKS (tier -> model where a tier has no observed default), region_variable(model) (a
# per-model region variable), GATEWAY_PRECONNECT (it preconnects to a gateway's base URL), and ALONGSIDE (the
# providers it runs beside in one session) with takes(model) (the model ids it takes from them).
def claude_code_providers() -> list[tuple[ProviderSpec, Any]]:
    """Each provider Claude Code can select, with its claude_code.py, in precedence order."""
    found = [(spec, part) for spec in PROVIDERS.values() if (part := spec.claude_code_part()) is not None]
    return sorted(found, key=lambda pair: int(getattr(pair[1], "PRECEDENCE", 100)))


def plan(resolved: Resolved, *, helper_output: str | None = None, facts: Facts | None = None,
         mode: str = "print") -> ClaudeCodePlan:
    """What Claude Code (the version ``facts`` were observed in) would call in ``mode`` (``print``: ``claude -p``;
    ``interactive``: a session, which also runs background tasks on the haiku tier)."""
    facts = facts or all_facts()[-1]
    providers = claude_code_providers()
    checked = [spec.display_name for spec, part in providers if hasattr(part, "select")]
    for spec, part in providers:
        switch = getattr(part, "SWITCH", None)
        if switch and not hasattr(part, "select") and _truthy(resolved.get(switch)):
            raise ConfigError(f"Claude Code is set to use {spec.display_name} ({switch} from "
                              f"{resolved.values[switch].source}); this version of the harness checks Claude Code on "
                              f"{', '.join(checked)} and Anthropic-format gateways.",
                              fix=f"Check that endpoint directly with --provider {spec.name}.")
    for _, part in providers:
        switch = getattr(part, "SKIP_AUTH", None)
        if switch and _truthy(resolved.get(switch)):
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
    selectable = [(spec, part) for spec, part in providers if hasattr(part, "select")]
    switched = [(spec, part) for spec, part in selectable
                if getattr(part, "SWITCH", None) and _truthy(resolved.get(part.SWITCH))]
    spec, part = switched[0] if switched else next(p for p in selectable if getattr(p[1], "SWITCH", None) is None)
    helper = resolved.settings.get("apiKeyHelper")
    sel = _select(spec, part, Selection(resolved, facts, helper, helper_output, notes=notes))
    default_model: str | None = part.select(sel)
    beside = [(s, p) for s, p in switched[1:] if spec.name in getattr(p, "ALONGSIDE", ())]
    for losing, _ in switched[1:]:  # a switch that loses to the chosen one, and is not routed beside it
        if not any(losing is b for b, _ in beside):
            notes.append(f"{_switch_of(losing, switched)} is set too: the check follows {spec.display_name} "
                         f"and sends nothing to {losing.display_name}")
    raw, used = sel.raw, sel.used
    headers = resolved.get("ANTHROPIC_CUSTOM_HEADERS")
    if headers is not None:
        pairs = {}
        for line in headers.value.splitlines():
            name, sep, value = line.partition(":")
            if not sep or not name.strip():
                raise ConfigError(f"ANTHROPIC_CUSTOM_HEADERS ({headers.source}) has a line that is not Name: Value: "
                                  f"{line!r}.", fix="One header per line, as Name: Value.")
            pairs[name.strip()] = value.strip()
        raw.setdefault("headers", {}).update(pairs)  # beside a provider's own headers (Bedrock's service tier)
        used.append(header_line := f"headers {', '.join(pairs)} ← ANTHROPIC_CUSTOM_HEADERS ({headers.source})")
    if helper is not None and helper_output is None:
        notes.append(f"apiKeyHelper is set ({helper.source}) but was not run (--run-helpers runs it); the key used "
                     "here is the variable named above")
    for refresh in ("awsAuthRefresh", "awsCredentialExport", "gcpAuthRefresh"):
        if refresh in resolved.settings:
            notes.append(f"{refresh} is set ({resolved.settings[refresh].source}); it is never run by the harness")
    betas = resolved.get("ANTHROPIC_BETAS")
    known = facts.providers.get(spec.name)
    if betas is not None:
        where = "appended to its anthropic-beta header" if known is not None and known.betas_variable else \
            f"ignored by Claude Code {facts.version} on this provider (observed)" if known is not None else \
            f"not observed on this provider with Claude Code {facts.version}"
        used.append(f"betas {betas.value} ← ANTHROPIC_BETAS ({betas.source}), {where}")
    routes = [(s, p, _select(s, p, Selection(resolved, facts, helper, helper_output))) for s, p in beside]
    for chosen in [spec, *(other_spec for other_spec, _ in beside)]:
        if chosen.name not in facts.providers:
            notes.append(f"Claude Code {facts.version}'s requests to {chosen.display_name} were not observed "
                         "(claude_code_facts.toml has no entry for it): the probes are the harness's own requests, "
                         "not Claude Code's headers, betas and body")
    for _, p, other in routes:
        p.select(other)
        notes.extend(other.notes)
        if headers is not None:  # Claude Code sends them on every request
            other.raw.setdefault("headers", {}).update(pairs)
            other.used.append(header_line)
    cc = _with_models(sel, spec, part, default_model, routes, mode)
    cc.second_key_env = sel.second_key_env
    return cc


def _switch_of(spec: ProviderSpec, switched: list[tuple[ProviderSpec, Any]]) -> str:
    return str(next(part.SWITCH for s, part in switched if s is spec))


def _select(spec: ProviderSpec, part: Any, sel: Selection) -> Selection:
    """A selection started for this provider: its name, and the switch that chose it."""
    sel.raw["provider"] = spec.name
    switch = getattr(part, "SWITCH", None)
    if switch and sel.resolved.get(switch) is not None:
        sel.used.append(f"provider {spec.name} ← {switch} ({sel.resolved.values[switch].source})")
    return sel


def _with_models(sel: Selection, spec: ProviderSpec, part: Any, default_model: str | None,
                 routes: Sequence[tuple[ProviderSpec, Any, Selection]], mode: str) -> ClaudeCodePlan:
    """The models this mode calls: the main one (pinned, an alias of a tier, or the version's default), plus the
    background haiku tier in an interactive session; and on Bedrock and Vertex the start-up probe of each
    unpinned tier. A model another selected provider takes (Mantle beside Bedrock) is called there."""
    resolved, facts, raw, used, notes = sel.resolved, sel.facts, sel.raw, sel.used, sel.notes
    provider = spec.name
    known = facts.providers.get(provider)
    tiers: Mapping[str, str] = known.tiers if known is not None else {}
    main_tier = known.main_tier if known is not None else None
    fallbacks: Mapping[str, str] = getattr(part, "TIER_FALLBACKS", {})
    switch = getattr(part, "SWITCH", None)
    chosen_by = f" ({switch} from {resolved.values[switch].source})" if switch and switch in resolved.values else ""
    pinned: dict[str, tuple[str, Value]] = {}
    for tier, names in TIERS:
        found = next(((n, v) for n in names if (v := resolved.get(n)) is not None), None)
        if found is not None:
            pinned[tier] = found

    def tier_model(tier: str) -> tuple[str | None, str]:
        if tier in pinned:
            name, value = pinned[tier]
            return value.value.removesuffix("[1m]"), f"{name} ({value.source})"
        template = tiers.get(tier)
        if template is not None:
            return (template.format(**sel.template_values),
                    f"not pinned: Claude Code {facts.version}'s {tier} default (observed)")
        fallback = fallbacks.get(tier, default_model)
        if fallback is None:
            return None, f"not pinned, and Claude Code's {tier} default on {spec.display_name} is not documented"
        return fallback, f"not pinned: Claude Code's {tier} default (its docs; not observed)"

    def undocumented(what: str, pin: str) -> ConfigError:
        return ConfigError(f"Claude Code is set to use {spec.display_name}{chosen_by}, and {what} is not documented "
                           "and was not observed: the harness cannot tell which model it would call.",
                           fix=f"Set {pin} to a model id {spec.display_name} serves, or check the endpoint directly "
                               f"with --provider {provider} --model ID.")

    roles: dict[str, list[str]] = {}  # model -> roles and where each came from
    extra: dict[str, dict[str, Any]] = {}  # model -> per-model settings (a region of its own)
    main = next(((n, v) for n in ("ANTHROPIC_MODEL",) if (v := resolved.get(n)) is not None), None)
    if main is None and resolved.settings.get("model") is not None:
        main = ("model setting", resolved.settings["model"])
    if main is not None:
        name, value = main
        chosen = value.value.removesuffix("[1m]")
        if chosen in dict(TIERS):  # an alias: the tier's pinned model or its default
            aliased, why = tier_model(chosen)
            if aliased is None:
                raise undocumented(f"its {chosen} default there ({name} is the {chosen} alias)",
                                   f"ANTHROPIC_DEFAULT_{chosen.upper()}_MODEL")
            roles[aliased] = [f"main ← {name} ({value.source}): the {chosen} alias, {why}"]
        else:
            roles[chosen] = [f"main ← {name} ({value.source})"]
    elif main_tier is not None and main_tier in pinned:  # the default is a tier's model, and that tier is pinned
        tiered, why = tier_model(main_tier)
        roles[str(tiered)] = [f"main ← not pinned: Claude Code {facts.version} uses the {main_tier} tier on "
                              f"{provider}, {why}"]
    elif default_model is None:
        raise undocumented("its default model there", "ANTHROPIC_MODEL (or the model setting)")
    else:
        reported = f", reported as {known.main_reported}" if known is not None and known.main_reported else ""
        roles[default_model] = [f"main ← not pinned: Claude Code {facts.version}'s default on {provider} "
                                f"({default_model}{reported}; observed with claude -p)"]
    main_model = next(iter(roles))
    calls = facts.print_calls if mode == "print" else facts.interactive_calls
    for tier in (t for t in calls if t != "main"):
        model, why = tier_model(tier)
        if model is None:
            notes.append(f"the {tier} tier (background tasks, interactive sessions) is not checked: {why}; pin "
                         f"ANTHROPIC_DEFAULT_{tier.upper()}_MODEL to check it")
            continue
        roles.setdefault(model, []).append(f"{tier} (background tasks, interactive sessions) ← {why}")
        extra[model] = {**extra.get(model, {}), **sel.overrides.get(tier, {})}
    for tier, (name, value) in pinned.items():
        if tier not in calls:
            called = ("is called only in interactive sessions (background tasks); --claude-code-mode interactive "
                      "checks it") if tier in facts.interactive_calls else f"is called only when the {tier} alias " \
                "is chosen (--model, /model)"
            notes.append(f"{name} ({value.value}, {value.source}) is not called by claude -p (Claude Code "
                         f"{facts.version}, observed): it {called}")
    probes = tuple(TierProbe(tier, template.format(**sel.template_values)) for tier, template in tiers.items()
                   if tier not in pinned)
    raws, provenance = [], {}
    for model, reasons in roles.items():
        name = f"claude-code:{model}"
        route = next(((s, p, other) for s, p, other in routes if p.takes(model)), None)
        here, lines_used, owner, owner_part = (raw, used, spec, part) if route is None else \
            (route[2].raw, [*route[2].used, f"endpoint ← {route[0].display_name}: {model} is in its model-id format, "
                            f"and Claude Code sends those there when both providers are selected"], route[0],
             route[1])
        target = {**here, "name": name, "model": model, "claude_code": True, **extra.get(model, {})}
        lines = [f"mode ← {mode} ({'claude -p' if mode == 'print' else 'an interactive session'}); facts of "
                 f"Claude Code {facts.version}", *lines_used, *reasons]
        if target.get("region") != here.get("region"):
            lines.append(f"region for this model ← {target['region']} (ANTHROPIC_SMALL_FAST_MODEL_AWS_REGION)")
        region_variable = getattr(owner_part, "region_variable", None)
        variable = region_variable(model) if region_variable is not None else None
        region = resolved.get(variable) if variable else None
        if region is not None:
            target["region"] = region.value
            lines.append(f"region for this model ← {variable} ({region.source})")
        if owner is not spec and model == main_model and probes:
            notes.append(f"the main model {model} is called on {owner.display_name}: Claude Code's start-up probes "
                         f"of {spec.display_name}'s unpinned tiers are not sent here (not observed with both)")
        raws.append(target)
        provenance[name] = lines
    tier_probes = {f"claude-code:{main_model}": probes} if probes else {}
    if probes:
        notes.append(f"Claude Code {facts.version} probes each unpinned tier at start-up with one billable "
                     f"max_tokens 1 call ({', '.join(f'{p.tier} {p.model}' for p in probes)}); pin "
                     "ANTHROPIC_DEFAULT_OPUS_MODEL / _SONNET_ / _HAIKU_MODEL to models you can call to skip them")
    defaulted = frozenset({f"claude-code:{default_model}"} if main is None and main_tier not in pinned
                          else ())
    return ClaudeCodePlan(raws, provenance, notes, sel.helper, facts, tier_probes, defaulted=defaulted)


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
            if t.provider.name in facts.providers else t  # no observed facts: the harness's own requests
            for t in targets]
