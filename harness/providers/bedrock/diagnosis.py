"""Bedrock's rules for the diagnosis that are code (its data is in diagnosis.toml): boto3's exception text."""

from __future__ import annotations

import re

from . import ERROR_STATUS

# boto3 / botocore: "An error occurred (AccessDeniedException) when calling the InvokeModel operation: …"
_BOTO = re.compile(r"An error occurred \((\w+)\)(?: \(reached max retries: \d+\))? when calling the (\w+) "
                   r"operation(?: \(reached max retries: \d+\))?: (.*)", re.S)


def read_pasted(text: str) -> tuple[int | None, dict[str, str], str, bool] | None:
    """A boto3 exception's status (from its AWS code), the code as AWS sends it, the message, and whether it
    arrived inside a stream."""
    match = _BOTO.search(text)
    if match is None:
        return None
    code, operation, message = match.group(1), match.group(2), match.group(3).strip()
    in_stream = code[:1].islower()  # event-stream exception members are camelCase: throttlingException
    name = code[:1].upper() + code[1:]
    return ERROR_STATUS.get(name), {"x-amzn-errortype": name}, message, in_stream and "Stream" in operation
