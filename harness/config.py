"""Targets from flags, environment variables or a TOML file, validated before anything is sent."""

from __future__ import annotations

import ipaddress
import re
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from . import constants
from .errors import ConfigError
from .providers import PROVIDERS, AuthMode, Placement, ProviderSpec, resource_base_url
from .redact import Secret, is_secret_header

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

# The names a target accepts, in flags (with dashes) and in TOML (with underscores).
TARGET_KEYS = frozenset(
    {
        "name",
        "provider",
        "base_url",
        "resource",
        "model",
        "auth",
        "api_key_env",
        "entra_scope",
        "anthropic_version",
        "http_referer",
        "x_title",
        "headers",
        "timeout",
        "max_tokens",
        "allow_insecure_http",
        "gateway",
        "region",
        "project",
        "claude_code",
        "features",  # check --features: the feature.<name> checks (harness/features)
        "workspace_id",  # Claude Platform on AWS: the anthropic-workspace-id header (a provider's header_settings)
        "min_billable_interval",  # serve: the per-target cost guard (read by harness/serve, ignored by check)
    }
)
_MODEL_RE = re.compile(r"^[A-Za-z0-9._:/@\-]+$")


@dataclass(frozen=True)
class Target:
    """One endpoint to check: provider, where, which model, how to authenticate."""

    id: str
    provider: ProviderSpec
    base_url: str
    model: str
    auth: AuthMode
    secret: Secret | None
    entra_scope: str = constants.DEFAULT_ENTRA_SCOPE
    anthropic_version: str = constants.ANTHROPIC_VERSION
    extra_headers: tuple[tuple[str, str], ...] = ()
    timeout: float = constants.DEFAULT_TIMEOUT_S
    max_tokens: int = constants.DEFAULT_MAX_TOKENS
    secret_env: str | None = None
    header_env: tuple[tuple[str, str], ...] = ()  # custom header name -> the variable its value came from
    insecure_http: bool = False
    gateway: bool = False  # a compatible gateway in front of the provider, not the provider itself
    notes: tuple[str, ...] = field(default_factory=tuple)
    region: str | None = None  # Bedrock: AWS region; Vertex: location
    project: str | None = None  # Vertex: Google Cloud project (None: the one ADC resolves)
    aws_keys: tuple[Secret, Secret, Secret | None] | None = None  # static keys from the environment, if given
    claude_code: bool = False  # checked as Claude Code would use it (its start-up calls too)
    features: tuple[str, ...] = ()  # check --features / TOML features = [...]
    claude_code_shape: Any = None  # a claude_code_shape.Shape: what Claude Code adds to each probe, its start-up

    @property
    def placement(self) -> Placement:
        return Placement(self.region, self.project)

    def secret_values(self) -> list[str]:
        """Every value the redactor must know: the credential and secret-named custom headers."""
        values = [self.secret.reveal()] if self.secret is not None else []
        if self.aws_keys is not None:
            values += [s.reveal() for s in self.aws_keys[1:] if s is not None]
        values += [value for name, value in self.extra_headers if is_secret_header(name)]
        return values

    def describe(self) -> dict[str, Any]:
        """The target as it appears in reports: no secret values."""
        out: dict[str, Any] = {
            "id": self.id,
            "provider": self.provider.name,
            "endpoint": self.base_url,
            "model": self.model,
            "auth": self.auth,
        }
        if self.secret is not None:
            out["credential"] = self.secret.describe()
        if self.auth == "entra":
            out["entra_scope"] = self.entra_scope
        if self.gateway:
            out["gateway"] = True
        if self.region:
            out["region"] = self.region
        if self.project:
            out["project"] = self.project
        sent = {k.lower(): v for k, v in self.extra_headers}
        for setting in self.provider.header_settings:  # not secrets (a workspace id); replay needs them
            if setting.header in sent:
                out[setting.key] = sent[setting.header]
        if self.provider.wire == "anthropic-messages":
            out["anthropic_version"] = self.anthropic_version
        if self.features:
            out["features"] = list(self.features)
            betas = [value for name, value in self.extra_headers if name.lower() == "anthropic-beta"]
            if betas:
                out["anthropic_beta"] = ",".join(betas)  # the values the betas feature checks (never secret)
        return out


