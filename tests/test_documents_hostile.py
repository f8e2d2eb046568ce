"""Hostile documents: every known field with every kind of value, YAML bombs, encodings, JSONL line ends — each is
a document or a DocumentError naming the file (and line), never another exception."""

from __future__ import annotations

import json
import re

import pytest

from threatmap.errors import DocumentError
from threatmap.store.documents import FIELD_MAX_CHARS, read_bytes

FIELDS = ("id", "title", "source", "url", "date", "lang", "speakers")
YAML_VALUES = ("[1]", "{a: 1}", "true", "null", "123", "1.5", '""', "[[[[[1]]]]]", "!!binary aGk=", "{1: [2]}",
               "1" * 5000, "x" * 5000, "'" + "y" * 100_000 + "'", "[" + ", ".join(["a"] * 1000) + "]")
JSON_VALUES = ([1], {"a": 1}, True, None, 123, 1.5, "", [[[[1]]]], {"1": [2]}, "x" * 5000, ["a"] * 1000, 1e308,
               float("nan"))


def _outcome(name: str, data: bytes) -> str:
    try:
        loaded = read_bytes(name, data)
    except DocumentError as exc:
        return f"rejected: {exc}"
    return "problems: " + "; ".join(r for _, r in loaded.problems) if loaded.problems else "ok"


@pytest.mark.parametrize("field", FIELDS)
def test_every_front_matter_field_with_every_kind_of_value(field: str) -> None:
    for value in YAML_VALUES:
        outcome = _outcome("doc.md", f"---\n{field}: {value}\n---\nISIS attacked Mosul.\n".encode())
        assert outcome == "ok" or outcome.startswith("rejected: doc.md"), (field, value[:20], outcome[:200])
        assert len(outcome) < 1000  # messages quote values cut short


@pytest.mark.parametrize("field", FIELDS)
def test_every_jsonl_field_with_every_kind_of_value(field: str) -> None:
    for value in JSON_VALUES:
        record = {"id": "a", "text": "ISIS attacked Mosul.", field: value}
        outcome = _outcome("docs.jsonl", json.dumps(record).encode())
        assert outcome == "ok" or outcome.startswith("problems: docs.jsonl:1:"), (field, repr(value)[:20], outcome)


def test_known_fields_are_bounded_in_length() -> None:
    for field, limit in FIELD_MAX_CHARS.items():
        value = "x" * (limit + 1)
        with pytest.raises(DocumentError, match=f"'{field}' is {limit + 1:,} characters long"):
            read_bytes("doc.md", f"---\n{field}: {value}\n---\nText.\n".encode())


@pytest.mark.parametrize(("block", "message"), [
    ("title: " + "[" * 100_000 + "]" * 100_000, "doc.md:2: front matter refused: 200,008 bytes of YAML is over"),
    ("title: " + "[" * 3_000 + "]" * 3_000, "nesting deeper than 8 levels"),
    ("a: &a [x, x]\ntitle: *a", "doc.md:2: front matter refused: anchors and aliases"),
    ("title: ok\n" + "source: " + "s" * 70_000, "bytes of YAML is over the limit"),
    ("id: " + "9" * 5000, "'id' is 5,000 characters long"),
    ("title:\n" + "".join("  " * i + "- \n" for i in range(150)), "doc.md:10: front matter refused: nesting deeper"),
    ("title: " + "{a: " * 3000 + "1" + "}" * 3000, "nesting deeper than 8 levels (at title.a.a.a"),
    ("? " + "[" * 20 + "]" * 20 + ": 1", "nesting deeper than 8 levels (at ?.?[0]"),
], ids=["nested-100000", "nested-3000", "alias", "size", "5000-digit-id", "block-nesting", "mappings", "complex-key"])
def test_front_matter_bombs_are_refused_before_parsing(block: str, message: str) -> None:
    with pytest.raises(DocumentError, match=re.escape(message)):
        read_bytes("doc.md", f"---\n{block}\n---\nText.\n".encode())


def test_jsonl_is_split_on_newlines_only() -> None:
    lines = [json.dumps({"id": f"d{i}", "text": f"one{sep}two"}, ensure_ascii=False)
             for i, sep in enumerate(("\u2028", "\u2029", "\u0085", "\x0b", "\x0c", "\x1c", "\r"))]
    loaded = read_bytes("docs.jsonl", ("\n".join(lines) + "\r\n" + '{"id": "last", "text": "x"}').encode())
    assert not loaded.problems
    assert [d.id for d in loaded.documents] == [*(f"d{i}" for i in range(7)), "last"]
    assert loaded.documents[0].text == "one\u2028two" and loaded.wheres[-1] == "docs.jsonl:8"


