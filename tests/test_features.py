"""Features of the threat model: the place's role, distances and context, as numbers named by FEATURE_NAMES."""

from __future__ import annotations

from threatmap.geoparse.context import ParseContext
from threatmap.geoparse.threat.features import FEATURE_NAMES, MentionSpan, document_features


def features(text: str, *places: str, lang: str = "en") -> list[dict[str, float]]:
    """The feature rows of the first occurrence of each place, as name -> value."""
    ctx = ParseContext(text, lang=lang)
    spans = []
    for place in places:
        start = text.index(place)
        passage = next(p for p in ctx.passages if p.start <= start < p.end)
        spans.append(MentionSpan(start, start + len(place), passage, "city", 1, place.lower(), "IQ"))
    rows = document_features(ctx, spans)
    assert all(len(r.values) == len(FEATURE_NAMES) for r in rows)
    return [dict(zip(FEATURE_NAMES, r.values, strict=True)) for r in rows]


def test_the_rules_verdict_and_the_deciding_cue_come_first() -> None:
    (row,) = features("ISIS sleeper cells remain active in Kirkuk.", "Kirkuk")
    assert row["rule_threat"] == 1.0 and row["dec_pos_same_clause"] == 1.0 and row["dec_pos_dist"] < 0.2


def test_a_dateline_and_the_reference_point_of_a_distance_are_roles() -> None:
    text = "BAGHDAD - ISIS attacked a village 50 km southwest of Erbil on Monday."
    baghdad, erbil = features(text, "BAGHDAD", "Erbil")
    assert baghdad["dateline"] == 1.0 and erbil["dateline"] == 0.0
    assert erbil["distance_ref"] == 1.0 and baghdad["distance_ref"] == 0.0


def test_a_place_in_the_sentence_after_an_attack_report_sees_it() -> None:
    text = "ISIS gunmen attacked a checkpoint overnight, killing two soldiers. The village lies near Tuz Khurmatu."
    (row,) = features(text, "Tuz Khurmatu")
    assert row["prev1_dec_pos"] == 1.0 and row["prev1_actor"] == 1.0 and row["same_line_prev"] == 1.0


def test_list_members_and_the_word_before_the_place() -> None:
    mosul, raqqa = features("Daesh cells operate in Mosul and Raqqa.", "Mosul", "Raqqa")
    assert mosul["list_member"] == raqqa["list_member"] == 1.0
    assert mosul["prev_word_in"] == 1.0 and raqqa["prev_word_with"] == 1.0


def test_arabic_and_kurdish_text_give_rows_of_the_same_shape() -> None:
    (ar,) = features("مازال داعش يشكل تهديداً في جبال حمرين", "حمرين", lang="ar")
    (kmr,) = features("Şervanên DAIŞê hîn li Kerkûkê hene.", "Kerkûk", lang="kmr")
    assert ar["rule_threat"] == 1.0 and ar["lang_ar"] == 1.0
    assert kmr["lang_kmr"] == 1.0 and kmr["actor_before_dist"] < 0.2
