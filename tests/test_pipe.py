"""Geoparser.pipe and pipe_isolated: batches give each document what parse gives it, and keep failures apart."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from threatmap.gazetteer import Gazetteer
from threatmap.geoparse.context import ParseContext
from threatmap.geoparse.parser import Geoparser
from threatmap.geoparse.passages import split_passages
from threatmap.geoparse.pipe import pipe_isolated
from threatmap.geoparse.threat.model import ThreatModel
from threatmap.models import Document, Mention, Passage
from threatmap.store.documents import read_path

DATA = Path(__file__).resolve().parent / "data"
ROOT = DATA.parent.parent
_CORPUS = [DATA / "gold" / "seed.jsonl", DATA / "gold" / "dev.jsonl", DATA / "gold_corpus.jsonl",
           DATA / "gold_heldout.jsonl", *sorted((ROOT / "corpus").glob("*.md"))]


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return Gazetteer.load()


@pytest.fixture(scope="module")
def geoparser(gazetteer: Gazetteer) -> Geoparser:
    return Geoparser.from_gazetteer(gazetteer)


@pytest.fixture(scope="module")
def corpus() -> list[Document]:
    """Every real and held-out gold document of tests/data and every corpus article, plus three without text."""
    docs = [d for path in _CORPUS for d in read_path(path, max_bytes=50_000_000).documents]
    assert len(docs) > 100
    return [*docs[:5], Document(id="empty", text=""), Document(id="blank", text=" \n "), *docs[5:],
            Document(id="no-place", text="Nothing here names a place.")]


@pytest.fixture(scope="module")
def parsed(geoparser: Geoparser, corpus: list[Document]) -> list[tuple[Mention, ...]]:
    return [geoparser.parse(d) for d in corpus]


@pytest.mark.parametrize("batch_size", [1, 2, 64])
def test_pipe_gives_each_document_what_parse_gives(geoparser: Geoparser, corpus: list[Document],
                                                   parsed: list[tuple[Mention, ...]], batch_size: int) -> None:
    piped = list(geoparser.pipe(corpus, batch_size=batch_size))
    assert len(piped) == len(corpus)
    assert sum(map(len, parsed)) > 1000
    for doc, one, batched in zip(corpus, parsed, piped, strict=True):
        assert batched == one, doc.id  # every field, threat_p included
        assert [_bits(m.threat_p) for m in batched] == [_bits(m.threat_p) for m in one], doc.id


def _bits(p: float | None) -> str | None:
    return None if p is None else p.hex()


def test_batched_probabilities_are_bit_for_bit_those_of_each_document(geoparser: Geoparser,
                                                                      corpus: list[Document]) -> None:
    model = ThreatModel.load()
    rows = []
    for doc in corpus:
        found = geoparser.find(doc)
        rows.append([r.values for r in model.features(found.ctx, found.spans)] if found.ctx is not None else [])
    alone = [[p.hex() for p in model.probabilities(r)] for r in rows]
    assert sum(map(len, alone)) > 1000
    for size in (2, 64, len(rows)):
        together = [p for k in range(0, len(rows), size) for p in model.probabilities_many(rows[k:k + size])]
        assert [[p.hex() for p in ps] for ps in together] == alone


def test_pipe_of_nothing_yields_nothing(geoparser: Geoparser) -> None:
    assert list(geoparser.pipe([])) == []
    assert list(geoparser.pipe(iter(()), batch_size=1)) == []
    assert list(pipe_isolated(geoparser, [])) == []


@pytest.mark.parametrize("size", [0, -1, 1.5, True, "64"])
def test_a_batch_size_must_be_a_positive_int(geoparser: Geoparser, size: object) -> None:
    with pytest.raises(ValueError, match="batch_size"):
        list(geoparser.pipe([], batch_size=size))  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="batch_size"):
        list(pipe_isolated(geoparser, [], batch_size=size))  # type: ignore[arg-type]


def test_pipe_reads_one_batch_before_yielding(geoparser: Geoparser, corpus: list[Document]) -> None:
    read: list[str] = []

    def documents() -> Iterator[Document]:
        for doc in corpus[5:]:
            read.append(doc.id)
            yield doc
        raise AssertionError("the whole input was read")

    piped = geoparser.pipe(documents(), batch_size=3)
    first = next(piped)
    assert len(read) == 3
    assert first == geoparser.parse(corpus[5])
    next(piped), next(piped)
    assert len(read) == 3
    next(piped)
    assert len(read) == 6


def test_pipe_with_the_rules_is_parse_with_the_rules(gazetteer: Gazetteer, corpus: list[Document]) -> None:
    rules = Geoparser.from_gazetteer(gazetteer, threat="rules")
    docs = corpus[:20]
    assert list(rules.pipe(docs, batch_size=8)) == [rules.parse(d) for d in docs]


class _Hostile(Exception):
    pass


def _hostile_split(text: str, *, source: str | None = None, speakers: Sequence[str] = ()) -> tuple[Passage, ...]:
    """The passage splitter, but raising on a document that says HOSTILE (a bug a document can trigger)."""
    if "HOSTILE" in text:
        raise _Hostile("this document breaks the splitter")
    return split_passages(text, source=source, speakers=speakers)


def test_a_hostile_document_fails_alone(gazetteer: Gazetteer, geoparser: Geoparser,
                                        corpus: list[Document]) -> None:
    hostile = Geoparser.from_gazetteer(gazetteer, split_passages=_hostile_split)
    bad = Document(id="bad", text="HOSTILE: ISIS attacked Mosul.")
    docs = [*corpus[5:9], bad, *corpus[9:12]]
    with pytest.raises(_Hostile):
        list(hostile.pipe(docs))
    outcomes = list(pipe_isolated(hostile, iter(docs), batch_size=3))
    assert [d.id for d, _ in outcomes] == [d.id for d in docs]
    for doc, outcome in outcomes:
        if doc is bad:
            assert isinstance(outcome, _Hostile)
        else:
            assert outcome == geoparser.parse(doc), doc.id
    assert sum(len(o) for _, o in outcomes if isinstance(o, tuple)) > 10


def test_pipe_isolated_without_failures_is_pipe(geoparser: Geoparser, corpus: list[Document],
                                                parsed: list[tuple[Mention, ...]]) -> None:
    outcomes = list(pipe_isolated(geoparser, corpus[:30], batch_size=7))
    assert [o for _, o in outcomes] == parsed[:30]
    assert [d for d, _ in outcomes] == corpus[:30]


def test_find_then_judge_is_parse(geoparser: Geoparser, corpus: list[Document],
                                  parsed: list[tuple[Mention, ...]]) -> None:
    model = ThreatModel.load()
    for doc, one in zip(corpus[:20], parsed[:20], strict=True):
        found = geoparser.find(doc)
        if found.ctx is None:
            assert one == ()
            continue
        assert isinstance(found.ctx, ParseContext)
        assert found.mentions(model.decide(found.ctx, found.spans)) == one
