"""tsunagu matcher: understand a family's concern and rank the local resources that can help.

Public API: Concern, Matcher (build, match), MatchResult, RankedResource, MatcherSettings.
Names are imported lazily so that `import matcher.normalize` (used by the safety triage and the
catalog tools) does not pull in scikit-learn.
"""

from importlib import import_module

_EXPORTS = {
    "Concern": "matcher.concern",
    "InvalidConcern": "matcher.concern",
    "Matcher": "matcher.rank",
    "MatchResult": "matcher.rank",
    "RankedResource": "matcher.rank",
    "MatcherSettings": "matcher.settings",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'matcher' has no attribute {name!r}")
