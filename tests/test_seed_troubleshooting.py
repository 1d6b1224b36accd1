"""Each troubleshooting row of the two seed documents is what the diagnosis tells the user.

The seeds (shared/seeds/) are in Spanish; the harness says the same steps in its own words.
Each case goes from a raw exchange through the classifier to the report's steps.
"""

from __future__ import annotations

import pytest

from harness.explain import explain_text

ROWS = [
    # Foundry seed, "Errores de autenticación": 401 with a key -> check the key, get one from Keys and Endpoint
    ("foundry", "api-key", 'HTTP/1.1 401 Unauthorized\n\n{"error":{"code":"401","message":"Access denied due to '
     'invalid subscription key or wrong API endpoint."}}', "auth.invalid-key", ["Keys and Endpoint"]),
    # 401 with Entra ID -> token valid and not expired; tokens expire after about one hour
    ("foundry", "entra", 'HTTP/1.1 401 Unauthorized\n\n{"statusCode":401,"message":"Unauthorized. Access token is '
     'missing, invalid, audience is incorrect (https://cognitiveservices.azure.com), or have expired."}',
     "auth.token-invalid", ["about an hour"]),
    # 403 Forbidden -> an Azure RBAC role
    ("foundry", "entra", 'HTTP/1.1 403 Forbidden\n\n{"error":{"code":"PermissionDenied","message":"The principal '
     'lacks the required data action"}}', "auth.permission-denied", ["RBAC role", "Cognitive Services User"]),
    # 429 -> exponential backoff and retries; request a higher limit through the portal or support
    ("foundry", "api-key", 'HTTP/1.1 429 Too Many Requests\nretry-after: 7\n\n{"type":"error","error":{"type":'
     '"rate_limit_error","message":"Rate limit exceeded"}}', "rate-limit.exceeded",
     ["Back off exponentially", "Azure portal or Azure support"]),
    # Model/Deployment not found -> the deployment name (default: the model id); region availability
    ("foundry", "api-key", 'HTTP/1.1 404 Not Found\n\n{"error":{"code":"DeploymentNotFound","message":"The API '
     'deployment for this resource does not exist."}}', "model.not-found", ["deployment name", "region"]),
    # Invalid model parameter -> the model field holds the deployment name; check it exists and is configured
    ("foundry", "api-key", 'HTTP/1.1 400 Bad Request\n\n{"type":"error","error":{"type":"invalid_request_error",'
     '"message":"Invalid model parameter"}}', "model.invalid-parameter", ["deployment name", "finished provisioning"]),
    # OpenRouter seed, "Errores de API": the key must be correct and funded
    ("openrouter", "bearer", 'HTTP/1.1 401 Unauthorized\n\n{"error":{"message":"User not found.","code":401}}',
     "auth.invalid-key", ["key is right", "credits"]),
    ("openrouter", "bearer", 'HTTP/1.1 402 Payment Required\n\n{"error":{"message":"Insufficient credits","code":402}}',
     "billing.insufficient-credits", ["Add credits"]),
    # OpenRouter "Consejos": rate limits -> check the balance or try a different model
    ("openrouter", "bearer", 'HTTP/1.1 429 Too Many Requests\n\n{"error":{"message":"Rate limit exceeded","code":429}}',
     "rate-limit.exceeded", ["balance", "another model"]),
    # OpenRouter "Problemas Regionales": a regional block
    ("openrouter", "bearer", 'HTTP/1.1 403 Forbidden\n\n{"error":{"message":"This model is not available in your '
     'region.","code":403}}', "access.region-blocked", ["region"]),
]


@pytest.mark.parametrize(("provider", "auth", "pasted", "cause", "phrases"), ROWS,
                         ids=[f"{r[0]}-{r[3]}" for r in ROWS])
def test_seed_row_steps_appear_in_the_diagnosis(provider: str, auth: str, pasted: str, cause: str,
                                                phrases: list[str]) -> None:
    result = explain_text(pasted, provider=provider, auth=auth)
    assert result["cause"] == cause
    steps = " ".join(result["steps"])
    for phrase in phrases:
        assert phrase in steps, f"{phrase!r} missing from the steps for {cause}"
    assert all("https://" in source for source in result["sources"])
