"""One Geoparser shared by threads (as the app shares it between sessions) gives exactly the serial result."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from threatmap import Document, Geoparser, Mention
from threatmap.gazetteer import default_gazetteer
from threatmap.store.documents import read_path

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
THREADS = 4
ROUNDS = 20


@pytest.fixture(scope="module")
def corpus() -> list[Document]:
    docs = [doc for path in sorted(CORPUS.glob("*.md")) if path.name not in ("README.md", "INDEX.md")
            for doc in read_path(path).documents]
    assert len(docs) >= 18
    return docs


@pytest.fixture
def tiny_switch_interval() -> Iterator[None]:
    """Threads switch every microsecond, so a race between them shows at once."""
    before = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        yield
    finally:
        sys.setswitchinterval(before)


def test_four_threads_parse_the_corpus_as_one_does(corpus: list[Document], tiny_switch_interval: None) -> None:
    geoparser = Geoparser.from_gazetteer(default_gazetteer())
    serial = [geoparser.parse(doc) for doc in corpus]
    assert sum(map(len, serial)) > 100
    # Every document is parsed by every thread at once, each thread starting at another document; the texts are
    # copies, so nothing can be served by text identity.
    jobs = [[Document(id=d.id, text="".join(list(d.text)), lang=d.lang, source=d.source, date=d.date,
                      speakers=d.speakers) for d in corpus[k:] + corpus[:k]] for k in range(THREADS)]

    def run(docs: list[Document]) -> dict[str, tuple[Mention, ...]]:
        return {doc.id: geoparser.parse(doc) for doc in docs}

    expected = {doc.id: mentions for doc, mentions in zip(corpus, serial, strict=True)}
    with ThreadPoolExecutor(THREADS) as pool:
        for round_ in range(ROUNDS):
            for got in pool.map(run, jobs):
                wrong = [(i, m.to_dict(), e.to_dict()) for i in got for m, e in zip(got[i], expected[i], strict=False)
                         if m != e]
                assert got == expected, f"round {round_}: {len(wrong)} mentions differ, e.g. {wrong[:2]}"
