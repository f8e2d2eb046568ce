"""Features of the threat model: the place's role, distances and context, as numbers named by FEATURE_NAMES."""

from __future__ import annotations

from threatmap.geoparse.context import ParseContext
from threatmap.geoparse.threat.assess import assess, judge
from threatmap.geoparse.threat.features import FEATURE_NAMES, MentionSpan, document_features


def spans_of(ctx: ParseContext, *places: str) -> list[MentionSpan]:
    """A mention of the first occurrence of each place in the context's text."""
    spans = []
    for place in places:
        start = ctx.text.index(place)
        passage = next(p for p in ctx.passages if p.start <= start < p.end)
        spans.append(MentionSpan(start, start + len(place), passage, "city", 1, place.lower(), "IQ"))
    return spans


def features(text: str, *places: str, lang: str = "en") -> list[dict[str, float]]:
    """The feature rows of the first occurrence of each place, as name -> value."""
    ctx = ParseContext(text, lang=lang)
    rows = document_features(ctx, spans_of(ctx, *places))
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
    assert ar["rule_threat"] == 1.0 and kmr["actor_before_dist"] < 0.2
    assert not any(name.startswith("lang") for name in FEATURE_NAMES)  # no language prior: cues carry across


def test_a_list_shares_the_verdict_of_its_other_members() -> None:
    text = "Daesh cells attacked Mosul, Raqqa and Hit. The minister flew to Amman."
    mosul, raqqa, hit, amman = features(text, "Mosul", "Raqqa", "Hit", "Amman")
    assert mosul["list_size"] == raqqa["list_size"] == hit["list_size"] == 3.0
    assert mosul["rule_threat"] == raqqa["rule_threat"] == hit["rule_threat"] == 1.0
    assert mosul["list_rule_share"] == hit["list_rule_share"] == 1.0
    assert amman["list_size"] == 1.0 and amman["list_rule_share"] == -1.0


def test_the_role_columns_are_the_roles_the_rules_decided_on() -> None:
    text = ("BAGHDAD - The minister met officials from Erbil at the embassy in Amman. The talks with Ankara ended. "
            "Daesh cells attacked a village 50 km southwest of Kirkuk.")
    names = ("BAGHDAD", "Erbil", "Amman", "Ankara", "Kirkuk")
    ctx = ParseContext(text, lang="en")
    spans = spans_of(ctx, *names)
    rows = document_features(ctx, spans)
    columns = ("dateline", "partner", "institution", "agent", "role", "agency")
    seen = set()
    for span, row in zip(spans, rows, strict=True):
        judged = judge(ctx, span.passage, span)
        assert row.rule == judged.decision == assess(ctx, span.passage, span)
        assert judged.roles is not None and judged.position is not None
        values = dict(zip(FEATURE_NAMES, row.values, strict=True))
        expected = [float(judged.roles.dateline)] + [float(getattr(judged.roles, c) is not None) for c in columns[1:]]
        assert [values[c] for c in columns] == expected
        seen |= {c for c in columns if values[c]}
    assert {"dateline", "partner", "institution"} <= seen  # the text exercises the roles, not only zeros
    kirkuk = dict(zip(FEATURE_NAMES, rows[-1].values, strict=True))
    assert kirkuk["distance_ref"] == 1.0 and kirkuk["dec_pos_same_clause"] == 1.0


def test_role_block_marks_a_verdict_decided_by_a_role_before_any_cue() -> None:
    text = ("BAGHDAD - The U.S. embassy in Amman condemned the ISIS attack on a village near Kirkuk. "
            "Is ISIS still present in Mosul?")
    baghdad, amman, kirkuk, mosul = features(text, "BAGHDAD", "Amman", "Kirkuk", "Mosul")
    assert baghdad["role_block"] == amman["role_block"] == mosul["role_block"] == 1.0  # dateline, embassy, question
    assert kirkuk["role_block"] == 0.0 and kirkuk["rule_threat"] == 1.0


def test_an_unlocated_name_is_neither_in_iraq_and_syria_nor_abroad() -> None:
    text = "ISIS cells attacked Karrada, Paris and Kirkuk."
    ctx = ParseContext(text, lang="en")
    spans = spans_of(ctx, "Karrada", "Paris", "Kirkuk")
    unlocated = MentionSpan(spans[0].start, spans[0].end, spans[0].passage, "city", 1, "", None)
    paris = MentionSpan(spans[1].start, spans[1].end, spans[1].passage, "city", 1, "paris", "FR")
    rows = document_features(ctx, [unlocated, paris, spans[2]])
    karrada_row, paris_row, kirkuk_row = (dict(zip(FEATURE_NAMES, r.values, strict=True)) for r in rows)
    assert (karrada_row["in_iraq_syria"], karrada_row["abroad"]) == (0.0, 0.0)
    assert (paris_row["in_iraq_syria"], paris_row["abroad"]) == (0.0, 1.0)
    assert (kirkuk_row["in_iraq_syria"], kirkuk_row["abroad"]) == (1.0, 0.0)


def test_years_are_four_digits_no_other_digit_touches() -> None:
    import re

    from threatmap.geoparse.threat.features import _years
    from threatmap.geoparse.threat.scope import _latest_year

    texts = ["in 2014 and 1999.", "12014 20145 2014", "٢2015 2016٣", "1949 1950 2049 2050", "2015.5 3.2016 2017/",
             "2000 and 2013:5", "", "2019,2020 x2021y", "ISIS in 2014; ٢٠١٥"]
    # the lookarounds the scans replaced (a digit of any script, and for the latest year also . , / :)
    isolated = re.compile(r"(?<!\d)(19[5-9]\d|20[0-4]\d)(?!\d)")
    unjoined = re.compile(r"(?<![\d.,/:])(19[5-9]\d|20[0-4]\d)(?![\d.,/:]\d)")
    for text in texts:
        assert _years(text) == [int(y) for y in isolated.findall(text)], text
        assert _latest_year(text) == max((int(y) for y in unjoined.findall(text) if y != "2000"), default=0), text
    assert [_latest_year(t) for t in texts] == [2014, 2014, 2016, 2049, 2017, 0, 0, 2021, 2014]


def test_the_nearest_isis_mention_on_each_side_of_the_place() -> None:
    (row,) = features("ISIS fighters attacked a village near Kirkuk , then ISIS withdrew.", "Kirkuk")
    before, after = row["actor_before_dist"], row["actor_after_dist"]
    assert 0 < after < before < 1.0
    (alone,) = features("Fighters attacked a village near Kirkuk.", "Kirkuk")
    assert alone["actor_before_dist"] == alone["actor_after_dist"] == 1.0
