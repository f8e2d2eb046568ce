"""Readers of .md/.txt (front matter), plain .txt, .html and .jsonl, with encodings, limits and clear errors."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from threatmap.errors import DocumentError
from threatmap.store.documents import check_lang, read_bytes, read_path

DATA = Path(__file__).parent / "data" / "ingest"


def test_markdown_with_front_matter() -> None:
    loaded = read_path(DATA / "good" / "caggins-excerpt.md")
    (doc,) = loaded.documents
    assert doc.id == "caggins-excerpt"
    assert doc.source == "Rudaw" and doc.lang == "ar"
    assert doc.date == dt.date(2020, 3, 4) and doc.date_origin == "metadata"
    assert doc.speakers == ("رووداو", "مايلز كاغينز")
    assert doc.text.startswith("رووداو: كيف هو وضع داعش")
    assert doc.path.endswith("caggins-excerpt.md")
    assert not loaded.problems and not loaded.notes


def test_body_is_kept_verbatim_after_the_front_matter() -> None:
    body = "  first line\n\nsecond line without final newline"
    (doc,) = read_bytes("x.md", f"---\ntitle: T\n---\n{body}".encode()).documents
    assert doc.text == body


def test_plain_text_id_is_the_stem_and_date_comes_from_the_text() -> None:
    (doc,) = read_path(DATA / "good" / "strikes-plain.txt").documents
    assert doc.id == "strikes-plain"
    assert doc.lang == "en"
    assert (doc.date, doc.date_origin) == (dt.date(2017, 7, 22), "text")


def test_html_main_text_and_metadata() -> None:
    (doc,) = read_path(DATA / "good" / "hawija-article.html").documents
    assert doc.id == "hawija-article"
    assert "بالقرب من الحويجة" in doc.text
    assert "الرئيسية" not in doc.text and "جميع الحقوق" not in doc.text  # navigation and footer left out
    assert doc.title == "هجوم لداعش قرب الحويجة"
    assert doc.source == "U.S. Embassy Baghdad"
    assert doc.date == dt.date(2018, 2, 20) and doc.date_origin == "metadata"
    assert doc.lang == "ar"


def test_jsonl_one_document_per_line() -> None:
    loaded = read_path(DATA / "good" / "batch.jsonl")
    docs = {d.id: d for d in loaded.documents}
    assert set(docs) == {"jl-1", "jl-2", "jl-3"}
    assert docs["jl-1"].url == "https://example.org/1" and docs["jl-1"].date == dt.date(2021, 5, 1)
    assert docs["jl-2"].lang == "ar" and docs["jl-2"].date_origin == "text"
    assert docs["jl-3"].lang == "ckb"
    assert docs["jl-3"].date is None and docs["jl-3"].date_origin is None  # kept, flagged by the None origin


def test_jsonl_bad_lines_are_reported_with_line_numbers_and_the_rest_kept() -> None:
    data = b'{"id":"a","text":"Mosul"}\nnot json\n{"id":"b"}\n{"text":"no id"}\n{"id":"c","text":"x","lang":"xx"}\n'
    loaded = read_bytes("f.jsonl", data)
    assert [d.id for d in loaded.documents] == ["a"]
    reasons = dict(loaded.problems)
    assert set(reasons) == {"f.jsonl:2", "f.jsonl:3", "f.jsonl:4", "f.jsonl:5"}
    assert "invalid JSON" in reasons["f.jsonl:2"]
    assert "'text'" in reasons["f.jsonl:3"]
    assert "invalid id" in reasons["f.jsonl:4"]
    assert "unknown language 'xx'" in reasons["f.jsonl:5"]


def test_cp1256_is_decoded_with_a_note() -> None:
    loaded = read_bytes("old.txt", "مازال داعش يشكل تهديداً في الموصل".encode("cp1256"))
    assert loaded.documents[0].text == "مازال داعش يشكل تهديداً في الموصل"
    assert loaded.notes == (("old.txt", "not UTF-8; decoded as Arabic Windows (cp1256)"),)


def test_utf16_with_bom_is_decoded_with_a_note() -> None:
    loaded = read_bytes("win.txt", "مازال داعش يهدد الموصل".encode("utf-16"))
    assert loaded.documents[0].text == "مازال داعش يهدد الموصل"
    assert "UTF-16" in loaded.notes[0][1]


def test_jsonl_size_limit_applies_per_line() -> None:
    small = '{"id": "a", "text": "Mosul"}'
    big = json.dumps({"id": "b", "text": "x" * 200})
    loaded = read_bytes("f.jsonl", f"{small}\n{big}\n{small.replace('a', 'c')}\n".encode(), max_bytes=100)
    assert [d.id for d in loaded.documents] == ["a", "c"]
    assert "f.jsonl:2" in loaded.problems[0][1] and "over the size limit of 100 bytes" in loaded.problems[0][1]


def test_utf8_bom_is_dropped() -> None:
    (doc,) = read_bytes("bom.md", "\ufeff---\nid: b\n---\nMosul".encode()).documents
    assert doc.id == "b" and doc.text == "Mosul"


@pytest.mark.parametrize(("name", "message"), [
    ("latin1.txt", r"not UTF-8 \(byte b'\\xe9' at offset 3\) and not Arabic Windows cp1256.*save the file as UTF-8"),
    ("report.txt", r"this is a ZIP/DOCX/XLSX archive, not text"),
    ("nul.txt", r"binary content \(NUL bytes\)"),
    ("scan.pdf", r"unsupported file type '\.pdf'"),
    ("empty.txt", r"the file is empty"),
    ("blank.md", r"the file is empty"),
    ("broken-front-matter.md", r"broken-front-matter\.md:2: broken front matter \(YAML\): while scanning a quoted"),
    ("bad-date.md", r"bad-date\.md:3: invalid date '2020-02-30'"),
    ("unknown-lang.md", r"unknown language 'fr': expected one of en, ar, ckb, kmr"),
])
def test_bad_files_get_specific_messages(name: str, message: str) -> None:
    with pytest.raises(DocumentError, match=message):
        read_path(DATA / "bad" / name)


def test_size_limit() -> None:
    with pytest.raises(DocumentError, match=r"over the size limit of 10 bytes.*--max-bytes"):
        read_path(DATA / "good" / "strikes-plain.txt", max_bytes=10)
    with pytest.raises(DocumentError, match=r"over the size limit"):
        read_bytes("big.txt", b"x" * 101, max_bytes=100)


def test_unclosed_front_matter() -> None:
    with pytest.raises(DocumentError, match=r"x\.md:1: front matter opened with '---' is never closed"):
        read_bytes("x.md", b"---\ntitle: T\nMosul\n")


def test_front_matter_without_text() -> None:
    with pytest.raises(DocumentError, match="no text"):
        read_bytes("x.md", b"---\ntitle: T\n---\n\n")


def test_missing_file() -> None:
    with pytest.raises(DocumentError, match="no such file"):
        read_path(DATA / "nope.md")


@pytest.mark.parametrize(("declared", "lang"), [("ar", "ar"), ("AR", "ar"), ("ar-IQ", "ar"), ("en_US", "en"),
                                                ("Arabic", "ar"), ("ckb", "ckb"), ("sorani", "ckb"), ("kmr", "kmr")])
def test_declared_languages(declared: str, lang: str) -> None:
    assert check_lang(declared, where="x") == lang
