"""Issue 19's pasted texts: each reaches a cause whose steps fit the platform the text names (no --provider)."""

from __future__ import annotations

import pytest

from harness.explain import explain_text

CASES = [
    ('HTTP/1.1 403 Forbidden\n{"error":{"code":403,"message":"Key limit exceeded (total limit). Manage it using '
     'https://openrouter.ai/settings/keys"}}', "billing.spend-limit", "openrouter", "credit limit set on this API key",
     "allowed models"),
    ('400 {"type":"error","error":{"type":"invalid_request_error","message":"claude-3-opus-20240229 has been retired. '
     'Please use claude-opus-4-8 instead."}}', "model.retired", None, "replacement", "endpoint"),
    ('HTTP/1.1 401 Unauthorized\n{"type":"error","error":{"type":"authentication_error","message":"OAuth token has '
     'expired. Please obtain a new token or refresh your existing token."},"request_id":"req_011CabcDEF"}',
     "auth.token-expired", "anthropic", "/login", "DefaultAzureCredential"),
    ("google.api_core.exceptions.PermissionDenied: 403 Permission 'aiplatform.endpoints.predict' denied on resource "
     "'//aiplatform.googleapis.com/projects/my-proj/locations/us-east5/publishers/anthropic/models/claude-sonnet-4-6' "
     '(or it may not exist). [reason: "IAM_PERMISSION_DENIED"]', "auth.permission-denied", "vertex",
     "roles/aiplatform.user", "RBAC"),
    ("Invalid API key · Please run /login", "auth.invalid-key", None, "Claude Code:", "unclassified"),
    ("HTTP 401", "auth.invalid-key", None, "key", "unclassified"),
    ("Request failed with status code 403", "auth.permission-denied", None, "role", "unclassified"),
    ('{"error":{"message":"Budget has been exceeded! Current cost: 10.5, Max budget: 10.0","type":"budget_exceeded",'
     '"param":null,"code":"400"}}', "billing.spend-limit", "gateway", "max_budget", "Foundry"),
    ('HTTP/1.1 401 Access Denied\n{ "statusCode": 401, "message": "Access denied due to missing subscription key. '
     'Make sure to include subscription key when making requests to an API." }', "auth.wrong-scheme", "gateway",
     "Ocp-Apim-Subscription-Key", "Keys and Endpoint"),
    ('{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}', "provider.overloaded", None,
     "Back off", "unclassified"),
    # their families: first-party credits and OAuth, Claude Code's own lines, OpenRouter's daily free quota,
    # LiteLLM's token budget, JSON-only rate limits, a parameter a model does not take
    ("Credit balance is too low", "billing.insufficient-credits", None, "credits", "unclassified"),
    ("OAuth token revoked · Please run /login", "auth.token-invalid", None, "/login", "unclassified"),
    ('API Error: 401 {"type":"error","error":{"type":"authentication_error","message":"OAuth authentication is '
     'currently not supported."},"request_id":"req_011CXyz1234567"}', "auth.wrong-scheme", "anthropic", "x-api-key",
     "Foundry"),
    ('{"error":{"message":"Rate limit exceeded: free-models-per-day. Add 10 credits to unlock 1000 free model '
     'requests per day","code":429}}', "quota.exhausted", "openrouter", "daily allowance", "Foundry"),
    ('{"error":{"message":"Authentication Error, ExceededTokenBudget: Current spend for token: 7.2; Max Budget for '
     'Token: 5.0","type":"auth_error","param":"None","code":"400"}}', "billing.spend-limit", "gateway", "max_budget",
     "Foundry"),
    ('{"type":"error","error":{"type":"rate_limit_error","message":"This request would exceed your organization\'s '
     'rate limit of 50,000 input tokens per minute."}}', "rate-limit.exceeded", None, "Back off", "unclassified"),
    ("API Error: 400 This model does not support the effort parameter.", "request.invalid", None,
     "objected to the parameter effort", "unclassified"),
    ('{"error":{"code":"DeploymentNotFound","message":"The API deployment for this resource does not exist. If you '
     'created the deployment within the last 5 minutes, please wait a moment and try again."}}', "model.not-found",
     "foundry", "deployment name", "OpenRouter"),  # also pasted without its status
    # a Messages error envelope pasted without its status line: the error type says which status it came with
    ('{"type":"error","error":{"type":"authentication_error","message":"OAuth token has expired. Please obtain a new '
     'token or refresh your existing token."}}', "auth.token-expired", "anthropic", "/login", "DefaultAzureCredential"),
    ('{"type":"error","error":{"type":"invalid_request_error","message":"`temperature` and `top_p` cannot both be '
     'specified for this model. Please use only one."}}', "request.invalid", None, "temperature", "unclassified"),
    # Claude Code's line for a model the platform does not serve names the platform (claude-code-observed.md)
    ("The model claude-opus-4-6 is not available on your foundry deployment. Try /model to switch to "
     "claude-sonnet-4-5, or ask your admin to enable this model.", "model.not-found", "foundry", "Claude Code:",
     "OpenRouter"),
    ("The model claude-opus-4-6@default is not available on your vertex deployment. Try /model to switch to "
     "claude-opus-4-1@20250805, or ask your admin to enable this model.", "model.not-found", "vertex", "Vertex",
     "Foundry"),
    ("The model us.anthropic.claude-sonnet-4-5-20250929-v1:0 is not available on your bedrock deployment.",
     "model.not-found", "bedrock", "Bedrock", "Foundry"),
]


@pytest.mark.parametrize(("text", "cause", "platform", "must", "must_not"), CASES)
def test_each_pasted_text_reaches_a_cause_with_steps_for_its_platform(text: str, cause: str, platform: str | None,
                                                                      must: str, must_not: str) -> None:
    result = explain_text(text, provider=None, auth=None)
    steps = " ".join(result["steps"])
    assert result["cause"] == cause, result["evidence"]
    assert result["platform"] == platform
    assert must in steps
    assert must_not not in steps


def test_a_parameter_error_names_the_parameter_and_the_fix() -> None:
    pair = explain_text('400 {"type":"error","error":{"type":"invalid_request_error","message":"`temperature` and '
                        '`top_p` cannot both be specified for this model. Please use only one."}}',
                        provider="anthropic", auth=None)
    assert pair["cause"] == "request.invalid"
    assert pair["steps"][0].startswith("The endpoint objected to temperature and top_p. Send either temperature")
    other = explain_text('400 {"type":"error","error":{"type":"invalid_request_error","message":"stop_sequences: '
                         'Input should be a valid list"}}', provider="anthropic", auth=None)
    assert other["steps"][0] == ("The endpoint objected to the parameter stop_sequences: fix or remove it in the "
                                 "request.")


def test_an_explicit_provider_still_wins_over_what_the_text_names() -> None:
    result = explain_text('HTTP/1.1 403 Forbidden\n{"error":{"code":403,"message":"Key limit exceeded (total limit). '
                          'Manage it using https://openrouter.ai/settings/keys"}}', provider="anthropic", auth=None)
    assert result["platform"] == "anthropic" and result["platform_from"] == "--provider"
