"""The matcher: normalise → understand → retrieve → score with structured fit → diversify →
explain → confidence. Safety triage runs on every concern and its contacts come first.
"""

from __future__ import annotations

from typing import Any, Callable, Iterable, NamedTuple

import numpy as np

from catalog.conditions import (
    Condition,
    Fit,
    age_fits,
    area_fits,
    flag_fits,
    language_fits,
    pregnancy_fits,
    time_fits,
)
from catalog.model import Resource
from catalog.taxonomy import Taxonomy, load_taxonomy
from matcher.concern import Concern
from matcher.contacts import contacts_for, emergency_contact_resources, safety_block
from matcher.index import LexicalIndex, analyze
from matcher.lexicon import CueLexicon, DomainDictionary, LexiconScanner
from matcher.needs import NONE, NeedModel, NeedScore, combine, training_docs
from matcher.safety import assess
from matcher.settings import MatcherSettings
from matcher.situation import Situation, read_situation

# Categories whose suggestion depends strongly on the child's age: ask for it when missing.
AGE_SENSITIVE_GROUPS = frozenset({"あずける", "保育園・幼稚園", "発達・障害"})
CARE_GROUP = "あずける"
# A resource failing a condition read from the text (not given as input) keeps this share of its score.
TEXT_CUE_FAILURE_FACTOR = 0.4
# A need counts as asked for when its probability is at least this share of the top need's.
ASKED_NEED_SHARE = 0.35
# How many top pre-scored resources get their conditions checked and are diversified.
CANDIDATES = 60


class RankedResource(NamedTuple):
    resource: Resource
    category: str  # the category the resource was matched under (the need it meets)
    score: float
    reasons: list[str]
    conditions: list[Condition]

    @property
    def fits(self) -> bool:
        return all(c.fit is not Fit.FAILS for c in self.conditions)


class MatchResult(NamedTuple):
    results: list[RankedResource]
    safety: dict[str, Any]
    confidence: float
    needs: list[tuple[str, float]]
    hints: list[str]
    situation: Situation

    def asked_categories(self, share: float = ASKED_NEED_SHARE) -> list[str]:
        """The needs the family asked for (not what was suggested): each at least `share` of
        the top need's probability. This is what the unmet-needs report counts."""
        if not self.needs:
            return []
        top = self.needs[0][1]
        return [code for code, p in self.needs[:3] if p >= share * top]

    def to_contract(self, query_id: str) -> dict[str, Any]:
        """One result line of the batch interface (ARCHITECTURE.md)."""
        return {
            "id": query_id,
            "results": [
                {
                    "resource_id": r.resource.id,
                    "name": r.resource.name,
                    "category": r.category,
                    "score": round(float(r.score), 6),
                    "reasons": r.reasons + [c.label for c in r.conditions],
                }
                for r in self.results
            ],
            "safety": {"level": self.safety["level"], "contacts": self.safety["contacts"]},
            "confidence": round(float(self.confidence), 6),
        }


def given_kinds(concern: Concern) -> frozenset[str]:
    """The condition kinds the family gave as structured input (a failure on them is hard)."""
    return frozenset(
        kind
        for kind, value in (
            ("age", concern.child_age_months),
            ("pregnancy", concern.pregnant),
            ("area", concern.area),
            ("time", concern.needed_at),
            ("language", concern.language),
        )
        if value is not None
    )


def _char_text(analysis) -> str:
    return analysis.norm + " " + analysis.views.reading


def _term_text(analysis) -> str:
    return " ".join(analysis.terms)


