"""Sentence passages and speaker turns: split_passages on Arabic, English, transcripts and the seed."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

from threatmap.geoparse.passages import MAX_PASSAGE_CHARS, split_passages
from threatmap.models import Passage

ROOT = Path(__file__).resolve().parents[1]
SEED_GOLD = ROOT / "tests" / "data" / "gold" / "seed.jsonl"


def sentences(text: str, **kwargs: object) -> list[str]:
    return [text[p.start:p.end] for p in split_passages(text, **kwargs)]  # type: ignore[arg-type]


def passage_at(passages: tuple[Passage, ...], offset: int) -> Passage:
    return next(p for p in passages if p.start <= offset < p.end)


class TestSentences:
    def test_latin_punctuation(self) -> None:
        assert sentences("ISIS attacked Tikrit. Was it repelled? Yes!") == [
            "ISIS attacked Tikrit.", "Was it repelled?", "Yes!"]

    def test_arabic_punctuation_and_comma_is_not_an_end(self) -> None:
        text = "قال المسؤول، إن داعش هاجم القرية. هل ما زال هناك؟ نعم؛ للأسف"
        assert sentences(text) == ["قال المسؤول، إن داعش هاجم القرية.", "هل ما زال هناك؟", "نعم؛", "للأسف"]

    def test_abbreviations_dates_initials_and_decimals(self) -> None:
        text = "U.S. forces arrived on Feb. 26 in Anbar with Dr. Ali and Maj. Gen. John W. Brennan. About 4.5 tonnes."
        assert sentences(text) == [
            "U.S. forces arrived on Feb. 26 in Anbar with Dr. Ali and Maj. Gen. John W. Brennan.", "About 4.5 tonnes."]

    def test_a_lower_case_word_continues_the_sentence(self) -> None:
        assert sentences("It is near the approx. centre of the district.") == [
            "It is near the approx. centre of the district."]

    def test_line_breaks_and_paragraphs_end_sentences(self) -> None:
        assert sentences("Strikes in Syria\n\n-- Near Raqqa, a strike destroyed a vehicle\nNext line") == [
            "Strikes in Syria", "-- Near Raqqa, a strike destroyed a vehicle", "Next line"]

    def test_closing_quotes_stay_with_their_sentence(self) -> None:
        assert sentences("He said “Sinjar is safe.” Then he left.") == ["He said “Sinjar is safe.”", "Then he left."]

    def test_offsets_index_the_original_text_and_are_stripped(self) -> None:
        text = "  \u200fداعش في كركوك.  \n\n  ISIS in Hit.  "
        for p in split_passages(text):
            piece = text[p.start:p.end]
            assert piece == piece.strip() and piece
        assert sentences(text) == ["داعش في كركوك.", "ISIS in Hit."]

    def test_question_flag_on_both_question_marks(self) -> None:
        flags = [p.question for p in split_passages("أين داعش؟ Where is ISIS? Here.")]
        assert flags == [True, True, False]

    def test_plain_text_is_narration_by_the_outlet(self) -> None:
        (p,) = split_passages("ISIS remains a threat in Anbar.", source="CENTCOM")
        assert (p.speaker, p.role) == ("CENTCOM", "outlet")


TRANSCRIPT = (ROOT / "tests" / "data" / "passages_transcript.txt").read_text(encoding="utf-8")


class TestSpeakers:
    def test_outlet_interviewer_interviewee(self) -> None:
        passages = split_passages(TRANSCRIPT, source="Rudaw")
        by_text = {TRANSCRIPT[p.start:p.end]: p for p in passages}
        headline = by_text["Spokesman: we stay because ISIS is a threat"]
        assert (headline.speaker, headline.role) == ("Rudaw", "outlet")  # a one-off label is a headline
        assert by_text["How is ISIS doing in Iraq?"].role == "interviewer"
        assert by_text["How is ISIS doing in Iraq?"].speaker == "Rudaw"
        answer = by_text["It remains a threat near Hamrin."]
        assert (answer.speaker, answer.role, answer.question) == ("Myles Caggins", "interviewee", False)

    def test_labels_are_excluded_and_a_bare_label_opens_a_turn(self) -> None:
        passages = split_passages(TRANSCRIPT, source="Rudaw")
        texts = [TRANSCRIPT[p.start:p.end] for p in passages]
        assert "ISIS was defeated in Baghuz." in texts
        assert not any(t.startswith(("Rudaw:", "Myles Caggins")) for t in texts)
        training = passages[texts.index("Training continues in Erbil.")]
        assert training.speaker == "Myles Caggins"

    def test_headings_and_times_are_not_labels(self) -> None:
        passages = split_passages(TRANSCRIPT, source="Rudaw")
        texts = [TRANSCRIPT[p.start:p.end] for p in passages]
        assert "Press Release | March 15, 2019" in texts
        assert "10:30: the session ended." in texts
        assert {p.speaker for p in passages} == {"Rudaw", "Myles Caggins"}

    def test_interviewer_by_questions_without_a_source(self) -> None:
        text = "Q: Where is ISIS active?\nA: In Anbar.\nQ: And Diyala?\nA: Also there."
        roles = {(p.speaker, p.role) for p in split_passages(text)}
        assert roles == {("Q", "interviewer"), ("A", "interviewee")}

    def test_front_matter_speakers_restrict_the_labels(self) -> None:
        text = "Lee: first\nAli: ISIS is in Hit.\nLee: second\nAli: And in Rawa."
        free = {p.speaker for p in split_passages(text)}
        listed = {p.speaker for p in split_passages(text, speakers=["Ali"])}
        assert free == {"Lee", "Ali"}
        assert listed == {"Ali", None}

    def test_listed_speakers_spelled_differently_fall_back_to_the_labels(self) -> None:
        text = "رووداو: أين داعش؟\nكاغينز: في حمرين.\nرووداو: ومخمور؟\nكاغينز: هناك أيضاً."
        speakers = {p.speaker for p in split_passages(text, source="Rudaw", speakers=["Rudaw", "Myles Caggins"])}
        assert speakers == {"رووداو", "كاغينز"}

    def test_captions_and_credits_are_not_speakers(self) -> None:
        text = "Photo: AFP\nISIS attacked Hit.\nPhoto: Reuters\nالمصدر: رووداو\nالمصدر: رووداو"
        assert {p.speaker for p in split_passages(text, source="Rudaw")} == {"Rudaw"}

    def test_arabic_transcript(self) -> None:
        text = ("عنوان الخبر\n\nرووداو: كيف هو الوضع في كركوك؟\nمايلز كاغينز: داعش يشكل تهديداً.\n"
                "رووداو: والموصل؟\nمايلز كاغينز: كذلك.")
        passages = split_passages(text, source="رووداو")
        assert [(p.speaker, p.role, p.question) for p in passages] == [
            ("رووداو", "outlet", False), ("رووداو", "interviewer", True), ("مايلز كاغينز", "interviewee", False),
            ("رووداو", "interviewer", True), ("مايلز كاغينز", "interviewee", False)]

    def test_trailing_footer_goes_back_to_the_outlet(self) -> None:
        text = "A: one\nB: two\nA: three\nB: four.\n\nRead our Privacy Policy by clicking here"
        last = split_passages(text, source="Rudaw")[-1]
        assert (last.speaker, last.role) == ("Rudaw", "outlet")


class TestHostileInput:
    def test_empty_and_blank(self) -> None:
        assert split_passages("") == ()
        assert split_passages(" \n\t ") == ()

    def test_five_megabytes_of_one_word(self) -> None:
        text = "داعش" * (5 * 1024 * 1024 // 4)
        passages = split_passages(text)  # cut into windows of bounded length, end to end
        assert passages[0].start == 0 and passages[-1].end == len(text)
        assert all(p.end - p.start <= MAX_PASSAGE_CHARS for p in passages)
        assert all(a.end == b.start for a, b in itertools.pairwise(passages))

    def test_many_short_lines_and_colons(self) -> None:
        text = "Name: x.\n" * 50_000 + ":" * 100_000
        passages = split_passages(text)
        assert len(passages) == 50_000

    def test_control_and_bidi_characters(self) -> None:
        text = "\u202eداعش\u202c في\x00 الأنبار\u200f.\x0b\ufeffISIS\u2066 in Hit?"
        passages = split_passages(text)
        assert passages and all(0 <= p.start < p.end <= len(text) for p in passages)


class TestSeed:
    def test_every_gold_mention_lies_inside_one_passage(self) -> None:
        for line in SEED_GOLD.read_text(encoding="utf-8").splitlines():
            doc = json.loads(line)
            passages = split_passages(doc["text"], source=doc.get("source"))
            for m in doc["mentions"]:
                p = passage_at(passages, m["start"])
                assert m["end"] <= p.end, m

    def test_seed_speakers(self) -> None:
        doc = json.loads(SEED_GOLD.read_text(encoding="utf-8").splitlines()[0])
        text = doc["text"]
        passages = split_passages(text, source=doc["source"])
        headline, lead = passages[0], passages[1]
        assert (headline.speaker, headline.role) == (doc["source"], "outlet")
        assert lead.role == "outlet"
        question = passage_at(passages, text.index("كيف هو وضع داعش"))
        assert (question.role, question.question) == ("interviewer", True)
        answer = passage_at(passages, text.index("هزم داعش في الباغوز"))
        assert (answer.speaker, answer.role) == ("مايلز كاغينز", "interviewee")
        assert {p.role for p in passages} == {"outlet", "interviewer", "interviewee"}