@pytest.mark.parametrize(("line", "message"), [
    ("[" * 100_000 + "]" * 100_000, "docs.jsonl:2: JSON nested 100,000 levels deep"),
    ('{"id": "x", "text": "t", "n": ' + "[" * 5000 + "]" * 5000 + "}", "docs.jsonl:2: JSON nested 5,001 levels"),
    ('{"id": ' + "7" * 5000 + ', "text": "t"}', "docs.jsonl:2: JSON not accepted: a number with 5,000 digits"),
    ('{"id": "x", "text": "t", "extra": -' + "7" * 5000 + "}", "docs.jsonl:2: JSON not accepted: a number"),
    ('{"id": "x", "text": "[[[[\\"]]]]"}', None),
], ids=["nested-array", "nested-field", "long-id", "long-extra", "brackets-in-strings"])
def test_jsonl_lines_that_crashed_the_batch_are_rejected_with_their_line(line: str, message: str | None) -> None:
    loaded = read_bytes("docs.jsonl", ('{"id": "ok", "text": "Mosul"}\n' + line + "\n").encode())
    assert loaded.documents[0].id == "ok"
    if message is None:
        assert not loaded.problems and loaded.documents[1].text == '[[[["]]]]'
    else:
        assert len(loaded.problems) == 1 and loaded.problems[0][1].startswith(message), loaded.problems


def test_lone_surrogates_in_jsonl_are_replaced_and_noted() -> None:
    loaded = read_bytes("docs.jsonl", b'{"id": "s", "text": "a\\ud800b \\ud83d\\ude00", "title": "\\udfff"}\n')
    doc = loaded.documents[0]
    assert doc.text == "a\ufffdb \U0001f600" and doc.title == "\ufffd"
    assert loaded.notes == (("docs.jsonl:1", '2 lone surrogate escape(s) (e.g. "\\ud800") replaced by U+FFFD'),)
    doc.text.encode("utf-8")  # storable


ARABIC = "أعلنت القوات الأمنية أن عناصر داعش هاجموا قرية قرب الموصل صباح اليوم. "


@pytest.mark.parametrize(("data", "offsets"), [
    ((ARABIC * 5).encode() + b"\xff" + (ARABIC * 5).encode(), [len((ARABIC * 5).encode())]),
    ((ARABIC * 5).encode()[:-2] + "د".encode()[:1], [len((ARABIC * 5).encode()) - 2]),
    ((ARABIC * 5).encode() + "الموصل".encode("cp1256"), None),
], ids=["stray-byte", "truncated-last-character", "cp1256-tail"])
def test_mostly_utf8_arabic_stays_utf8_with_the_bad_bytes_reported(data: bytes, offsets: list[int] | None) -> None:
    loaded = read_bytes("doc.txt", data)
    text = loaded.documents[0].text
    assert text.startswith(ARABIC) and "\ufffd" in text and "Ø" not in text
    (where, note), = loaded.notes
    assert where == "doc.txt" and "not UTF-8 replaced by U+FFFD (byte offsets" in note
    if offsets:
        assert note.startswith(f"{len(offsets)} byte(s)") and f"offsets {offsets[0]})" in note


def test_a_cp1256_file_is_still_read_as_cp1256() -> None:
    loaded = read_bytes("doc.txt", (ARABIC * 3).encode("cp1256"))
    assert loaded.documents[0].text == ARABIC * 3
    assert loaded.notes == (("doc.txt", "not UTF-8; decoded as Arabic Windows (cp1256)"),)


def test_hostile_html_is_rejected_or_cut_never_a_crash() -> None:
    deep = "<html><body>" + "<div>" * 100_000 + "ISIS attacked Mosul." + "</div>" * 100_000 + "</body></html>"
    with pytest.raises(DocumentError, match=r"x\.html: no main text found"):
        read_bytes("x.html", deep.encode())
    page = ("<html><head><title>" + "T" * 5000 + "</title></head><body><p>ISIS attacked Mosul in the north of Iraq "
            "today, officials said.</p></body></html>")
    assert read_bytes("y.html", page.encode()).documents[0].title == "T" * FIELD_MAX_CHARS["title"]


def test_a_kurmanji_document_without_lang_is_stored_as_kurmanji() -> None:
    text = "Çekdarên DAIŞê êrîşî gundekî nêzîkî Mexmûrê kirin û du kes birîndar bûn. Rewş li herêmê aloz e."
    assert read_bytes("ku.txt", text.encode()).documents[0].lang == "kmr"


def test_a_million_bad_lines_are_not_a_million_messages() -> None:
    loaded = read_bytes("x.jsonl", b"1\n" * 1000 + b'{"id": "a", "text": "Mosul"}\n')
    assert [d.id for d in loaded.documents] == ["a"] and len(loaded.problems) == 101
    assert loaded.problems[99][0] == "x.jsonl:100"
    assert loaded.problems[-1] == ("x.jsonl", "x.jsonl: 900 more line(s) rejected, not listed (only the first 100 "
                                              "are); fix: check that the file is JSONL, one object per line")
