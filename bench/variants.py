"""Many valid inputs from the seed: other agencies, random numbers that reconcile.

Used by ``bench/bench.py`` and by the batch tests. Each variant keeps the seed's prose and
layout (comments included) and replaces the agency name, the year and every number; the
table 三 rows are drawn so that 一 + 二 = （七）总计 + 四 holds in every column, and the
one sentence of prose that states a figure states the new one. The variants of one agency
for successive years carry over as real reports do (R6, R7).
"""

from __future__ import annotations

import random
import re
from pathlib import Path

from reportfill.format.formats import APPEAL_GROUPS, FORMAT_2021, outcome_rows

SEED = Path(__file__).resolve().parents[1] / "inputs" / "wenxian-education-2021.toml"

COUNTIES = ["温县", "孟州市", "沁阳市", "博爱县", "武陟县", "修武县", "山阳区", "解放区", "中站区", "马村区"]
DEPARTMENTS = [
    "教育局", "财政局", "民政局", "公安局", "司法局", "人力资源和社会保障局", "自然资源局", "生态环境局",
    "住房和城乡建设局", "交通运输局", "水利局", "农业农村局", "商务局", "文化广电和旅游局", "卫生健康委员会",
    "退役军人事务局", "应急管理局", "审计局", "市场监督管理局", "统计局", "医疗保障局", "城市管理局",
    "林业局", "乡村振兴局", "信访局", "行政审批服务局", "发展和改革委员会", "工业和信息化局", "科学技术局", "体育局",
]
# The leaf keys as the seed's TOML lines name them (state_secret under [applications.withheld]).
OUTCOME_ROWS = [key.rpartition(".")[2] for key in outcome_rows(FORMAT_2021.table["applications"])]
APPEAL_ROWS = APPEAL_GROUPS


def agency(index: int) -> str:
    """A distinct agency name for every index."""
    combos = len(COUNTIES) * len(DEPARTMENTS)
    base = COUNTIES[index % len(COUNTIES)] + DEPARTMENTS[(index // len(COUNTIES)) % len(DEPARTMENTS)]
    return base if index < combos else f"{base}{index // combos + 1}"


def variant(index: int, seed_text: str | None = None, rng: random.Random | None = None, year: int = 2021) -> str:
    """The seed input rewritten for agency ``index`` and ``year`` with random reconciling
    numbers. A year after 2021 carries on from the same agency's year before: its 上年结转
    is that year's 结转下年度 (R6) and its 现行有效件数 follow on (R7)."""
    text = seed_text if seed_text is not None else SEED.read_text(encoding="utf-8")
    replacements, received = _numbers(index, year, rng)
    text = text.replace(str(FIRST_YEAR), str(year))
    for key, value in replacements.items():
        pattern = re.compile(rf"^({re.escape(key)}\s*=\s*)(?:\[[^\]]*\]|[\d.]+)", re.M)
        text, n = pattern.subn(lambda m: m.group(1) + _written(value), text, count=1)
        if n != 1:
            raise ValueError(f"the seed has no line for {key}")
    # The seed's prose says no application was received; say what the numbers say.
    text = text.replace("本年度没有收到依申请公开件。", f"本年度收到依申请公开件{received}件。")
    return re.sub(r'^agency = "[^"]*"', f'agency = "{agency(index)}"', text, count=1, flags=re.M)


FIRST_YEAR = 2021  # the seed's year


def _written(value) -> str:
    return f"[{', '.join(map(str, value))}]" if isinstance(value, list) else str(value)


def _numbers(index: int, year: int, rng: random.Random | None = None) -> tuple[dict, int]:
    """The numbers of agency ``index``'s input for ``year``, by TOML key, and its 新收 total."""
    if year == FIRST_YEAR:
        rng = rng or random.Random(index)
        before = None
    else:
        rng = rng or random.Random(f"{index}-{year}")
        before, _ = _numbers(index, year - 1)
    sparse = lambda high: rng.randint(0, high) if rng.random() < 0.3 else 0  # noqa: E731

    rows = {key: [sparse(5) for _ in range(6)] for key in OUTCOME_ROWS}
    rows["disclosed"] = [rng.randint(0, 40) for _ in range(6)]
    total = [sum(rows[key][c] for key in OUTCOME_ROWS) for c in range(6)]
    rows["to_next_year"] = [sparse(3) for _ in range(6)]
    if before is None:
        rows["from_last_year"] = [rng.randint(0, min(3, total[c] + rows["to_next_year"][c])) for c in range(6)]
    else:
        rows["from_last_year"] = list(before["to_next_year"])
        for c in range(6):  # enough handled this year to take what was carried over
            rows["disclosed"][c] += max(0, rows["from_last_year"][c] - total[c] - rows["to_next_year"][c])
        total = [sum(rows[key][c] for key in OUTCOME_ROWS) for c in range(6)]
    rows["received"] = [total[c] + rows["to_next_year"][c] - rows["from_last_year"][c] for c in range(6)]

    def documents(issued: int, repealed: int, in_force: int, key: str) -> list[int]:
        if before is None:
            return [issued, repealed, in_force]
        last = before[key][2]
        repealed = min(repealed, last + issued)
        return [issued, repealed, last + issued - repealed]

    numbers = {
        "regulations": documents(rng.randint(0, 3), rng.randint(0, 2), rng.randint(0, 20), "regulations"),
        "normative_documents": documents(rng.randint(0, 9), rng.randint(0, 5), rng.randint(0, 60),
                                         "normative_documents"),
        "licenses": rng.randint(0, 5000),
        "penalties": sparse(300),
        "coercive_measures": sparse(40),
        "fees": f"{rng.randint(0, 9_999_999) / 10_000:.4f}",
        **rows,
        **{key: [sparse(3) for _ in range(4)] for key in APPEAL_ROWS},
    }
    return numbers, sum(rows["received"])


def write_variants(folder: Path, count: int, start: int = 0, year: int = FIRST_YEAR) -> list[Path]:
    """Write ``count`` variants for ``year`` as ``folder/input-NNNN.toml``; returns their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    seed_text = SEED.read_text(encoding="utf-8")
    paths = []
    for i in range(start, start + count):
        path = folder / f"input-{i:04d}.toml"
        path.write_text(variant(i, seed_text, year=year), encoding="utf-8")
        paths.append(path)
    return paths
