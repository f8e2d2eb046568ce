"""The trained threat model: deterministic training, safe loading with errors that say how to rebuild, decisions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from threatmap import settings
from threatmap.cli import main
from threatmap.errors import ThreatModelError
from threatmap.gazetteer import Gazetteer
from threatmap.geoparse import Geoparser
from threatmap.geoparse.threat.features import FEATURE_NAMES
from threatmap.geoparse.threat.model import FORMAT, ThreatModel
from threatmap.learn.dataset import GoldFile, build_examples
from threatmap.models import Document

DATA = Path(__file__).resolve().parent / "data"
SMALL = DATA / "threat_train_small.jsonl"
GAZ = ["--places", str(DATA / "geoparse_places.yaml"), "--geodata", str(DATA / "geoparse_geodata")]


@pytest.fixture(scope="module")
def rules_parser() -> Geoparser:
    gazetteer = Gazetteer.load(DATA / "geoparse_places.yaml", DATA / "geoparse_geodata")
    return Geoparser.from_gazetteer(gazetteer, threat="rules")


def test_training_twice_writes_the_same_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    outs = [tmp_path / "a.json", tmp_path / "b.json"]
    for out in outs:
        assert main([*GAZ, "train", str(SMALL), "--folds", "2", "--out", str(out)]) == 0
    assert outs[0].read_bytes() == outs[1].read_bytes()
    content = json.loads(outs[0].read_text(encoding="utf-8"))
    assert content["features"] == list(FEATURE_NAMES)
    assert len(content["training_data"]["sha256"]) == 64 and content["cv"]["grouped_by"] == "document"
    assert set(content["cv"]["scores"]["all"]) >= {"baseline_acc", "rules_acc", "model_acc", "model_f1", "brier"}
    assert "| all |" in capsys.readouterr().out
    model = ThreatModel.load(outs[0])
    assert all(0.0 <= p <= 1.0 for p in model.probabilities([[0.0] * len(FEATURE_NAMES)]))


def test_synthetic_files_train_but_are_never_tested(rules_parser: Geoparser) -> None:
    examples = build_examples([GoldFile(SMALL), GoldFile(SMALL, synthetic=True)], rules_parser)
    real = [e for e in examples if not e.synthetic]
    assert len(real) == len(examples) // 2 == 6
    assert {e.doc_id for e in real}.isdisjoint({e.doc_id for e in examples if e.synthetic})
    assert all(len(e.values) == len(FEATURE_NAMES) for e in examples)


@pytest.mark.parametrize(("content", "problem"), [
    (None, "is missing"),
    ("not json {", "cannot be read"),
    (json.dumps({"format": "something-else"}), "expected format"),
    (json.dumps({"format": FORMAT, "features": ["a"]}), "other features"),
    (json.dumps({"format": FORMAT, "features": list(FEATURE_NAMES), "members": [{"kind": "gbdt", "booster": "garbage"}],
                 "calibration": {"slope": 1, "intercept": 0}}), "corrupt"),
    (json.dumps({"format": FORMAT, "features": list(FEATURE_NAMES), "members": [{"kind": "logistic", "mean": [0],
                 "scale": [1], "coef": [1], "intercept": 0}], "calibration": {"slope": 1, "intercept": 0}}), "corrupt"),
])
def test_a_bad_model_file_names_itself_and_the_command_that_rebuilds_it(tmp_path: Path, content: str | None,
                                                                         problem: str) -> None:
    path = tmp_path / "model.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(ThreatModelError, match=problem) as info:
        ThreatModel.load(path)
    assert str(path) in str(info.value) and "python -m threatmap train" in str(info.value)


def test_the_committed_model_loads_and_records_its_training() -> None:
    model = ThreatModel.load()
    assert model.meta["training_data"]["files"] and model.meta["cv"]["folds"] >= 2
    assert settings.THREAT_MODEL_PATH.is_file()


def test_every_mention_gets_a_probability_and_a_quoted_cue(rules_parser: Geoparser) -> None:
    gazetteer = Gazetteer.load(DATA / "geoparse_places.yaml", DATA / "geoparse_geodata")
    parser = Geoparser.from_gazetteer(gazetteer)
    text = "ISIS sleeper cells remain active in the Hamrin mountains, officials said."
    mentions = parser.parse(Document(id="d", text=text, lang="en"))
    assert mentions and all(m.threat_p is not None and m.threat == (m.threat_p >= 0.5) for m in mentions)
    threat = [m for m in mentions if m.threat]
    assert threat and all(m.cue and m.cue in text for m in threat)
    rules = rules_parser.parse(Document(id="d", text=text, lang="en"))
    assert [m.threat_p for m in rules] == [1.0 if m.threat else 0.0 for m in rules]


def test_an_unknown_threat_decider_is_refused() -> None:
    gazetteer = Gazetteer.load(DATA / "geoparse_places.yaml", DATA / "geoparse_geodata")
    with pytest.raises(ValueError, match="expected threat='model', 'rules'"):
        Geoparser.from_gazetteer(gazetteer, threat="magic")


def test_cross_validation_reports_the_spread_over_its_folds() -> None:
    from threatmap.learn.train import CvResult, format_cv

    cv = CvResult(langs=("en", "en", "ar", "ar"), labels=(True, False, True, True), rules=(True, True, False, True),
                  probs=(0.9, 0.2, 0.1, 0.8), folds=(0, 0, 1, 1))
    scores = cv.scores()
    assert (scores["all"]["model_acc_min"], scores["all"]["model_acc_max"]) == (0.5, 1.0)
    assert scores["en"]["model_acc_min"] == scores["en"]["model_acc_max"] == 1.0
    assert "| all | 4 |" in format_cv(cv) and "0.50-1.00" in format_cv(cv)



def test_a_documents_rows_as_sequences_or_one_array_get_the_same_probabilities() -> None:
    import numpy as np

    model = ThreatModel.load()
    x = np.random.default_rng(7).uniform(-2.0, 12.0, size=(9, len(FEATURE_NAMES)))
    assert model.probabilities([list(r) for r in x]) == model.probabilities(x)
    assert model.probabilities([]) == []
