"""Input-token estimates by Anthropic's documented rules of thumb, as ordered segments (pure).

Text is ~4 characters a token. An image costs ``width * height / 750`` tokens after the API's downscale of the
long edge to 1568 px (dimensions read from the PNG/JPEG/GIF/WebP header; an image by URL or file is priced at
the 1568 x 1568 cap). A PDF costs ~2,000 tokens a page (text plus the page image). Tools add the tool-use system
prompt (346 tokens with ``auto``/``none``, 313 with ``any``/``tool``) plus their definitions; Anthropic-defined
tools add their documented overheads. Thinking blocks of earlier assistant turns are stripped and not counted;
those of the last assistant turn count when a tool result answers it (the tool-use loop).

The segments come in the order the cache sees a prompt (tools, system, messages), each with its
``cache_control``; the prompt cache counts prefixes over them, and their sum is the request's input tokens.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import math
import re
import struct
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

BASE_TOKENS = 8  # the request's framing
MESSAGE_TOKENS = 3  # per message (role markers)
TOOL_PROMPT_TOKENS = {"auto": 346, "none": 346, "any": 313, "tool": 313}
SCHEMA_TOOL_TOKENS = {"bash_": 245, "text_editor_": 700, "computer_": 735, "memory_": 300, "web_search_": 0,
                      "web_fetch_": 0, "code_execution_": 0}
IMAGE_LONG_EDGE = 1568
IMAGE_CAP_TOKENS = math.ceil(IMAGE_LONG_EDGE * IMAGE_LONG_EDGE / 750)
PDF_PAGE_TOKENS = 2000
_PDF_PAGE = re.compile(rb"/Type\s*/Page(?![a-zA-Z])")

FileLookup = Callable[[str], "bytes | None"]


@dataclass(frozen=True)
class Segment:
    tokens: int
    content: Any  # the block as sent; the prompt cache hashes it (only when the request has a breakpoint)
    cache_control: dict[str, Any] | None = None

    @property
    def key(self) -> str:
        return _key(self.content)


class BadImage(ValueError):
    """The image bytes are not an image of the declared kind (the API answers 400 "Could not process image")."""


def text_tokens(text: str) -> int:
    return math.ceil(len(text) / 4)


def image_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) from a PNG, JPEG, GIF or WebP header, or None when the bytes are none of those."""
    if data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) >= 24:
        width, height = struct.unpack(">II", data[16:24])
        return int(width), int(height)
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        width, height = struct.unpack("<HH", data[6:10])
        return int(width), int(height)
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP" and len(data) >= 30:
        chunk = data[12:16]
        if chunk == b"VP8 ":
            width, height = struct.unpack("<HH", data[26:30])
            return int(width) & 0x3FFF, int(height) & 0x3FFF
        if chunk == b"VP8L":
            bits = int.from_bytes(data[21:25], "little")
            return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
        if chunk == b"VP8X":
            return int.from_bytes(data[24:27], "little") + 1, int.from_bytes(data[27:30], "little") + 1
        return None
    if data[:2] == b"\xff\xd8":
        index = 2
        while index + 9 < len(data):
            if data[index] != 0xFF:
                index += 1
                continue
            marker = data[index + 1]
            if marker in (0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF):
                height, width = struct.unpack(">HH", data[index + 5:index + 9])
                return int(width), int(height)
            length = struct.unpack(">H", data[index + 2:index + 4])[0]
            index += 2 + int(length)
        return None
    return None


def image_tokens(width: int, height: int) -> int:
    scale = min(1.0, IMAGE_LONG_EDGE / max(width, height, 1))
    return max(1, math.ceil((width * scale) * (height * scale) / 750))


def _decode(data: Any) -> bytes:
    try:
        return base64.b64decode(str(data), validate=True)
    except (binascii.Error, ValueError):
        raise BadImage("Could not process image") from None


def _source_bytes(source: dict[str, Any], files: FileLookup | None) -> bytes | None:
    if source.get("type") == "base64":
        return _decode(source.get("data", ""))
    if source.get("type") == "file" and files is not None:
        return files(str(source.get("file_id", "")))
    return None


def image_block_tokens(block: dict[str, Any], files: FileLookup | None = None) -> int:
    source = block.get("source") if isinstance(block.get("source"), dict) else {}
    assert isinstance(source, dict)
    data = _source_bytes(source, files)
    if data is None:
        return IMAGE_CAP_TOKENS
    size = image_size(data)
    if size is None or 0 in size:
        raise BadImage("Could not process image")
    return image_tokens(*size)


