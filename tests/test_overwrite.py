"""Filling again never destroys work: fill → edit in Word → fix a number → fill again.

An output reportfill wrote and nobody touched is replaced; one edited since (a paragraph
added with python-docx, a re-save through LibreOffice) or not written by reportfill is
refused with exit 2 and left byte for byte as it was, unless ``--force``, which keeps it
as ``name.bak.docx``. Single fills and batches alike."""

from __future__ import annotations

import io
import shutil
import sys
import zipfile
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner
from lxml import etree

from conftest import REPO, SEED
from reportfill.cli import main
from reportfill.workflows.fill import fill
from reportfill.writers import fingerprint
from test_office import needs_office

sys.path.insert(0, str(REPO / "bench"))
from variants import write_variants  # noqa: E402

CHANGED = SEED.read_text(encoding="utf-8").replace("licenses            = 9", "licenses            = 11")


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def add_a_paragraph(path: Path) -> None:
    """What a user does in Word, done with python-docx."""
    document = docx.Document(str(path))
    document.add_paragraph("附件：本局政府信息公开指南")
    document.save(str(path))


def paragraphs(path: Path) -> list[str]:
    return [p.text for p in docx.Document(str(path)).paragraphs]


@pytest.fixture
def filled(tmp_path) -> Path:
    out = tmp_path / "out" / "报告.docx"
    assert run("fill", SEED, "-o", out).exit_code == 0
    return out


def test_a_fresh_output_is_recognised_as_unchanged(filled):
    assert fingerprint.state(filled) is fingerprint.State.UNCHANGED


def test_an_untouched_earlier_output_is_replaced(filled, write_input):
    result = run("fill", write_input(CHANGED), "-o", filled)
    assert result.exit_code == 0, result.output
    assert docx.Document(str(filled)).tables[0].cell(6, 1).text == "11"
    assert [p.name for p in filled.parent.iterdir()] == [filled.name]  # no backup needed


def test_an_output_edited_in_word_is_not_replaced(filled, write_input):
    add_a_paragraph(filled)
    edited = filled.read_bytes()
    assert fingerprint.state(filled) is fingerprint.State.EDITED
    result = run("fill", write_input(CHANGED), "-o", filled)
    assert result.exit_code == 2
    assert filled.read_bytes() == edited
    message = result.stderr.strip()
    assert len(message.splitlines()) == 1
    assert "改动过" in message and "--force" in message and "报告.bak.docx" in message
    assert [p.name for p in filled.parent.iterdir()] == [filled.name]


def test_force_replaces_an_edited_output_and_keeps_it_as_bak(filled, write_input):
    add_a_paragraph(filled)
    edited = filled.read_bytes()
    result = run("fill", write_input(CHANGED), "-o", filled, "--force")
    assert result.exit_code == 0, result.output
    backup = filled.with_name("报告.bak.docx")
    assert f"原文件已保留为：{backup}" in result.stdout
    assert backup.read_bytes() == edited
    assert "附件：本局政府信息公开指南" not in paragraphs(filled)
    assert fingerprint.state(filled) is fingerprint.State.UNCHANGED
    # Edited again and forced again: the first backup stays, the second gets the next name.
    add_a_paragraph(filled)
    assert run("fill", SEED, "-o", filled, "--force").exit_code == 0
    assert backup.read_bytes() == edited
    assert "附件：本局政府信息公开指南" in paragraphs(filled.with_name("报告.bak-2.docx"))


@pytest.mark.parametrize("content", [b"notes, not a report", None])
def test_a_file_reportfill_did_not_write_is_not_replaced(content, tmp_path):
    target = tmp_path / "报告.docx"
    if content is None:
        docx.Document().save(str(target))  # a DOCX, but someone else's
    else:
        target.write_bytes(content)
    before = target.read_bytes()
    result = run("fill", SEED, "-o", target)
    assert result.exit_code == 2
    assert "不是 reportfill 生成的" in result.stderr and "--force" in result.stderr
    assert target.read_bytes() == before


@needs_office
def test_an_output_resaved_by_libreoffice_is_not_replaced(filled, tmp_path):
    from reportfill import office

    (resaved,) = office.convert([filled], "docx", tmp_path / "resaved")
    # LibreOffice keeps the custom property, but every part it wrote is its own.
    with zipfile.ZipFile(resaved) as archive:
        assert fingerprint.PROPERTY.encode() in archive.read("docProps/custom.xml")
    shutil.copyfile(resaved, filled)
    before = filled.read_bytes()
    result = run("fill", SEED, "-o", filled)
    assert result.exit_code == 2
    assert "改动过" in result.stderr
    assert filled.read_bytes() == before


def test_a_batch_replaces_untouched_outputs_and_refuses_edited_ones(tmp_path):
    inputs = write_variants(tmp_path / "in", 3)
    out = tmp_path / "out"
    assert run("fill", tmp_path / "in", "--out-dir", out).exit_code == 0
    outputs = sorted(out.glob("*.docx"))
    add_a_paragraph(outputs[1])
    edited = outputs[1].read_bytes()
    result = run("fill", tmp_path / "in", "--out-dir", out)
    assert result.exit_code == 2, result.output
    assert result.stdout.splitlines()[-1] == "共 3 个：成功 2 个，失败 1 个。"
    assert "改动过" in result.stdout and "--force" in result.stdout
    assert outputs[1].read_bytes() == edited
    forced = run("fill", tmp_path / "in", "--out-dir", out, "--force")
    assert forced.exit_code == 0, forced.output
    backup = outputs[1].with_name(outputs[1].stem + ".bak.docx")
    assert backup.read_bytes() == edited and f"原文件已保留为：{backup}" in forced.stdout
    # What the batch wrote is what single fills write.
    for source in inputs:
        alone = fill(source, out_dir=tmp_path / "alone").output
        assert (out / alone.name).read_bytes() == alone.read_bytes()


def test_the_fingerprint_ignores_member_order_and_sees_every_byte():
    members = [("word/document.xml", b"<a/>"), ("[Content_Types].xml", b"<b/>")]
    assert fingerprint.digest(members) == fingerprint.digest(reversed(members))
    assert fingerprint.digest(members) != fingerprint.digest([("word/document.xml", b"<a />"), members[1]])


def test_a_templates_own_custom_properties_are_kept(tmp_path):
    """A template restyled in Word may carry the office's own custom properties."""
    from reportfill.format.formats import FORMAT_2021
    from reportfill.readers.toml_input import load_input
    from reportfill.writers.render import default_template, render

    own = fingerprint.stamped(None, "x").replace(
        f'name="{fingerprint.PROPERTY}"><vt:lpwstr>x'.encode(), 'name="审核人"><vt:lpwstr>办公室'.encode())
    template = tmp_path / "mine.docx"
    document = docx.Document(str(default_template(FORMAT_2021)))
    fingerprint.custom_part(document)._blob = own
    document.save(str(template))
    data = render(load_input(SEED), template)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        props = etree.fromstring(archive.read("docProps/custom.xml"))
    names = {p.get("name"): "".join(p.itertext()) for p in props}
    assert names["审核人"] == "办公室" and names[fingerprint.PROPERTY].startswith("sha256:")
    (tmp_path / "r.docx").write_bytes(data)
    assert fingerprint.state(tmp_path / "r.docx") is fingerprint.State.UNCHANGED