RUN_KEYS = ("strict",)  # top-level settings of the whole run (contract §5: strict = --strict)


def toml_strict(path: Path) -> bool:
    """The config file's top-level ``strict = true`` (warnings fail the run); the file was validated already."""
    try:
        return tomllib.loads(path.read_text(encoding="utf-8")).get("strict", False) is True
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return False


def load_toml_targets(path: Path) -> list[dict[str, Any]]:
    """Read ``[[targets]]`` from a TOML file, naming what is wrong with it."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"Config file {path} does not exist.", fix="Check the --config path.") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"Config file {path} cannot be read ({exc}).", fix="Check the --config path.") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"Config file {path} is not valid TOML: {exc}.", fix="Fix the syntax.") from None
    unknown_top = sorted(set(data) - {"targets", *RUN_KEYS})
    if unknown_top:
        raise ConfigError(
            f"Config file {path} has unknown top-level keys: {', '.join(unknown_top)}.",
            fix=f"Only [[targets]] tables and {', '.join(RUN_KEYS)} are read.",
        )
    if not isinstance(data.get("strict", False), bool):
        raise ConfigError(f"Config file {path}: strict must be true or false.", fix="Write strict = true.")
    targets = data.get("targets")
    if not isinstance(targets, list) or not targets:
        raise ConfigError(f"Config file {path} lists no targets.", fix="Add at least one [[targets]] table.")
    for index, entry in enumerate(targets, start=1):
        if not isinstance(entry, dict):
            raise ConfigError(f"Config file {path}: target {index} is not a table.", fix="Use [[targets]].")
        unknown = sorted(set(entry) - TARGET_KEYS)
        if unknown:
            raise ConfigError(
                f"Config file {path}: target {index} has unknown keys: {', '.join(unknown)}.",
                fix=f"Known keys: {', '.join(sorted(TARGET_KEYS))}.",
            )
    return targets


def infer_providers(env: Mapping[str, str]) -> list[str]:
    """Providers whose SDK environment variables are set, in a stable order."""
    found = []
    for spec in PROVIDERS.values():
        names = list(spec.infer_from) if spec.infer_from is not None else [
            spec.key_env, spec.base_url_env, spec.resource_env, *spec.extra_env]
        if any(n and env.get(n) for n in names):
            found.append(spec.name)
    return found


def sdk_target(spec: ProviderSpec, env: Mapping[str, str]) -> tuple[dict[str, Any], list[str]]:
    """The target the provider's official SDK would build from the environment, and where each value came from."""
    raw: dict[str, Any] = {"provider": spec.name, "name": spec.name}
    why: list[str] = []
    for var, what in ((spec.base_url_env, "base_url"), (spec.resource_env, "resource")):
        if var and env.get(var, "").strip():
            why.append(f"{what} ← {var} (environment)")
    for names, what in ((spec.region_envs, "region"), (spec.project_envs, "project")):
        found = next((n for n in names if env.get(n, "").strip()), None)
        if found:
            why.append(f"{what} ← {found} (environment)")
    if spec.default_auth == "sigv4" and not env.get(spec.key_env):
        why.append("credential ← the AWS credential chain"
                   + (f" (profile {env['AWS_PROFILE']})" if env.get("AWS_PROFILE") else "") + ", signed with SigV4")
        return raw, why
    fallback = None if env.get(spec.key_env) else spec.sdk_credential(env)  # e.g. Google ADC, a bearer token
    if fallback is not None:
        settings, said = fallback
        raw.update(settings)
        why.append(said)
    elif env.get(spec.key_env):
        why.append(f"credential ← {spec.key_env} (environment)")
    return raw, why


def no_target_error() -> ConfigError:
    looked = ", ".join(sorted({v for p in PROVIDERS.values() for v in (p.key_env, p.resource_env, *p.extra_env)
                               if v}))
    return ConfigError(
        f"No target is configured: none of {looked} is set and no --provider or --config was given.",
        fix="Set one of those variables, pass --provider/--base-url/--model/--api-key-env, "
        "or try the built-in emulator with `claude-harness check --emulator`.",
        cause="config.missing-credentials",
    )


