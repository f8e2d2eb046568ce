"""From reviews to a better model: reviewed corrections, exported as gold, change what `train` learns; the exported
gold round-trips through `eval`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from threatmap.cli import main
from threatmap.models import Document
from threatmap.store import Store

ROOT = Path(__file__).resolve().parent.parent
BASE_GOLD = (ROOT / "tests" / "data" / "gold" / "seed.jsonl", ROOT / "tests" / "data" / "gold_corpus.jsonl")
REVIEWED = (  # a class of error an analyst corrects: drills that simulate an ISIS attack report no attack
    "Iraqi troops held an exercise simulating an ISIS attack on a checkpoint in Hit.",
    "Soldiers rehearsed repelling an ISIS attack during a drill in Ramadi.",
    "The army staged a drill simulating an ISIS raid near Baiji.",
    "Police ran an exercise simulating ISIS attacks in Fallujah.",
    "Security forces held a drill that simulated an ISIS assault in Tikrit.",
)
UNSEEN = "Iraqi soldiers held an exercise simulating an ISIS attack in Samarra."


@pytest.fixture(scope="module")
def parts() -> tuple:
    from threatmap.gazetteer import default_gazetteer
    from threatmap.geoparse import Geoparser
    from threatmap.learn.dataset import GoldFile
    from threatmap.learn.train import train_model

    gaz = default_gazetteer()
    rules = Geoparser.from_gazetteer(gaz, threat="rules")
    base, _ = train_model([GoldFile(p) for p in BASE_GOLD], rules, folds=2)
    return gaz, rules, base


def _p(gaz: object, content: dict, text: str) -> float:
    from threatmap.geoparse import Geoparser
    from threatmap.geoparse.threat.model import ThreatModel

    parser = Geoparser.from_gazetteer(gaz, threat=ThreatModel.from_content(content))  # type: ignore[arg-type]
    (mention,) = parser.parse(Document(id="unseen", text=text, lang="en"))
    assert mention.threat_p is not None
    return mention.threat_p


def test_reviewed_corrections_change_the_trained_model_and_round_trip_through_eval(
        parts: tuple, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from threatmap.geoparse import Geoparser
    from threatmap.geoparse.threat.model import ThreatModel
    from threatmap.learn.dataset import GoldFile
    from threatmap.learn.train import train_model

    gaz, rules, base = parts
    before = _p(gaz, base, UNSEEN)
    assert before >= 0.5  # the model trained without the reviews calls the drill a threat
    store_path = tmp_path / "s.sqlite"
    machine = Geoparser.from_gazetteer(gaz, threat=ThreatModel.from_content(base))
    with Store.open(store_path) as store:
        for i, text in enumerate(REVIEWED):
            doc = Document(id=f"drill-{i}", text=text, lang="en", source="Wire", path=f"drill-{i}.md")
            store.add_document(doc, machine.parse(doc))
        mentions = store.query()
    assert mentions["threat"].all()  # the machine's mistake, on every one
    for row in mentions.itertuples():
        assert main(["reviews", "add", "--store", str(store_path), "--doc", row.doc_id, "--start", str(row.start),
                     "--end", str(row.end), "--threat", "false", "--reviewer", "analyst",
                     "--reason", "a drill, not an attack"]) == 0
    gold = tmp_path / "reviews.jsonl"
    assert main(["reviews", "export", "--store", str(store_path), "--out", str(gold)]) == 0
    exported = [json.loads(line) for line in gold.read_text(encoding="utf-8").splitlines()]
    assert len(exported) == len(REVIEWED) and all(m["threat"] is False for d in exported for m in d["mentions"])

    after, _ = train_model([GoldFile(p) for p in BASE_GOLD] + [GoldFile(gold)], rules, folds=2)
    assert _p(gaz, after, UNSEEN) < 0.5 < before  # the correction generalised to a sentence it never saw

    capsys.readouterr()
    assert main(["eval", str(gold)]) == 0
    report = capsys.readouterr().out
    assert "recognition F1 1.000" in report  # the exported spans are the ones the geoparser finds
    cells = next(line for line in report.splitlines() if line.startswith("all ")).split()
    assert (cells[1], cells[2], cells[cells.index("|") + 1]) == ("5", "5", "5")  # gold, predicted, threat-scored