class Matcher:
    """Built once per catalog version; `match` is read-only and safe to share across requests."""

    def __init__(
        self,
        resources: list[Resource],
        taxonomy: Taxonomy,
        settings: MatcherSettings,
        dictionary: DomainDictionary,
        cues: CueLexicon,
        index: LexicalIndex,
        model: NeedModel,
        contacts_override_path=None,
    ):
        self.resources = resources
        self.taxonomy = taxonomy
        self.settings = settings
        self.dictionary = dictionary
        self.cues = cues
        self.index = index
        self.model = model
        self.contacts_override_path = contacts_override_path
        self.scanner = LexiconScanner(dictionary, cues)
        self.by_category: dict[str, list[int]] = {}
        for i, r in enumerate(resources):
            for code in r.categories:
                self.by_category.setdefault(code, []).append(i)
        self._codes = taxonomy.codes
        code_index = {c: j for j, c in enumerate(self._codes)}
        # Unknown category codes (should not pass validation) get no need score.
        self._codes = [*self._codes, "__unknown__"]
        self._primary = np.array([code_index.get(r.category, len(code_index)) for r in resources], dtype=np.int64)
        sec_rows, sec_cols = [], []
        for i, r in enumerate(resources):
            for code in r.secondary_categories:
                if code in code_index:
                    sec_rows.append(i)
                    sec_cols.append(code_index[code])
        self._sec_rows = np.array(sec_rows, dtype=np.int64)
        self._age_min = np.array([-1 if r.age_min_months is None else r.age_min_months for r in resources], dtype=np.float64)
        self._age_max = np.array([10**6 if r.age_max_months is None else r.age_max_months for r in resources], dtype=np.float64)
        self._sec_cols = np.array(sec_cols, dtype=np.int64)
        areas = {a for r in resources for a in r.service_areas}
        self.areas: tuple[str, ...] = tuple(sorted(a for a in areas if a not in ("全域", "全国", "都道府県")))
        self.emergency_resources = emergency_contact_resources(resources)

    @classmethod
    def build(
        cls,
        resources: Iterable[Resource],
        *,
        settings: MatcherSettings | None = None,
        taxonomy: Taxonomy | None = None,
        dictionary: DomainDictionary | None = None,
        cues: CueLexicon | None = None,
        training_concerns: list | None = None,
        contacts_override_path=None,
        progress: Callable[[int], None] | None = None,
    ) -> "Matcher":
        resources = list(resources)
        settings = settings or MatcherSettings.default()
        taxonomy = taxonomy or load_taxonomy()
        dictionary = dictionary or DomainDictionary.load()
        cues = cues or CueLexicon.load()
        index = LexicalIndex.build(
            resources, taxonomy, dictionary, settings.field_weights, settings.scorer, settings.k1, settings.b, progress
        )
        docs = training_docs(taxonomy, cues, resources, training_concerns)
        analyses = [analyze(d.text, dictionary) for d in docs]
        model = NeedModel(C=settings.model_C, kind=settings.model_kind, temperature=settings.model_temperature).fit(
            [_char_text(a) for a in analyses],
            [_term_text(a) for a in analyses],
            [d.label for d in docs],
            [d.weight for d in docs],
        )
        return cls(resources, taxonomy, settings, dictionary, cues, index, model, contacts_override_path)

    # -- understanding -------------------------------------------------------------------------
    def understand(self, text: str):
        analysis = analyze(text, self.dictionary, scanner=self.scanner)
        hits = analysis.cue_hits
        model_probs = self.model.predict(_char_text(analysis), _term_text(analysis))
        needs = combine(
            model_probs, CueLexicon.scores(hits), self.taxonomy.codes, self.settings.model_scale, self.settings.cue_weight
        )
        return analysis, hits, model_probs, needs

    # -- matching ------------------------------------------------------------------------------
    def match(self, concern: Concern, top: int = 10) -> MatchResult:
        s = self.settings
        analysis, hits, model_probs, needs = self.understand(concern.text)
        assessment = assess(concern.text, analysis.tokens)
        needs = _with_safety_needs(needs, assessment)
        needs = _with_language_need(needs, concern, analysis.norm)
        situation = read_situation(analysis.norm, self.areas)
        age = concern.child_age_months if concern.child_age_months is not None else situation.child_age_months
        pregnant = concern.pregnant if concern.pregnant is not None else (situation.pregnant or None)
        area = concern.area or situation.area
        need_of = {n.code: n.probability for n in needs}

        lexical = self.index.score(analysis.terms)
        lex_max = float(lexical.max()) if lexical.size and lexical.max() > 0 else 1.0
        need_vec = np.array([need_of.get(code, 0.0) for code in self._codes])
        # Vectorised pre-score over the whole catalog; conditions are checked on the best
        # CANDIDATES only, which keeps a 100k catalog within milliseconds.
        primary = need_vec[self._primary]
        secondary = self._secondary_need(need_vec)
        need_score = np.maximum(primary, secondary)
        pre = s.need_weight * need_score + s.lexical_weight * (lexical / lex_max)
        if concern.child_age_months is not None and len(pre):
            # A given age is the commonest hard condition: demote failures before the candidate
            # cut (an age read from the text is a soft condition, weighed after the cut).
            too_young = self._age_min > concern.child_age_months
            too_old = self._age_max < concern.child_age_months
            pre = pre - 1.0 * (too_young | too_old)
        k = min(len(pre), max(CANDIDATES, top * 5))
        candidates = np.argpartition(-pre, k - 1)[:k] if k < len(pre) else np.arange(len(pre))

        given = given_kinds(concern)
        scored = []
        for i in candidates.tolist():
            r = self.resources[i]
            category, need = self._best_category(r, need_of)
            score = float(pre[i])
            conditions = self._conditions(r, concern, situation, age, pregnant, area)
            failed = any(c.fit is Fit.FAILS and c.kind in given for c in conditions)
            score *= TEXT_CUE_FAILURE_FACTOR ** sum(c.fit is Fit.FAILS and c.kind not in given for c in conditions)
            unknown = sum(c.fit is Fit.UNKNOWN for c in conditions)
            score *= s.unknown_condition_factor**unknown
            scored.append((failed, score, i, category, need, conditions))

        # Fitting resources first; a failed condition is never ranked as if it fitted.
        scored.sort(key=lambda x: (x[0], -x[1]))
        chosen = self._diversify(scored, top)
        surface = self.index.surface_terms(analysis.terms)
        results = [self._explain(entry, surface, hits) for entry in chosen]

        contacts = contacts_for(assessment, self.emergency_resources, self.contacts_override_path)
        safety = safety_block(assessment, contacts)
        confidence = self._confidence(needs, model_probs, hits, results)
        hints = self._hints(needs, analysis, concern, situation, age)
        return MatchResult(
            results,
            safety,
            confidence,
            [(n.code, round(n.probability, 4)) for n in needs if n.probability >= s.min_need],
            hints,
            situation,
        )

    def _secondary_need(self, need_vec: np.ndarray) -> np.ndarray:
        out = np.zeros(len(self.resources))
        if len(self._sec_rows):
            np.maximum.at(out, self._sec_rows, need_vec[self._sec_cols] * self.settings.secondary_category_factor)
        return out

    def _best_category(self, r: Resource, need_of: dict[str, float]) -> tuple[str, float]:
        best, best_need = r.category, need_of.get(r.category, 0.0)
        for code in r.secondary_categories:
            value = need_of.get(code, 0.0) * self.settings.secondary_category_factor
            if value > best_need:
                best, best_need = code, value
        return best, best_need

    def _conditions(self, r, concern: Concern, situation: Situation, age, pregnant, area) -> list[Condition]:
        """The conditions shown for `r`.

        A failure on given input is a hard failure (ranked after every fitting resource). A
        failure on a cue read from the text is shown the same way but only lowers the score: the
        reading may be wrong, and a relevant resource flagged 「対象外」 helps more than an
        unrelated one."""
        checks = [
            age_fits(r, age),
            pregnancy_fits(r, pregnant),
            area_fits(r, area),
            time_fits(r, concern.needed_at),
            language_fits(r, concern.language),
        ]
        if concern.needed_at is None and (situation.night or situation.overnight or situation.weekend):
            # Time cues in the text count where the time is when care is needed (預ける); for a
            # consultation line 夜中 is more often when the parent writes.
            care = bool(set(r.categories) & _CARE_CODES) and not _always_open(r)
            checks.append(flag_fits(r, "night", situation.night and care))
            checks.append(flag_fits(r, "overnight", situation.overnight and care))
            checks.append(flag_fits(r, "holiday", situation.weekend and care))
        return [c for c in checks if c is not None]

    def _diversify(self, scored: list, top: int) -> list:
        """Greedy re-ranking: each further result of a category already shown decays, so a
        concern spanning needs covers them; failed resources stay after all fitting ones."""
        decay = self.settings.diversity_decay
        top_need = max((entry[4] for entry in scored), default=0.0)
        # Decay only matters when the concern spans several needs; a single-need concern keeps
        # its best resources together instead of padding with unrelated categories.
        needed = {entry[3] for entry in scored if entry[4] >= max(0.2, self.settings.diversity_min_share * top_need)}
        if len(needed) < 2:
            decay = 1.0
        # Input is sorted (fitting first, best first) and decay is at most geometric, so the
        # best few dozen hold every possible pick.
        remaining = scored[: max(60, top * 6)]
        chosen = []
        shown: dict[str, int] = {}
        while remaining and len(chosen) < top:
            # Once every needed category is shown, the rest follow in score order.
            d = decay if needed - shown.keys() else 1.0
            if d == 1.0:  # `remaining` is still in that order
                chosen.extend(remaining[: top - len(chosen)])
                break
            best_k, best_key = 0, None
            for k, (failed, score, _i, category, _need, _c) in enumerate(remaining):
                key = (failed, -score * d ** shown.get(category, 0))
                if best_key is None or key < best_key:
                    best_k, best_key = k, key
            entry = remaining.pop(best_k)
            failed, score, i, category, need, conditions = entry
            adjusted = score * d ** shown.get(category, 0)
            shown[category] = shown.get(category, 0) + 1
            chosen.append((failed, adjusted, i, category, need, conditions))
        return chosen

    def _explain(self, entry, surface_terms, hits) -> RankedResource:
        failed, score, i, category, need, conditions = entry
        r = self.resources[i]
        reasons = []
        if need >= self.settings.min_need:
            cat_name = self.taxonomy.get(category).short_name if category in self.taxonomy else category
            cue_words = [h.cue for h in hits if h.category == category][:3]
            if cue_words:
                reasons.append(f"ニーズ「{cat_name}」（{'・'.join(cue_words)}）")
            else:
                reasons.append(f"ニーズ「{cat_name}」（推定 {need:.0%}）")
        words = self.index.matched_terms(i, surface_terms)[:5]
        if words:
            reasons.append("一致した言葉: " + "・".join(words))
        if any(c.fit is Fit.FAILS for c in conditions):
            reasons.append("条件に合わない点があります")
        return RankedResource(r, category, score, reasons, conditions)

    def _confidence(self, needs: list[NeedScore], model_probs, hits, results: list[RankedResource]) -> float:
        """High when a clear need is understood AND the catalog has a fitting resource for it."""
        if not results:
            return 0.0
        served = [n for n in needs if self.by_category.get(n.code)]
        top_need = served[0].probability if served else 0.0
        p_none = model_probs.get(NONE, 0.0)
        top_result_need = max((self._need_of_result(r, needs) for r in results[:3]), default=0.0)
        fitting = any(r.fits for r in results[:3])
        raw = 0.5 * top_need + 0.5 * top_result_need
        raw *= 1.0 - 0.8 * p_none
        if not fitting:
            raw *= 0.6
        if hits:
            raw = 1 - (1 - raw) * 0.8
        return float(max(0.0, min(1.0, raw)))

    @staticmethod
    def _need_of_result(r: RankedResource, needs: list[NeedScore]) -> float:
        for n in needs:
            if n.code == r.category:
                return n.probability
        return 0.0

    def _hints(self, needs, analysis, concern: Concern, situation: Situation, age) -> list[str]:
        """Which detail would help, when the concern is vague."""
        hints = []
        top = [n for n in needs[:3] if n.probability >= self.settings.min_need]
        groups = {self.taxonomy.get(n.code).group for n in top if n.code in self.taxonomy}
        content_words = sum(1 for t in analysis.tokens if t.content and not t.sub)
        vague = content_words <= 3 or (len(top) >= 2 and top[0].probability - top[1].probability < 0.1)
        if age is None and not concern.pregnant and groups & AGE_SENSITIVE_GROUPS:
            hints.append("お子さんの年齢（月齢）を教えてください。対象年齢に合う所を選べます。")
        if CARE_GROUP in groups and concern.needed_at is None and not (situation.night or situation.weekend or situation.soon):
            hints.append("いつ（日時・曜日）、どのくらいの時間預けたいですか？")
        if CARE_GROUP in groups and vague:
            hints.append("預けたい理由（通院・仕事・休息・冠婚葬祭・お子さんの病気など）を教えてください。")
        if not top or (vague and not groups & {CARE_GROUP}):
            hints.append("困っていることをもう少し詳しく教えてください（誰の、どんなことか）。")
        return hints