PROVIDER_FIX = f"Use --provider with one of: {', '.join(PROVIDERS)} (in a TOML target: provider = \"NAME\")."


def build_target(raw: Mapping[str, Any], env: Mapping[str, str], *, default_id: str) -> Target:
    """Validate one target description (flags or a TOML table) against the environment."""
    unknown = sorted(set(raw) - TARGET_KEYS)
    if unknown:
        raise ConfigError(f"Unknown target settings: {', '.join(unknown)}.")
    provider_name = _text(raw, "provider")
    if provider_name is None:
        raise ConfigError("No provider given.", fix=PROVIDER_FIX)
    spec = PROVIDERS.get(provider_name.lower())
    if spec is None:
        raise ConfigError(f"Unknown provider {provider_name!r}.", fix=PROVIDER_FIX)
    target_id = _text(raw, "name") or default_id
    allow_http = _flag(raw, "allow_insecure_http")
    gateway = _flag(raw, "gateway")
    auth = _text(raw, "auth") or _default_auth(spec, raw, env)
    if auth not in spec.auth_modes:
        raise ConfigError(
            f"Auth mode {auth!r} is not available for {spec.display_name}.",
            fix=f"Use --auth with one of: {', '.join(spec.auth_modes)}.",
        )
    placement = _placement(spec, raw, env, auth)
    base_url = _resolve_base_url(spec, raw, env, placement)
    _validate_url(spec, base_url, allow_http, gateway=gateway)

    model = _text(raw, "model") or spec.default_model
    if model is None:  # the provider has no default model: its client.py says what to name
        what, fix = spec.model_required()
        raise ConfigError(f"{spec.display_name} needs {what} as the model.", fix=fix)
    if not _MODEL_RE.match(model):
        raise ConfigError(
            f"Model name {model!r} contains spaces or characters no provider accepts.",
            fix="Pass --model with the exact model id or deployment name.",
        )

    secret, secret_env = _resolve_secret(spec, auth, raw, env)
    aws_keys = _aws_keys(auth, env)
    _require_extra(spec, auth, aws_keys)
    headers, header_env = _extra_headers(spec, raw, env)
    headers = _provider_headers(spec, raw, env) + headers
    timeout = _number(raw, "timeout", constants.DEFAULT_TIMEOUT_S, minimum=0.001)
    max_tokens = _whole(raw, "max_tokens", constants.DEFAULT_MAX_TOKENS, minimum=1)
    return Target(
        id=target_id,
        provider=spec,
        base_url=base_url,
        model=model,
        auth=auth,  # narrowed by the auth_modes check above
        secret=secret,
        entra_scope=_text(raw, "entra_scope") or constants.DEFAULT_ENTRA_SCOPE,
        anthropic_version=_text(raw, "anthropic_version") or spec.default_dialect or constants.ANTHROPIC_VERSION,
        extra_headers=headers,
        header_env=header_env,
        timeout=timeout,
        max_tokens=max_tokens,
        secret_env=secret_env,
        insecure_http=allow_http,
        gateway=gateway,
        region=placement.region,
        project=placement.project,
        aws_keys=aws_keys,
        claude_code=_flag(raw, "claude_code"),
        features=_features(raw),
    )


def _features(raw: Mapping[str, Any]) -> tuple[str, ...]:
    value = raw.get("features")
    if value is None:
        return ()
    from .features.catalog import parse_features

    if not isinstance(value, (str, list)):
        raise ConfigError(f"Setting 'features' must be a list of feature names, got {value!r}.",
                          fix='Write features = ["tools", "caching"].')
    return parse_features(value, "--features" if isinstance(value, str) else "features")


