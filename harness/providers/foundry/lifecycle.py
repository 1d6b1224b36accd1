"""Microsoft Foundry's lifecycle (pure): default deployment names are the model names, on Anthropic's schedule
("Dates apply to the Claude API, Claude Platform on AWS and Microsoft Foundry")."""

from __future__ import annotations

COLUMN = "foundry"  # lifecycle.toml: the default deployment names
TITLE = "Microsoft Foundry (default deployment names)"
FIRST_PARTY_NAMES = True  # a default deployment name is the model's name: a first-party lookup finds these too
DEPLOYMENT_NAMES = True  # the model field names a deployment, and any model may sit behind it
UNKNOWN_NOTE = " (a Foundry deployment may have a name of its own)"
