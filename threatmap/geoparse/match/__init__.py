"""Match every alias of the gazetteer in one pass: the automaton, spelling variants, filters and word lists."""

from threatmap.geoparse.match.matcher import Match, Matcher, match_key

__all__ = ["Match", "Matcher", "match_key"]
