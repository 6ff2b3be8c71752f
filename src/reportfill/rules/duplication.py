"""D1: how much of this year's prose is last year's, sentence by sentence.

The 2021 format forbids 年年雷同, and assessment schemes deduct points when more than half
of a report repeats last year's (宿迁's indicator: 与上年度重复率大于50%的扣分). The copy
they catch is last year's report with the numbers and years changed, perhaps a word or
two; a report written anew about the same work shares the vocabulary (政府信息公开, 予以
公开, 门户网站) but not the sentences. So:

- the text is cut into sentences (at 。！？； and line ends), punctuation and spaces
  dropped, and every number replaced by one mark: "公开信息412条" and "公开信息438条" are
  the same sentence;
- boilerplate is left out on both sides, since every report must say it: the 导语, the
  item titles (``new --from`` keeps them on purpose), sentences citing the 条例 or the
  format, the fee sentence, the statistics period, contact details, and fragments too
  short to be anyone's wording;
- a sentence is reused when at least :data:`REUSED` of its characters appear, in order
  and in runs of :data:`MIN_RUN` or more, in one of last year's sentences (any section:
  text moves between sections). Runs of three characters are phrases; two-character
  words are just the subject's vocabulary;
- a section's rate is the share of its characters in reused sentences.

Tuned on the realistic reports in ``tests/data``: last year's text with the numbers and
a few words changed scores 100 % (its reworded sentences keep 0.79–0.81 of their
characters); the same year written anew about the same work scores 0 %, no sentence of it
above 0.42.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from difflib import SequenceMatcher

from ..findings import Finding
from ..format.spec import Format
from ..report import Prose, Report
from .catalogue import finding

THRESHOLD = 0.5  # a report above this share of reused text gets the warning
REUSED = 0.7
MIN_RUN = 3
MIN_SENTENCE = 8  # characters, numbers counted as one: "无其他需要报告的事项" is 10, "三是加强培训" 6
_CANDIDATE = 0.25  # share of a sentence's character pairs another must share to be compared at all

_SENTENCE = re.compile(r"[。！？!?；;\n]+")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_NOT_WORDS = re.compile(r"[^\w#]+")
# Sentences every report says, whatever its year: the legal basis, the format, the period
# of the statistics, how to get in touch, the fee statement and "nothing else to report".
_BOILERPLATE = re.compile(
    r"条例|国办公开办函|年度报告格式|统计期限|1月1日起?至|其他需要报告的事项|联系电话|联系地址|联系方式|邮编|邮政编码|电子邮箱")


@dataclass(frozen=True)
class SectionReuse:
    """How much of one prose section (or, with ``key`` "", the whole report) repeats
    last year's report: counted in sentences and in characters."""

    key: str
    heading: str
    sentences: int
    reused_sentences: int
    characters: int
    reused_characters: int

    @property
    def rate(self) -> float | None:
        """The share of characters in reused sentences; None when nothing was compared."""
        return self.reused_characters / self.characters if self.characters else None

    def as_dict(self) -> dict:
        return {"section": self.key or None, "heading": self.heading, "rate": _rounded(self.rate),
                "sentences": self.sentences, "reused_sentences": self.reused_sentences,
                "characters": self.characters, "reused_characters": self.reused_characters}


@dataclass(frozen=True)
class Reuse:
    """The comparison of a report's prose with last year's: per section, and in all."""

    previous_year: int | None
    sections: tuple[SectionReuse, ...]
    whole: SectionReuse

    def most_reused(self) -> list[SectionReuse]:
        """The sections above the threshold, most reused first."""
        over = [s for s in self.sections if s.rate is not None and s.rate > THRESHOLD]
        return sorted(over, key=lambda s: -s.rate)

    def as_dict(self) -> dict:
        whole = {k: v for k, v in self.whole.as_dict().items() if k not in ("section", "heading")}
        return {"previous_year": self.previous_year, "threshold": THRESHOLD, **whole,
                "sections": [s.as_dict() for s in self.sections]}