def document_block_tokens(block: dict[str, Any], files: FileLookup | None = None) -> int:
    source = block.get("source") if isinstance(block.get("source"), dict) else {}
    assert isinstance(source, dict)
    if source.get("type") == "text":
        return text_tokens(str(source.get("data", "")))
    if source.get("type") == "content":
        return sum(block_tokens(b, files) for b in source.get("content") or [] if isinstance(b, dict))
    data = _source_bytes(source, files)
    if data is None:
        return PDF_PAGE_TOKENS
    if not data.startswith(b"%PDF"):
        return text_tokens(data.decode("utf-8", "replace"))  # a plain-text file
    return PDF_PAGE_TOKENS * max(1, len(_PDF_PAGE.findall(data)))


def block_tokens(block: dict[str, Any], files: FileLookup | None = None, *, keep_thinking: bool = True) -> int:
    kind = block.get("type")
    if kind == "text":
        return text_tokens(str(block.get("text", "")))
    if kind == "image":
        return image_block_tokens(block, files)
    if kind == "document":
        return document_block_tokens(block, files) + text_tokens(str(block.get("title") or ""))
    if kind in ("tool_use", "server_tool_use"):
        return 8 + text_tokens(str(block.get("name", ""))) + text_tokens(json.dumps(block.get("input", {})))
    if kind == "tool_result" or kind == "search_result":
        content = block.get("content")
        if isinstance(content, str):
            return 4 + text_tokens(content)
        return 4 + sum(block_tokens(b, files) for b in content or [] if isinstance(b, dict))
    if kind == "thinking":
        return text_tokens(str(block.get("thinking", ""))) if keep_thinking else 0
    if kind == "redacted_thinking":
        return text_tokens(str(block.get("data", ""))) if keep_thinking else 0
    return text_tokens(json.dumps(block, default=str))


def tool_tokens(tool: dict[str, Any]) -> int:
    kind = str(tool.get("type", ""))
    for prefix, overhead in SCHEMA_TOOL_TOKENS.items():
        if kind.startswith(prefix):
            return overhead
    return text_tokens(json.dumps({k: tool.get(k) for k in ("name", "description", "input_schema")}))


def _key(value: Any) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, default=str).encode()).hexdigest()


def _thinking_kept(messages: list[Any]) -> int:
    """The index of the assistant turn whose thinking counts (the last one, answered by a tool result), or -1."""
    for index in range(len(messages) - 1, -1, -1):
        message = messages[index]
        if isinstance(message, dict) and message.get("role") == "assistant":
            answer = messages[index + 1] if index + 1 < len(messages) else None
            content = answer.get("content") if isinstance(answer, dict) else None
            blocks = content if isinstance(content, list) else []
            results = any(isinstance(b, dict) and b.get("type") == "tool_result" for b in blocks)
            return index if results or answer is None else -1
    return -1


def segments(body: dict[str, Any], files: FileLookup | None = None) -> list[Segment]:
    """The prompt as the cache sees it: tools, system, then each message's blocks. Raises BadImage."""
    out: list[Segment] = []
    tools = [t for t in body.get("tools") or [] if isinstance(t, dict)]
    if tools:
        choice = body.get("tool_choice") if isinstance(body.get("tool_choice"), dict) else {}
        assert isinstance(choice, dict)
        out.append(Segment(TOOL_PROMPT_TOKENS.get(str(choice.get("type", "auto")), 346), "tool-prompt"))
        out.extend(Segment(tool_tokens(t), t, t.get("cache_control")) for t in tools)
    system = body.get("system")
    if isinstance(system, str) and system:
        out.append(Segment(text_tokens(system), system))
    elif isinstance(system, list):
        out.extend(Segment(block_tokens(b, files), b, b.get("cache_control"))
                   for b in system if isinstance(b, dict))
    messages = body.get("messages") or []
    kept = _thinking_kept(messages)
    for index, message in enumerate(messages):
        if not isinstance(message, dict):
            continue
        out.append(Segment(MESSAGE_TOKENS, message.get("role")))
        content = message.get("content")
        if isinstance(content, str):
            out.append(Segment(text_tokens(content), content))
            continue
        for block in content if isinstance(content, list) else []:
            if isinstance(block, dict):
                tokens = block_tokens(block, files, keep_thinking=index == kept)
                out.append(Segment(tokens, block, block.get("cache_control")))
    return out


def input_tokens(body: dict[str, Any], files: FileLookup | None = None) -> int:
    """The whole prompt's estimate (what count_tokens answers). Raises BadImage."""
    return BASE_TOKENS + sum(s.tokens for s in segments(body, files))
