"""The example workflow uses only flags and exit codes the tool really has."""

from __future__ import annotations

import importlib.util
import re
import shlex
from pathlib import Path

import pytest

from harness.cli import _parser

DOCS = Path(__file__).resolve().parents[1] / "docs"


def test_workflow_flags_exist() -> None:
    yaml = pytest.importorskip("yaml")
    workflow = yaml.safe_load((DOCS / "examples" / "github-actions.yml").read_text())
    assert set(workflow["jobs"]) == {"smoke", "suites"}
    text = (DOCS / "examples" / "github-actions.yml").read_text()
    check = _parser()._subparsers._group_actions[0].choices["check"]  # type: ignore[union-attr]
    known = {opt for action in check._actions for opt in action.option_strings}
    used = set(re.findall(r"claude-harness check[^\n]*(?:\n\s+--[^\n]*)*", text)[0].split())
    flags = {word for word in used if word.startswith("--")}
    assert flags and flags <= known, flags - known


# --- every page: generated examples are current, links resolve, commands parse, installs are ours -------------

ROOT = DOCS.parent
PAGES = [ROOT / "README.md", *sorted(DOCS.glob("*.md"))]
_generate = importlib.util.spec_from_file_location("docs_generate", DOCS / "generate.py")
assert _generate is not None and _generate.loader is not None
generate = importlib.util.module_from_spec(_generate)
_generate.loader.exec_module(generate)

# What changes from one run to the next: timings, request ids, throughput.
_VOLATILE = [(re.compile(r"\b\d+(\.\d+)? (ms|s)\b"), "N ms"), (re.compile(r"[\d.]+ tokens/s"), "N tokens/s"),
             (re.compile(r"req_[A-Za-z0-9]+"), "req_ID"), (re.compile(r"msg_[A-Za-z0-9]+"), "msg_ID"),
             (re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"), "UUID"),
             (re.compile(r"gen-\d+-[A-Za-z0-9]+"), "gen-ID")]


def _stable(text: str) -> str:
    for pattern, replacement in _VOLATILE:
        text = pattern.sub(replacement, text)
    return text


def _examples() -> list[tuple[str, str, str]]:
    return [(page.name, m["args"], m["body"]) for page in PAGES
            for m in generate.MARKER.finditer(page.read_text(encoding="utf-8"))]


def test_the_readme_and_docs_have_generated_examples() -> None:
    assert {"README.md", "diagnosis.md"} <= {page for page, _, _ in _examples()}


@pytest.mark.parametrize(("page", "args", "body"), _examples(), ids=lambda v: str(v)[:60])
def test_a_generated_example_matches_what_the_tool_prints(page: str, args: str, body: str) -> None:
    assert body, f"{page}: the example for `{args}` is empty; run python docs/generate.py"
    assert _stable(body) == _stable(generate.run_example(args)), (
        f"{page}: the example for `claude-harness {args}` is stale; run python docs/generate.py")


def test_no_page_counts_days_to_a_real_date() -> None:
    """'retires in 8 days' is true on one day only; a page gives dates, or a count anchored to a stated day."""
    for page in PAGES:
        found = re.findall(r"\bin \d+ days?\b(?! \(as of \d{4}-\d\d-\d\d\))", page.read_text(encoding="utf-8"))
        assert not found, f"{page.name}: {found}"


_LINK = re.compile(r"\[[^\]]*\]\(([^)#\s]+)(#[^)]*)?\)")


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_every_relative_link_resolves(page: Path) -> None:
    for target, _anchor in _LINK.findall(page.read_text(encoding="utf-8")):
        if not re.match(r"[a-z]+:", target):
            assert (page.parent / target).exists(), f"{page.name} links to {target}, which does not exist"


def _code_lines(text: str) -> list[str]:
    """Commands shown: every line of a shell or YAML block; in any other block, the lines typed after `$ `."""
    lines: list[str] = []
    for kind, block in re.findall(r"```([a-z]*)\n(.*?)```", text, re.DOTALL):
        for line in block.replace("\\\n", " ").splitlines():
            line = line.strip()
            if kind in ("bash", "sh", "shell", "yaml") or line.startswith("$ "):
                lines.append(line)
    return lines


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_every_command_shown_is_one_the_tool_takes(page: Path) -> None:
    parser = _parser()
    for line in _code_lines(page.read_text(encoding="utf-8")):
        line = line.removeprefix("- run: ").removeprefix("$ ")
        if not line.startswith("claude-harness ") or "..." in line or "…" in line or " [--" in line:
            continue
        try:
            words = shlex.split(line.split(" #")[0], comments=False)[1:]
        except ValueError:  # a quoted argument that goes on over several lines (a pasted error): its flags
            words = shlex.split(re.split("['\"]", line)[0])[1:]
        cut = next((i for i, w in enumerate(words) if w in ("|", "&&", ">", "2>&1", ";")), len(words))
        try:
            parser.parse_args(words[:cut])
        except SystemExit as exc:
            pytest.fail(f"{page.name}: `{line}` is not a command the tool takes (exit {exc.code})")


_OURS = re.compile(r"^(claude[-_](endpoint[-_])?harness)(\[.*\])?([<>=!~].*)?$", re.IGNORECASE)


def test_no_page_installs_this_project_from_the_package_index() -> None:
    """'claude-harness' on the index is an unrelated project, and ours is not published: install from a checkout."""
    files = [*PAGES, *sorted(p for p in (DOCS / "examples").rglob("*") if p.is_file())]
    for path in files:
        for match in re.finditer(r"pip3? install ([^\n#&;|]+)", path.read_text(encoding="utf-8")):
            for word in shlex.split(match.group(1).replace("`", " ")):
                assert not _OURS.match(word), f"{path.name}: `pip install {word}` installs from the index"


def test_the_install_rule_catches_the_index_name() -> None:
    assert _OURS.match("claude-harness") and _OURS.match("claude-harness[bedrock]")
    assert _OURS.match("claude-endpoint-harness==0.1") and not _OURS.match("./.claude-endpoint-harness")