def _rounded(rate: float | None) -> float | None:
    return None if rate is None else round(rate, 4)


def sentences(fmt: Format, paragraphs: Iterable[str]) -> list[str]:
    """The comparable sentences of ``paragraphs``: normalized, numbers masked, the
    boilerplate and the fragments left out."""
    words = tuple(fmt.fee_statement)
    out = []
    for paragraph in paragraphs:
        for sentence in _SENTENCE.split(unicodedata.normalize("NFKC", paragraph)):
            if _BOILERPLATE.search(sentence) or any(w in sentence for w in words):
                continue
            masked = _NUMBER.sub("#", _NOT_WORDS.sub("", sentence))
            if len(masked) >= MIN_SENTENCE:
                out.append(masked)
    return out


def _texts(prose: Prose | None) -> list[str]:
    if prose is None:
        return []
    return [*prose.paragraphs, *(p for item in prose.items for p in item.paragraphs)]


def _pairs(text: str) -> frozenset[str]:
    return frozenset(text[i: i + 2] for i in range(len(text) - 1))


class _LastYear:
    """Last year's sentences, each with its character pairs for a quick first sift."""

    def __init__(self, sentences: list[str]):
        self.sentences = [(s, _pairs(s)) for s in dict.fromkeys(sentences)]

    def reused(self, sentence: str) -> bool:
        pairs = _pairs(sentence)
        for other, other_pairs in self.sentences:
            if len(pairs & other_pairs) < _CANDIDATE * len(pairs):
                continue
            if sentence in other or containment(sentence, other) >= REUSED:
                return True
        return False


def containment(sentence: str, other: str) -> float:
    """The share of ``sentence``'s characters found in ``other`` in the same order, in
    runs of at least :data:`MIN_RUN` characters."""
    blocks = SequenceMatcher(None, sentence, other, autojunk=False).get_matching_blocks()
    return sum(b.size for b in blocks if b.size >= MIN_RUN) / len(sentence)


def measure(report: Report, previous: Report) -> Reuse:
    """Compare ``report``'s prose sections with ``previous``'s."""
    fmt = report.fmt
    keys = [s for s in fmt.sections if s.key not in fmt.table]
    last = _LastYear([s for section in keys for s in sentences(fmt, _texts(previous.prose.get(section.key)))])
    found = []
    for section in keys:
        mine = sentences(fmt, _texts(report.prose.get(section.key)))
        reused = [s for s in mine if last.reused(s)]
        found.append(SectionReuse(section.key, section.heading, len(mine), len(reused),
                                  sum(map(len, mine)), sum(map(len, reused))))
    whole = SectionReuse("", "全文", *(sum(getattr(s, f) for s in found) for f in
                                       ("sentences", "reused_sentences", "characters", "reused_characters")))
    return Reuse(previous.year, tuple(found), whole)


def percent(rate: float | None) -> str:
    return "—" if rate is None else f"{rate:.0%}"


def check_reuse(reuse: Reuse) -> list[Finding]:
    """D1: a warning when more than :data:`THRESHOLD` of the prose repeats last year's."""
    rate = reuse.whole.rate
    if rate is None or rate <= THRESHOLD:
        return []
    most = "、".join(f"“{s.heading}”{percent(s.rate)}" for s in reuse.most_reused())
    year = f" {reuse.previous_year} 年度的" if reuse.previous_year else "上一年度的"
    message = (f"正文 {percent(rate)} 的文字与{year}报告基本相同（{reuse.whole.sentences} 句中有 "
               f"{reuse.whole.reused_sentences} 句），超过 {THRESHOLD:.0%}"
               + (f"；重复最多的是{most}" if most else "")
               + "。年度报告应写本年度的工作，避免年年雷同：请按本年度的实际情况重新撰写")
    return [finding("D1", "", "正文", "", f"≤{THRESHOLD:.0%}", percent(rate), message)]