# What a safety kind needs from the catalog, besides the pinned emergency contacts. An urgent
# danger needs the emergency services first; a worry voiced before anything has happened (the
# "concern" level: 「叩いてしまいそう」「消えたい気持ちになる」) is first the municipality's own
# support — こども家庭センター, respite care — with the emergency service after it.
SAFETY_NEEDS = {
    "medical": ("pediatric_emergency",),
    "violence": ("dv_support", "child_guidance_center"),
    "dv": ("dv_support",),
    "self_harm": ("mental_health_line",),
    "exhaustion": ("mental_health_line",),
    "abuse": ("child_guidance_center", "child_family_center"),
    "neglect": ("child_guidance_center", "child_family_center"),
    "child_alone": ("child_guidance_center",),
    "runaway": ("child_guidance_center", "youth_consultation"),
}
SAFETY_NEEDS_BEFORE_HARM = {
    **SAFETY_NEEDS,
    "exhaustion": ("mental_health_line", "temporary_care"),
    "abuse": ("child_family_center", "child_guidance_center"),
    "neglect": ("child_family_center", "child_guidance_center"),
}
SAFETY_NEED_STRENGTH = {"urgent": 0.9, "concern": 0.6}


def _with_safety_needs(needs: list[NeedScore], assessment) -> list[NeedScore]:
    """A detected danger is also a need: its emergency categories rise among the results."""
    if assessment.level == "none":
        return needs
    strength = SAFETY_NEED_STRENGTH.get(assessment.level, 0.6)
    table = SAFETY_NEEDS if assessment.level == "urgent" else SAFETY_NEEDS_BEFORE_HARM
    boost: dict[str, float] = {}
    for kind in assessment.kinds:
        for rank, code in enumerate(table.get(kind, ())):
            boost[code] = max(boost.get(code, 0.0), strength * (0.8**rank))
    if not boost:
        return needs
    out = [n._replace(probability=1 - (1 - n.probability) * (1 - boost.get(n.code, 0.0))) for n in needs]
    out.sort(key=lambda n: n.probability, reverse=True)
    return out


FOREIGN_LANGUAGE_NEED = 0.35


def writes_in_other_language(concern: Concern, norm_text: str) -> bool:
    """The family asked in, or wrote in, a language other than Japanese (no kana at all)."""
    if concern.language and concern.language.lower() not in ("ja", "jpn", "japanese"):
        return True
    letters = [ch for ch in norm_text if ch.isalpha()]
    return len(letters) >= 8 and not any("\u3040" <= ch <= "\u30ff" for ch in letters)


def _with_language_need(needs: list[NeedScore], concern: Concern, norm_text: str) -> list[NeedScore]:
    """Writing in another language is itself a need for multilingual support, next to the rest."""
    if not writes_in_other_language(concern, norm_text):
        return needs
    out = [
        n._replace(probability=1 - (1 - n.probability) * (1 - FOREIGN_LANGUAGE_NEED))
        if n.code == "foreign_resident_support" else n
        for n in needs
    ]
    out.sort(key=lambda n: n.probability, reverse=True)
    return out


_CARE_CODES = frozenset({"temporary_care", "short_stay", "family_support_center", "sick_child_care", "postpartum_care"})


def _always_open(r: Resource) -> bool:
    return (r.opening_hours or "").strip() == "24/7"
