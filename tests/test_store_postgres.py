"""The CLI, the app and the exports unchanged on the shared PostgreSQL + PostGIS store (the contract suite over
both engines is tests/test_store.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import build_test_store
from streamlit.testing.v1 import AppTest

from threatmap import settings
from threatmap.cli import main
from threatmap.errors import StoreError
from threatmap.store import Filters, Store

ROOT = Path(__file__).resolve().parent.parent
CORPUS_DOCS = sorted(p for p in (ROOT / "corpus").glob("*.md") if p.name != "README.md")[:3]


def test_cli_ingest_export_and_migrate_on_postgis(postgres_url: str, tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ingest", "--store", postgres_url, *map(str, CORPUS_DOCS)]) == 0
    assert f"documents added: {len(CORPUS_DOCS)}" in capsys.readouterr().out
    out = tmp_path / "all.geojson"
    assert main(["export", "--store", postgres_url, "--format", "geojson", "--out", str(out)]) == 0
    features = json.loads(out.read_text(encoding="utf-8"))["features"]
    with Store.open(postgres_url) as store:
        assert sum(f["properties"]["mention_count"] for f in features) == store.counts().mentions > 0
        import psycopg

        with psycopg.connect(postgres_url) as conn:  # the PostGIS point of every mention, indexed
            n, srid = conn.execute("SELECT COUNT(*), MIN(ST_SRID(geom)) FROM mentions WHERE geom IS NOT NULL"
                                   ).fetchone()
            assert n == store.counts().mentions and srid == 4326
            assert conn.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'mentions_geom'"
                                ).fetchone()[0].endswith("USING gist (geom)")
    assert main(["migrate", "--store", postgres_url]) == 0
    assert "already at schema version" in capsys.readouterr().out


def test_the_app_runs_on_postgis(postgres_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    build_test_store(postgres_url)  # type: ignore[arg-type]  (Store.open takes a path or a URL)
    monkeypatch.setattr(settings, "STORE_URL", postgres_url)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    assert not at.exception, at.exception
    metric = next(m for m in at.metric if m.label == "Mentions")
    assert int(str(metric.value).replace(",", "")) == 8
    at.sidebar.text_input(key="text").set_value("حمرين").run()
    assert not at.exception, at.exception
    with Store.open(postgres_url) as store:
        want = store.counts(Filters(text="حمرين")).mentions
    assert 0 < want < 8
    assert int(str(next(m for m in at.metric if m.label == "Mentions").value)) == want


def test_a_bad_url_is_a_clear_error(pg_cluster: object) -> None:
    port = pg_cluster.port  # type: ignore[attr-defined]
    with pytest.raises(StoreError, match=r"cannot connect to the store 'postgresql://nobody@127.0.0.1:\d+/nodb'"):
        Store.open(f"postgresql://nobody@127.0.0.1:{port}/nodb")


def test_every_statement_is_planned_for_its_values(postgres_url: str) -> None:
    """psycopg prepares a statement run five times; PostgreSQL's generic plan of it then ignores the values (a text
    search's needle): the store's connection asks for a plan of the values every time, and the answers stay."""
    with Store.open(postgres_url) as store:
        store.add_document(*_mosul_document())
        with store.reading() as cur:
            assert store.run(cur, "SHOW plan_cache_mode").fetchone()[0] == "force_custom_plan"
        answers = {len(store.aggregate(Filters(text="mosul"))) for _ in range(8)}
        assert answers == {1}


def _mosul_document() -> tuple[object, ...]:
    from threatmap.models import Document, Mention, Where

    doc = Document(id="m", text="ISIS attacked near Mosul.", lang="en", source="Wire")
    mention = Mention(doc_id="m", start=19, end=24, surface="Mosul", place_id="mosul", name="Mosul",
                      place_type="city", where=Where(36.34, 43.13, (43.13, 36.34, 43.13, 36.34), "Point", 1),
                      threat=True, passage_start=0, passage_end=25)
    return (doc, [mention])
