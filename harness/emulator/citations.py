"""Citations as the Messages API answers them (pure): when the last user message carries a document with
``citations: {"enabled": true}``, the reply's text cites it — a ``char_location`` for a plain-text document, a
``page_location`` for a PDF, a ``content_block_location`` for a custom-content document — with the cited text
taken from the document itself (the first sentence of plain text)."""

from __future__ import annotations

from typing import Any


def _first_sentence(text: str) -> str:
    end = next((i + 1 for i, c in enumerate(text) if c in ".!?\n"), len(text))
    return text[:end].strip() or text[:80]


def _citation(document: dict[str, Any], index: int) -> dict[str, Any] | None:
    source = document.get("source") if isinstance(document.get("source"), dict) else {}
    assert isinstance(source, dict)
    title = document.get("title")
    if source.get("type") == "text" and isinstance(source.get("data"), str):
        data = source["data"]
        cited = _first_sentence(data)
        start = data.find(cited)
        return {"type": "char_location", "cited_text": cited, "document_index": index, "document_title": title,
                "start_char_index": max(start, 0), "end_char_index": max(start, 0) + len(cited)}
    if source.get("type") == "base64" and source.get("media_type") == "application/pdf":
        return {"type": "page_location", "cited_text": "", "document_index": index, "document_title": title,
                "start_page_number": 1, "end_page_number": 2}
    if source.get("type") == "content" and isinstance(source.get("content"), list) and source["content"]:
        first = source["content"][0]
        cited = first.get("text", "") if isinstance(first, dict) else ""
        return {"type": "content_block_location", "cited_text": cited, "document_index": index,
                "document_title": title, "start_block_index": 0, "end_block_index": 1}
    return None


def citations_for(body: dict[str, Any]) -> list[dict[str, Any]]:
    """The citations of the reply to ``body``: one per document that enables them, in the order documents appear
    in the request (document_index counts every document, cited or not)."""
    found: list[dict[str, Any]] = []
    index = 0
    for message in body.get("messages") or []:
        content = message.get("content") if isinstance(message, dict) else None
        for block in content if isinstance(content, list) else []:
            if not isinstance(block, dict) or block.get("type") != "document":
                continue
            settings = block.get("citations")
            if isinstance(settings, dict) and settings.get("enabled"):
                citation = _citation(block, index)
                if citation is not None:
                    found.append(citation)
            index += 1
    return found