def _default_auth(spec: ProviderSpec, raw: Mapping[str, Any], env: Mapping[str, str]) -> str:
    """As the official SDK decides: a Bedrock API key in the environment wins over the AWS credential chain."""
    if spec.default_auth in ("sigv4", "adc") and (env.get(spec.key_env) or _text(raw, "api_key_env")):
        # a key or token given explicitly (a Bedrock API key, a Vertex access token) wins over the chain
        return next(m for m in spec.auth_modes if m not in ("sigv4", "adc", "entra"))
    return spec.default_auth


def _placement(spec: ProviderSpec, raw: Mapping[str, Any], env: Mapping[str, str], auth: str) -> Placement:
    region, project = _text(raw, "region"), _text(raw, "project")
    if not spec.regional:
        for key, value in (("region", region), ("project", project)):
            if value is not None:
                raise ConfigError(f"--{key} applies to Amazon Bedrock and Google Vertex AI, not {spec.display_name}.",
                                  fix=f"Drop --{key}.")
        return Placement()
    if project is not None and not spec.project_envs:
        raise ConfigError(f"--project applies to Google Vertex AI, not {spec.display_name}.", fix="Drop --project.")
    region = region or next((env[v].strip() for v in spec.region_envs if env.get(v, "").strip()), None)
    if region is None:
        what = "AWS region" if spec.signing_name else "location (global, us, eu or a region such as us-east5)"
        raise ConfigError(f"No {what} for {spec.display_name}.",
                          fix=f"Pass --region, or set {' or '.join(spec.region_envs)}.",
                          cause="config.invalid-endpoint")
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", region):
        raise ConfigError(f"Region {region!r} is not a region name.",
                          fix="Pass --region with a name such as us-east-1 (Bedrock) or us-east5 or global (Vertex).")
    project = project or next((env[v].strip() for v in spec.project_envs if env.get(v, "").strip()), None)
    if spec.project_envs and project is None and auth != "adc":
        raise ConfigError(f"No Google Cloud project for {spec.display_name}.",
                          fix=f"Pass --project, or set {' or '.join(spec.project_envs)}.")
    if project is not None and not re.fullmatch(r"[a-z0-9][a-z0-9.:-]*", project):
        raise ConfigError(f"Project {project!r} is not a Google Cloud project id.",
                          fix="Pass --project with the project id (not its display name).")
    return Placement(region, project)


def _provider_headers(spec: ProviderSpec, raw: Mapping[str, Any], env: Mapping[str, str]
                      ) -> tuple[tuple[str, str], ...]:
    """The headers a provider requires on every request (its header_settings), from the setting or its variable;
    a missing one stops here, before anything is sent."""
    found: list[tuple[str, str]] = []
    wanted = {s.key for s in spec.header_settings}
    for key in sorted({s.key for p in PROVIDERS.values() for s in p.header_settings} - wanted):
        if _text(raw, key) is not None:
            owners = ", ".join(p.display_name for p in PROVIDERS.values() if key in {s.key for s in p.header_settings})
            raise ConfigError(f"--{key.replace('_', '-')} applies to {owners}, not {spec.display_name}.",
                              fix=f"Drop --{key.replace('_', '-')}.")
    for setting in spec.header_settings:
        flag = "--" + setting.key.replace("_", "-")
        value = _text(raw, setting.key) or env.get(setting.env, "").strip() or None
        if value is None:
            raise ConfigError(f"No {setting.what} for {spec.display_name}: every request must carry the "
                              f"{setting.header} header.", fix=f"Set {setting.env}, or pass {flag} (TOML "
                              f"{setting.key}).", cause="config.missing-workspace")
        if any(not 0x21 <= ord(c) <= 0x7E for c in value):
            raise ConfigError(f"The {setting.what} {value!r} has a character an HTTP header cannot carry.",
                              fix=f"Copy it again into {setting.env} or {flag}, as plain text.")
        found.append((setting.header, value))
    return tuple(found)


