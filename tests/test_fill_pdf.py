"""``reportfill fill --pdf``: PDFs next to the DOCX files, in one LibreOffice run."""

from __future__ import annotations

import shutil
import subprocess

from click.testing import CliRunner

from conftest import SEED
from reportfill import office
from reportfill.cli import main
from test_office import needs_office


@needs_office
def test_batch_fill_writes_a_pdf_next_to_each_docx(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    shutil.copy(SEED, inputs / "a.toml")
    (inputs / "b.toml").write_text(SEED.read_text(encoding="utf-8").replace("温县教育局", "温县卫生健康委员会"),
                                   encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["fill", str(inputs), "--out-dir", str(out), "--pdf"])
    assert result.exit_code == 0, result.output + result.stderr
    docs = sorted(p.stem for p in out.glob("*.docx"))
    assert docs == sorted(p.stem for p in out.glob("*.pdf")) and len(docs) == 2
    for pdf in out.glob("*.pdf"):
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        assert "政府信息公开工作年度报告" in text


def test_without_libreoffice_the_docx_is_written_and_the_exit_code_is_2(tmp_path, monkeypatch):
    monkeypatch.setattr(office, "find_soffice", lambda: None)
    out = tmp_path / "r.docx"
    result = CliRunner().invoke(main, ["fill", str(SEED), "-o", str(out), "--pdf"])
    assert result.exit_code == 2
    assert out.is_file() and not (tmp_path / "r.pdf").exists()
    assert "LibreOffice" in result.stderr and "apt install libreoffice-writer-nogui" in result.stderr
    assert "DOCX 已生成" in result.stderr
