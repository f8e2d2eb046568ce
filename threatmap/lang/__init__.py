"""Language data in one place: scripts and letters, clitics and endings per language, place-type words, language
detection, sentence splitting and normalisation (the role of spaCy's ``lang/ar`` or CAMeL Tools' ``charsets.py``)."""