def _aws_keys(auth: str, env: Mapping[str, str]) -> tuple[Secret, Secret, Secret | None] | None:
    """Static AWS keys from the environment (the first link of the AWS credential chain)."""
    if auth != "sigv4" or not (env.get("AWS_ACCESS_KEY_ID") and env.get("AWS_SECRET_ACCESS_KEY")):
        return None
    token = env.get("AWS_SESSION_TOKEN")
    for var in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", *(("AWS_SESSION_TOKEN",) if token else ())):
        _require_sendable(env[var].strip(), var)
    return (Secret(env["AWS_ACCESS_KEY_ID"].strip(), kind="AWS access key id", source="$AWS_ACCESS_KEY_ID"),
            Secret(env["AWS_SECRET_ACCESS_KEY"].strip(), kind="AWS secret key", source="$AWS_SECRET_ACCESS_KEY"),
            Secret(token.strip(), kind="AWS session token", source="$AWS_SESSION_TOKEN") if token else None)


def auth_extras() -> dict[str, tuple[str, str, str, str]]:
    """Auth mode -> (module, extra, what it brings, the distribution to install), from the providers' client
    modules. The fix names the distribution itself: the extra of a project installed from a checkout cannot be
    fetched from the package index by name."""
    found: dict[str, tuple[str, str, str, str]] = {}
    for spec in PROVIDERS.values():
        for mode, extra in spec.auth_extras().items():
            found.setdefault(mode, extra)
    return found


def extra_installed(module: str) -> bool:
    import importlib.util

    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


def _require_extra(spec: ProviderSpec, auth: str, aws_keys: object) -> None:
    extras = auth_extras()
    if auth not in extras or (auth == "sigv4" and aws_keys is not None):
        return  # keys in the environment are signed without botocore
    module, extra, what, distribution = extras[auth]
    if not extra_installed(module):
        raise ConfigError(
            f"{spec.display_name} with --auth {auth} needs {what}, from the optional extra [{extra}], "
            "which is not installed.",
            fix=f"pip install {distribution} (or reinstall from your checkout with pip install '.[{extra}]')"
            + (", or export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or use --auth bearer with a Bedrock API key"
               if auth == "sigv4" else ", or use --auth bearer with an access token") + ".",
        )


def build_targets(
    raws: Sequence[Mapping[str, Any]], env: Mapping[str, str], *, source: Path | None = None
) -> list[Target]:
    """The targets, in order; ``source``: the TOML file they were read from, named with the target in an error."""
    targets = []
    for i, raw in enumerate(raws, start=1):
        try:
            targets.append(build_target(raw, env, default_id=f"t{i}"))
        except ConfigError as exc:
            if source is None:
                raise
            name = raw.get("name")
            where = f"Config file {source}, target {i}" + (f" ({name!r})" if isinstance(name, str) else "")
            raise ConfigError(f"{where}: {exc.problem}", fix=exc.fix, cause=exc.cause) from None
    seen: set[str] = set()
    for target in targets:
        if target.id in seen:
            raise ConfigError(f"Two targets are named {target.id!r}.", fix="Give each target a unique name.")
        seen.add(target.id)
    return targets


def _text(raw: Mapping[str, Any], key: str) -> str | None:
    value = raw.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise ConfigError(f"Setting {key!r} must be a string, got {type(value).__name__}.")
    value = value.strip()
    return value or None


def _flag(raw: Mapping[str, Any], key: str) -> bool:
    value = raw.get(key, False)
    if not isinstance(value, bool):
        raise ConfigError(f"Setting {key!r} must be true or false, got {value!r}.",
                          fix=f"Write {key} = true or {key} = false (no quotes).")
    return value


def _whole(raw: Mapping[str, Any], key: str, default: int, *, minimum: int) -> int:
    value = raw.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ConfigError(f"Setting {key!r} must be a whole number, got {value!r}.",
                          fix=f"Write {key} = {default} (no quotes, no decimals).")
    if value < minimum:
        raise ConfigError(f"Setting {key!r} must be at least {minimum}, got {value!r}.")
    return value


def _number(raw: Mapping[str, Any], key: str, default: float, *, minimum: float) -> float:
    value = raw.get(key)
    if value is None:
        return default
    if isinstance(value, (bool, str)):
        raise ConfigError(f"Setting {key!r} must be a number, got {value!r}.", fix=f"Write {key} = {default:g}.")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ConfigError(f"Setting {key!r} must be a number, got {value!r}.") from None
    if number < minimum:
        raise ConfigError(f"Setting {key!r} must be at least {minimum:g}, got {value!r}.")
    return number


