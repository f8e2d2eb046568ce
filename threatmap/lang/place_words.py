"""Place-type words per language: the words that say what kind of place a name is, as written in text.

The stages normalise them where they compare them with normalised text (:func:`threatmap.lang.normalize.normalize_key`).
"""

from __future__ import annotations

__all__ = ["AFTER_TYPE_WORDS", "AR_FILLERS", "AR_TYPE_WORDS", "EN_FILLERS", "EN_TYPE_PHRASES", "KU_TYPE_WORDS",
           "PLURAL_TYPE_WORDS", "TRIGGERS_AR_ADMIN", "TRIGGERS_AR_PART", "TRIGGERS_EN_ADMIN", "TRIGGERS_EN_PART",
           "TRIGGERS_EN_SUFFIX", "TRIGGERS_EN_SUFFIX_PART"]

# --- Type words that resolve an ambiguous name (threatmap.geoparse.resolve): the type hint they give.
AR_TYPE_WORDS: dict[str, str] = {
    "محافظه": "governorate", "محافظات": "governorate", "محافظتي": "governorate", "محافظتا": "governorate",
    "ولايه": "governorate", "مدينتي": "city", "مدينتا": "city", "قضايي": "district",
    "مدينه": "city", "مدن": "city", "بلده": "city", "بلدات": "city", "قريه": "city", "قري": "city",
    "قضاء": "district", "اقضيه": "district", "ناحيه": "subdistrict", "نواحي": "subdistrict",
    "نهر": "river", "انهار": "river", "جبل": "mountain_range", "جبال": "mountain_range",
    "سلسله": "mountain_range", "بحيره": "lake", "مخيم": "camp", "مخيمات": "camp", "صحراء": "desert",
    "باديه": "desert", "سهل": "plain", "وادي": "valley", "دوله": "country", "بلاد": "country",
}
# Sorani (ezafe form, before the name) and Kurmanji (ezafe -a/-ê/-ya, before the name) feature words.
KU_TYPE_WORDS: dict[str, str] = {
    "پارێزگای": "governorate", "پارێزگاکانی": "governorate", "شاری": "city", "شارەکانی": "city",
    "شارۆچکەی": "city", "گوندی": "city", "گوندەکانی": "city", "قەزای": "district", "ناحیەی": "subdistrict",
    "چیای": "mountain_range", "چیاکانی": "mountain_range", "زنجیرە چیای": "mountain_range", "بیابانی": "desert",
    "دەشتی": "plain", "دۆڵی": "valley", "ڕووباری": "river", "کەمپی": "camp", "کامپی": "camp",
    "دەریاچەی": "lake", "دەوڵەتی": "country", "wilayeta": "governorate",
    "parêzgeha": "governorate", "parêzgehên": "governorate", "bajarê": "city", "bajarokê": "city",
    "gundê": "city", "gundên": "city", "qezaya": "district", "navçeya": "district", "nahiya": "subdistrict",
    "çiyayê": "mountain_range", "çiyayên": "mountain_range", "deşta": "plain", "geliyê": "valley",
    "newala": "valley", "çemê": "river", "kampa": "camp", "kampên": "camp", "gola": "lake", "çola": "desert",
    "dewleta": "country",
}
EN_TYPE_PHRASES: dict[str, str] = {
    "province of": "governorate", "provinces of": "governorate", "governorate of": "governorate",
    "city of": "city", "town of": "city", "village of": "city", "district of": "district",
    "river": "river", "mount": "mountain_range", "mountains of": "mountain_range", "jabal": "mountain_range",
    "jebel": "mountain_range", "lake": "lake", "camp": "camp", "wadi": "valley", "country of": "country",
}
AFTER_TYPE_WORDS: dict[str, str] = {
    "province": "governorate", "provinces": "governorate", "governorate": "governorate",
    "governorates": "governorate", "city": "city", "town": "city", "village": "city", "district": "district",
    "districts": "district", "subdistrict": "subdistrict", "river": "river", "mountains": "mountain_range",
    "mountain": "mountain_range", "range": "mountain_range", "ridge": "mountain_range", "camp": "camp",
    "desert": "desert", "lake": "lake", "plains": "plain", "valley": "valley",
}
"""Type words after a name (English): "Anbar province", "Tigris river", "Sinjar Mountains"."""
PLURAL_TYPE_WORDS = (
    "پارێزگاکانی", "شارەکانی", "گوندەکانی", "چیاکانی", "parêzgehên", "gundên", "çiyayên", "kampên",
    "محافظات", "محافظتي", "محافظتا", "مدينتي", "مدينتا", "قضائي", "مدن", "بلدات", "قرى", "أقضية", "نواحي", "أنهار",
    "جبال", "مخيمات", "provinces", "governorates", "districts", "cities", "towns", "villages", "camps",
    "provinces of")
"""Plural type words: they also type the other names of their list (محافظات X و Y; X and Y provinces)."""

# --- Fillers between a qualifier and its name (threatmap.geoparse.qualify): "near the city of X".
EN_FILLERS = ("the", "the city of", "the town of", "the village of", "the district of", "the province of",
              "the governorate of", "city of", "town of", "village of", "district of", "province of",
              "the area of", "the region of")
AR_FILLERS = ("مدينة", "بلدة", "قرية", "قضاء", "ناحية", "محافظة", "منطقة")

# --- Triggers of unknown names (threatmap.geoparse.unknown): a name after (or before) them is a candidate.
# Place-type words. "part of name" triggers (Wadi, Jabal, جبل, وادي …) stay in the candidate's surface.
TRIGGERS_AR_ADMIN = ("منطقة", "منطقه", "مناطق", "قضاء", "ناحية", "ناحيه", "قرية", "قريه", "قرى", "بلدة", "بلده",
                     "محافظة", "محافظه", "مدينة", "مدينه", "مخيم")
TRIGGERS_AR_PART = ("جبل", "جبال", "صحراء", "وادي", "سهل", "بحيرة", "نهر", "تلال")
TRIGGERS_EN_ADMIN = ("district of", "province of", "governorate of", "village of", "villages of", "town of",
                     "city of", "outskirts of", "area of", "region of", "near", "around", "outside", "subdistrict of")
TRIGGERS_EN_PART = ("wadi", "jabal", "jebel", "jabel", "mount", "lake")
TRIGGERS_EN_SUFFIX = ("district", "province", "governorate", "village", "town", "subdistrict")
TRIGGERS_EN_SUFFIX_PART = ("mountains", "desert", "valley", "camp", "plain", "lake")

