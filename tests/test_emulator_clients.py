"""Client libraries nobody here wrote, against the emulator: langchain-anthropic (pip) and the Node clients
(the TypeScript SDK, the Vercel AI SDK, gcp-metadata) through scripts/node_clients.mjs (issue 24, Tests)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pydantic
import pytest

from harness.emulator import EmulatorSettings, RunningEmulator

ROOT = Path(__file__).parents[1]


class Person(pydantic.BaseModel):
    name: str
    age: int


@pytest.fixture(scope="module")
def emu() -> Iterator[RunningEmulator]:
    with RunningEmulator(EmulatorSettings()) as running:
        yield running


def test_langchain_structured_output_and_stream_usage(emu: RunningEmulator) -> None:
    langchain_anthropic = pytest.importorskip("langchain_anthropic", reason="pip install langchain-anthropic")
    llm = langchain_anthropic.ChatAnthropic(model="claude-sonnet-4-6", api_key="anything",  # type: ignore[call-arg]
                                            base_url=emu.url, max_retries=0)
    for method in ("json_schema", "function_calling"):
        person = llm.with_structured_output(Person, method=method).invoke("Ada, 36")
        assert isinstance(person, Person)
    chunks = list(llm.stream("Hello"))
    total = chunks[0]
    for chunk in chunks[1:]:
        total = total + chunk  # type: ignore[assignment]
    streamed = total.usage_metadata  # type: ignore[attr-defined]
    assert streamed is not None and streamed["input_tokens"] > 0  # read from message_delta's usage too
    assert streamed["input_tokens"] == llm.invoke("Hello").usage_metadata["input_tokens"]  # type: ignore[index]


def test_node_clients_complete_their_calls(emu: RunningEmulator) -> None:
    modules = os.environ.get("HARNESS_NODE_MODULES", "")
    if not shutil.which("node") or not modules or not Path(modules, "ai").is_dir():
        pytest.skip("needs node and HARNESS_NODE_MODULES=<dir>/node_modules with @anthropic-ai/sdk ai "
                    "@ai-sdk/anthropic zod gcp-metadata (npm install in that dir)")
    done = subprocess.run(["node", str(ROOT / "scripts" / "node_clients.mjs"), emu.url],
                          env={"PATH": os.environ["PATH"], "NODE_PATH": modules, "HOME": os.environ.get("HOME", "/")},
                          capture_output=True, text=True, timeout=120)
    results = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    failed = [r for r in results if not r["ok"]]
    assert len(results) == 9 and not failed, done.stdout + done.stderr