def _resolve_base_url(spec: ProviderSpec, raw: Mapping[str, Any], env: Mapping[str, str],
                      placement: Placement) -> str:
    base_url = _text(raw, "base_url")
    resource = _text(raw, "resource")
    base_source, resource_source = "--base-url", "--resource"
    if base_url is None and spec.base_url_env:
        base_url = env.get(spec.base_url_env, "").strip() or None
        base_source = spec.base_url_env
    if resource is not None and spec.resource_env is None:
        raise ConfigError(f"--resource applies to Microsoft Foundry only, not {spec.display_name}.")
    if resource is None and spec.resource_env:
        resource = env.get(spec.resource_env, "").strip() or None
        resource_source = spec.resource_env
    if base_url and resource:
        raise ConfigError(
            f"Both a base URL ({base_source}) and a resource name ({resource_source}) are given; "
            "they are mutually exclusive, as in the official Foundry SDK.",
            fix="Keep one: the resource name builds https://NAME.services.ai.azure.com/anthropic.",
            cause="config.conflicting-endpoint",
        )
    if resource:
        if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9\-]*", resource):
            raise ConfigError(
                f"Resource name {resource!r} is not a valid Azure resource name.",
                fix="Use only the name, e.g. --resource my-resource (not a URL).",
            )
        return resource_base_url(resource)
    if base_url is None:
        base_url = spec.base_url_for(placement)
    if base_url is None:
        if spec.default_base_url is None:
            names = " or ".join(n for n in (spec.resource_env, spec.base_url_env) if n)
            raise ConfigError(
                f"No endpoint for {spec.display_name}.",
                fix=f"Pass --resource NAME or --base-url {spec.url_suffix_hint}, or set {names}.",
            )
        return spec.default_base_url
    return base_url.rstrip("/")


def _validate_url(spec: ProviderSpec, url: str, allow_http: bool, *, gateway: bool = False) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(
            f"Base URL {url!r} is not an http(s) URL.",
            fix=f"Use a URL shaped like {spec.url_suffix_hint}.",
            cause="config.invalid-endpoint",
        )
    try:
        parts.port  # noqa: B018 - raises on a malformed port
    except ValueError:
        raise ConfigError(f"Base URL {url!r} has an invalid port.", cause="config.invalid-endpoint") from None
    if parts.query or parts.fragment:
        raise ConfigError(
            f"Base URL {url!r} must not carry a query string or fragment.", cause="config.invalid-endpoint"
        )
    path = parts.path.rstrip("/")
    if spec.url_suffix and not path.endswith(spec.url_suffix) and not gateway:  # gateways mount APIs anywhere
        hint = ""
        if spec.url_suffix in path:
            hint = f" It continues past {spec.url_suffix}: the client adds /v1/messages itself."
        raise ConfigError(
            f"{spec.display_name} base URL {url!r} must end in {spec.url_suffix}.{hint}",
            fix=f"Use {spec.url_suffix_hint}, or mark the target as a compatible gateway with --gateway.",
            cause="config.invalid-endpoint",
        )
    if parts.scheme == "http" and not allow_http and not _is_loopback(parts.hostname):
        raise ConfigError(
            f"Base URL {url!r} uses plain http to a host that is not this machine; the key would cross the "
            "network unencrypted.",
            fix="Use https, or set allow_insecure_http (--allow-insecure-http) if you really mean it.",
            cause="config.invalid-endpoint",
        )


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _resolve_secret(
    spec: ProviderSpec, auth: str, raw: Mapping[str, Any], env: Mapping[str, str]
) -> tuple[Secret | None, str | None]:
    if auth in ("entra", "sigv4", "adc"):
        return None, None
    var = _text(raw, "api_key_env") or spec.key_env
    value = env.get(var)
    if value is None:
        raise ConfigError(
            f"The credential variable {var} is not set.",
            fix=f"Export {var} with your {spec.display_name} {'token' if auth == 'bearer' else 'key'}, or name "
                "another variable with --api-key-env (in a TOML target: api_key_env).",
            cause="config.missing-credentials",
        )
    if not value.strip():
        raise ConfigError(
            f"The credential variable {var} is empty.", fix=f"Put the key in {var}.", cause="config.missing-credentials"
        )
    if value != value.strip() or any(c.isspace() for c in value):
        raise ConfigError(
            f"The credential in {var} contains whitespace or a newline (often a copy-paste slip).",
            fix=f"Remove the whitespace from {var}.",
        )
    _require_sendable(value, var)
    kind = "bearer token" if auth == "bearer" else f"{auth} key"
    return Secret(value, kind=kind, source=f"${var}"), var


