"""The geoparser, one module per arrow of the README pipeline; :class:`Geoparser` is the public API.

- ``context.py``     a document → :class:`ParseContext`: the original text, its normalised view (computed once and
  shared by every stage), language, date, passages and lazily computed per-document state.
- ``match/``         normalise → match every alias (``matcher.py``; spelling ``variants.py``; organisation / person /
  outlet ``filters.py``; the matcher's word lists ``lexicon.py``).
- ``resolve.py``     resolve ambiguous names (context words, declared preference, the document's country).
- ``qualify.py``     spatial qualifier ("near", "north of", شمال …), the text side; its geometry is
  :mod:`threatmap.geometry`.
- ``passages.py``    passage (the sentence) and its speaker.
- ``threat/``        threat: ``lexicon.py`` (loading the cue lexicon), ``cues.py`` (cue matching), ``actors.py``
  (whose activity), ``scope.py`` (clauses, dated history, negation), ``analysis.py`` (a passage's analysis),
  ``assess.py`` (``assess(ctx, passage, mention)``: the decision for one mention).
- ``parser.py``      :class:`Geoparser`, the stages in order → :class:`threatmap.models.Mention`; ``find`` (before the
  threat judgement), ``parse`` (one document) and ``pipe`` (a stream, judged in batches).
- ``pipe.py``        :func:`pipe_isolated`: a stream of documents, each with its mentions or its own exception.
- ``unknown.py``     names after place-type words that the gazetteer does not know (the curator's loop).
"""

from threatmap.geoparse.parser import Found, Geoparser
from threatmap.geoparse.pipe import pipe_isolated

__all__ = ["Found", "Geoparser", "pipe_isolated"]
