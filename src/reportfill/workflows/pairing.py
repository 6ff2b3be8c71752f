"""Pairing this year's reports with last year's, agency by agency.

A supervising office checks a folder of this year's reports against last year's: each
report's 上年结转 must be its own agency's 结转下年度继续办理 of the year before (R6), its
现行有效件数 must follow on from last year's (R7), and its text must be written anew (D1).
Files get renamed and folders reorganised from year to year, and the same agency is
spelled differently, so partners are found by what the reports say -- the agency their
title names, compared by :func:`reportfill.agencies.agency_key`, and their year -- never
by file or folder names. A report is compared with exactly one partner or with none:
when no candidate or several fit, it says why and nothing is compared, so no finding
ever holds one agency's report against another's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from ..agencies import agency_key
from ..errors import Problem, ReportfillError
from ..findings import Result
from ..report import Report
from ..rules.catalogue import finding
from .check import add_findings, with_previous

_LISTED = 10  # agencies named in a message before "等"


@dataclass
class Pairing:
    """This year's reports, each compared with its partner where one was found.

    ``previous`` is every file of last year's folder as read (those that could not be
    read among them); ``unpaired`` says, per this year's source, why it has no partner;
    ``unused`` lists last year's reports no report of this year was paired with -- often
    an agency whose report has not come in yet."""

    results: list[Result]
    previous: list[Result]
    unpaired: dict[str, str]
    unused: list[Result]

    @property
    def paired(self) -> list[Result]:
        return [r for r in self.results if r.previous]

    @property
    def unreadable(self) -> list[Result]:
        return [r for r in self.previous if r.status == "bad"]

    @property
    def skipped(self) -> list[Result]:
        """What last year's folder holds that is no report (a subfolder, a spreadsheet)."""
        return [r for r in self.previous if r.status == "skipped"]


def last_years(previous_dir: Path) -> list[Path | Result]:
    """The entries of last year's folder that :func:`check_paired` reads (reports and
    TOML inputs, and what is skipped), for a caller to count them and pass them on.
    Raises :class:`ReportfillError` when ``previous_dir`` is not a folder."""
    from .batch import expand_reports

    folder = Path(previous_dir)
    if not folder.is_dir():
        raise ReportfillError(Problem(str(folder), "--previous-dir 应是上一年度报告所在的文件夹；"
                                                   "只有一份上年报告时请用 --previous 文件"))
    return expand_reports([folder], inputs=True)


def check_paired(paths: Iterable[str | Path | Result], previous: Path | list[Path | Result], *,
                 jobs: int | None = None, progress: Callable[[Result], None] | None = None) -> Pairing:
    """Check every report named by ``paths``, each against its own agency's report of
    the year before found in ``previous`` -- last year's folder, or what
    :func:`last_years` made of it. ``progress`` is called once per entry of either.
    Raises :class:`ReportfillError` when ``previous`` is not a folder."""
    from .batch import check_many, read_many

    entries = previous if isinstance(previous, list) else last_years(previous)
    last = read_many(entries, jobs=jobs, progress=progress)
    return pair(check_many(paths, jobs=jobs, progress=progress), last)


def pair(results: list[Result], previous: list[Result]) -> Pairing:
    """Compare each of ``results`` with its partner among ``previous``, in place."""
    candidates: dict[str, list[Result]] = {}
    for prior in previous:
        if prior.report is not None and prior.report.year is not None and agency_key(prior.report.agency):
            candidates.setdefault(agency_key(prior.report.agency), []).append(prior)
    unreadable = sum(prior.status == "bad" for prior in previous)
    used: set[int] = set()
    unpaired: dict[str, str] = {}
    for result in results:
        if result.report is None:
            continue
        partner, why = _partner(result.report, candidates)
        if partner is None:
            if unreadable:
                why += f"（上年文件夹中有 {unreadable} 个文件无法读取，本机关的报告可能在其中）"
            unpaired[result.source] = why
            add_findings(result, [finding("P1", "", "上年报告", "", None, None,
                                          f"没有进行跨年核对（R6、R7）和重复率计算：{why}")])
        else:
            with_previous(result, partner)
            used.add(id(partner))
    unused = [p for p in previous if p.report is not None and id(p) not in used]
    return Pairing(results, previous, unpaired, unused)


def _partner(report: Report, candidates: dict[str, list[Result]]) -> tuple[Result | None, str]:
    """The one report of last year that is this report's agency's of the year before, or
    None and why not."""
    agency, year = report.agency, report.year
    if not agency_key(agency):
        return None, "报告标题中找不到机关名称，无法确定哪一份是本机关上一年度的报告"
    if year is None:
        return None, "报告中找不到报告年度（标题和统计期限中都没有），无法确定上一年度"
    mine = candidates.get(agency_key(agency), [])
    fitting = [p for p in mine if p.report.year == year - 1]
    if len(fitting) == 1:
        return fitting[0], ""
    if fitting:
        files = "、".join(p.source for p in fitting)
        return None, (f"上年文件夹中有 {len(fitting)} 份“{agency}”{year - 1} 年度的报告（{files}），无法确定用哪一份："
                      "请只留下正式发布的那一份")
    if mine:
        years = "、".join(str(y) for y in sorted({p.report.year for p in mine}))
        return None, f"上年文件夹中“{agency}”的报告是 {years} 年度的，没有 {year - 1} 年度的"
    return None, (f"上年文件夹中没有“{agency}”的报告（机关名称去掉空格、统一全角半角和“人民政府/政府”后比较；"
                  "机关改名的，请单独用 --previous 核对）")


def refuse_other_agencies(results: list[Result], prior: Result) -> None:
    """One last-year report belongs to one agency: given with several reports, they must
    all be that agency's (drafts or versions of one report). Raises
    :class:`ReportfillError` naming each agency otherwise."""
    read = [r for r in results if r.report is not None]
    if len(read) < 2:
        return
    by_agency: dict[str, list[Result]] = {}
    for r in read:
        by_agency.setdefault(agency_key(r.report.agency), []).append(r)
    if len(by_agency) == 1 and "" not in by_agency:
        return
    named = [f"“{group[0].report.agency}”（{'、'.join(r.source for r in group)}）" if key
             else f"找不到机关名称的（{'、'.join(r.source for r in group)}）" for key, group in by_agency.items()]
    more = f"……共 {len(named)} 个机关" if len(named) > _LISTED else ""
    whose = f"（“{prior.report.agency}”的）" if prior.report.agency else ""
    raise ReportfillError(Problem(f"--previous {prior.source}", (
        f"只给了一份上一年度的报告{whose}，要核对的 {len(read)} 份报告却不能确认是同一机关的："
        f"{'；'.join(named[:_LISTED])}{more}。一个机关的上年报告不能用来核对其他机关的报告："
        "请用 --previous-dir 给出上一年度报告所在的文件夹，按机关逐一配对；或每次只核对一个机关的报告")))
