"""The one language detector: Arabic, Sorani, Kurmanji or English from the script."""

from __future__ import annotations

import pytest

from threatmap.lang.detect import detect_lang
from threatmap.store.documents import read_bytes


@pytest.mark.parametrize(("text", "lang"), [
    ("ISIS remains a threat", "en"),
    ("داعش ما زال يشكل تهديداً", "ar"),
    ("داعش هێشتا مەترسییە لە کەرکووک", "ckb"),
    ("DAIŞ hê jî li Şingalê xeterek e û çalak e", "kmr"),
    ("مازال داعش يشكل تهديداً في المناطق القريبة من جبال حمرين", "ar"),
    ("ئەم ناوچەیە لە ژێر هەڕەشەی داعشدایە لە دەوروبەری مەخموور", "ckb"),
    ("ISIS remains a threat near the Hamrin mountains.", "en"),
    ("ISIS near قرجوخ and Makhmour and the Hamrin mountains", "en"),
    ("Wezîrê Derve yê Amerîkayê got ku şaneyên DAIŞê li Deşta Ninewayê hîn çalak in.", "kmr"),
    ("The café in Erbil reopened; ISIS was not mentioned.", "en"),  # one accented letter is not Kurmanji
])
def test_language_detection_by_script(text: str, lang: str) -> None:
    assert detect_lang(text) == lang


def test_a_kurmanji_text_file_is_stored_as_kurmanji() -> None:
    text = "Şaneyên DAIŞê li derdora Mexmûrê hîn çalak in û êrîşan dikin li ser gundên Kerkûkê."
    doc = read_bytes("kurmanji.txt", text.encode("utf-8")).documents[0]
    assert doc.lang == "kmr"