def _require_sendable(value: str, var: str) -> None:
    """A credential travels in an HTTP header, which carries visible ASCII only: a curly quote or a stray
    control character pasted into a key would otherwise fail inside the HTTP client, far from its cause."""
    for position, char in enumerate(value, start=1):
        if not 0x21 <= ord(char) <= 0x7E:
            import unicodedata

            name = unicodedata.name(char, "a control character")
            raise ConfigError(
                f"The credential in {var} has a character an HTTP header cannot carry: U+{ord(char):04X} ({name}) "
                f"at position {position} of {len(value)} (often a copy-paste slip: curly quotes, a non-breaking "
                "space, an invisible mark).",
                fix=f"Copy the key again into {var}, as plain text.",
            )


_HEADER_NAME = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")  # an HTTP token (RFC 9110)


def _extra_headers(spec: ProviderSpec, raw: Mapping[str, Any], env: Mapping[str, str]
                   ) -> tuple[tuple[tuple[str, str], ...], tuple[tuple[str, str], ...]]:
    headers: list[tuple[str, str]] = []
    sources: list[tuple[str, str]] = []
    owned = dict(spec.attribution_headers())
    attribution = {key: p for p in PROVIDERS.values() for key, _ in p.attribution_headers()}
    if any(_text(raw, key) for key in attribution if key not in owned):
        flags = " and ".join(f"--{key.replace('_', '-')}" for key in attribution)
        owners = ", ".join(dict.fromkeys(p.display_name for p in attribution.values()))
        raise ConfigError(f"{flags} are {owners} attribution headers.")
    for key, header in owned.items():
        value = _text(raw, key)
        if value:
            headers.append((header, value))
    extra = raw.get("headers") or {}
    if not isinstance(extra, Mapping):
        raise ConfigError("Setting 'headers' must be a table of header names to values.")
    for name, value in extra.items():
        name = str(name).strip()
        if not _HEADER_NAME.match(name):
            raise ConfigError(f"Header name {name!r} is not a valid HTTP header name.",
                              fix="Use letters, digits and dashes only, as NAME:VALUE (e.g. --header 'X-Team: ml').")
        if name.lower() in {"authorization", "x-api-key", "api-key"}:
            raise ConfigError(f"Header {name!r} carries a credential; use --auth and --api-key-env instead.")
        if not isinstance(value, (str, int, float)) or isinstance(value, bool):
            raise ConfigError(f"Header {name!r} must have a text value, got {type(value).__name__}.")
        text = str(value).strip()
        if text.startswith("env:"):  # keep secrets out of argv and config files: NAME:env:VAR
            var = text[4:].strip()
            if not env.get(var):
                raise ConfigError(f"Header {name!r} takes its value from {var}, which is not set.",
                                  fix=f"Export {var}, or give the header's value directly.",
                                  cause="config.missing-credentials")
            text = env[var].strip()
            sources.append((name, var))
        if any(ord(c) < 0x20 or ord(c) > 0x7E for c in text):
            raise ConfigError(f"Header {name!r} has a value with a line break, a control character or a non-ASCII "
                              "character, which HTTP headers cannot carry.", fix=f"Fix the value of {name!r}.")
        headers.append((name, text))
    return tuple(headers), tuple(sources)
