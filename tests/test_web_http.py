"""``reportfill serve`` at the HTTP level, through a real uvicorn on a loopback port: what
it refuses (paths out of the folder, oversize uploads, requests without the page's
token, hostile files, other hosts), that its form and ``fill`` judge an input alike,
that saving keeps the file's comments and never overwrites a changed file silently, and
that the command starts, serves and stops on Ctrl-C."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import tomllib
from decimal import Decimal
from pathlib import Path
from urllib.parse import quote

import docx
import pytest

from docx_fixtures import build_report, reconciling_values
from reportfill.errors import ReportfillError
from reportfill.office import find_soffice, substitution_note
from reportfill.format.formats import FIELDS, FORMAT_2021, fillable_problem
from reportfill.readers import REPORT_SUFFIXES
from prose_samples import LONG_OVERVIEW_ITEMS, LONG_OVERVIEW_TEXT
from reportfill.readers.toml_input import load_input
from reportfill.web.form import read_pasted
from reportfill.web.guard import UPLOAD_LIMIT
from reportfill.workflows.fill import fill
from test_check_bad_files import SECRET, replace_part
from test_overwrite import add_a_paragraph
from web_client import Client, serving

REPO = Path(__file__).resolve().parents[1]
SEED = REPO / "inputs" / "wenxian-education-2021.toml"
NAME = SEED.name
SAVE = f"/api/inputs/{NAME}/save"
EVALUATE = f"/api/inputs/{NAME}/evaluate"


@pytest.fixture
def folder(tmp_path) -> Path:
    root = tmp_path / "office"
    (root / "inputs").mkdir(parents=True)
    (root / "outputs").mkdir()
    shutil.copy(SEED, root / "inputs" / NAME)
    return root


@pytest.fixture
def client(folder):
    with serving(folder) as url:
        yield Client(url)


def chinese_refusal(reply, status: int) -> str:
    assert reply.status == status, reply.text[:500]
    text = reply.text
    assert "Traceback" not in text and "File \"" not in text
    return text


# ---------------------------------------------------------------- paths


@pytest.mark.parametrize("path", [
    "/edit/..%2F..%2Fsecret.toml", "/edit/%2E%2E", "/edit/..%5Csecret.toml", "/edit/.hidden.toml",
    "/outputs/..%2Finputs%2Fwenxian-education-2021.toml", "/outputs/..%2F..%2Fsecret.toml",
    "/outputs/%2Fetc%2Fpasswd", "/static/..%2Fapp.py", "/static/../../secret.toml",
])
def test_no_path_leaves_the_folder(client, folder, path):
    (folder.parent / "secret.toml").write_text(f'agency = "{SECRET}"', encoding="utf-8")
    (folder / "inputs" / ".hidden.toml").write_text(f'agency = "{SECRET}"', encoding="utf-8")
    reply = client.get(path)
    assert reply.status in (400, 404), (path, reply.status)
    assert SECRET not in reply.text and "def create_app" not in reply.text


def test_a_link_out_of_the_folder_is_not_served(client, folder):
    outside = folder.parent / "outside.docx"
    outside.write_bytes(SECRET.encode())
    (folder / "outputs" / "link.docx").symlink_to(outside)
    (folder / "inputs" / "link.toml").symlink_to(outside)
    assert SECRET not in client.get("/outputs/link.docx").text
    assert "inputs/ 中没有这个输入文件" in chinese_refusal(client.get("/edit/link.toml"), 404)
    assert "link.docx" not in client.get("/").text and "link.toml" not in client.get("/").text


def test_a_forged_source_or_previous_is_refused(client, folder):
    token = client.token()
    (folder.parent / "last.toml").write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    reply = client.post_form("/new", {"csrf": token, "agency": "温县教育局", "year": "2022", "source": "../last.toml"})
    assert "文件夹中没有这个文件" in chinese_refusal(reply, 422)
    assert sorted(p.name for p in (folder / "inputs").iterdir()) == [NAME]
    state, version = client.editor_state(NAME)
    reply = client.post_json(EVALUATE, {"state": {**state, "previous": "../last.toml"}}, token)
    assert "文件夹中没有这个文件" in chinese_refusal(reply, 404)


# ---------------------------------------------------------------- requests


def test_an_oversize_upload_is_refused_by_its_length_and_as_it_streams(client):
    token = client.token()
    reply = client.request("POST", "/check", b"x" * 10, {
        "Content-Type": "multipart/form-data; boundary=b", "Content-Length": str(UPLOAD_LIMIT + 1)})
    assert "过大" in chinese_refusal(reply, 413)

    def chunks():
        yield b"--b\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n" + token.encode() + b"\r\n"
        yield b"--b\r\nContent-Disposition: form-data; name=\"reports\"; filename=\"big.docx\"\r\n\r\n"
        for _ in range(UPLOAD_LIMIT // 2**20 + 2):
            yield b"\0" * 2**20

    connection = __import__("http.client").client.HTTPConnection(client.host, int(client.port), timeout=60)
    try:
        connection.request("POST", "/check", body=chunks(), encode_chunked=True,
                           headers={"Content-Type": "multipart/form-data; boundary=b"})
        response = connection.getresponse()
        assert response.status == 413
        assert "过大" in response.read().decode()
    finally:
        connection.close()
    assert client.get("/").status == 200  # and the server goes on


def test_state_changing_requests_need_the_pages_token(client, folder):
    before = (folder / "inputs" / NAME).read_bytes()
    state, version = client.editor_state(NAME)
    state["agency"] = "别的机关"
    for token in (None, "forged"):
        reply = client.post_json(SAVE, {"state": state, "version": version}, token)
        assert "刷新页面" in chinese_refusal(reply, 403)
        reply = client.post_form("/new", {"agency": "温县教育局", "year": "2022", **({"csrf": token} if token else {})})
        assert "刷新页面" in chinese_refusal(reply, 403)
    reply = client.post_json(SAVE, {"state": state, "version": version}, client.token(), Origin="http://evil.example")
    assert "其他网站" in chinese_refusal(reply, 403)
    assert (folder / "inputs" / NAME).read_bytes() == before
    assert sorted(p.name for p in (folder / "inputs").iterdir()) == [NAME]


def test_another_host_name_is_refused(client):
    """A page elsewhere cannot reach the server through a name resolving to 127.0.0.1."""
    reply = client.get("/", Host="evil.example")
    assert "127.0.0.1" in chinese_refusal(reply, 400)
    assert 'name="csrf-token"' not in reply.text


def test_malformed_requests_get_a_chinese_message(client):
    token = client.token()
    reply = client.request("POST", EVALUATE, b"{not json", {"Content-Type": "application/json", "X-CSRF-Token": token})
    assert "无法识别" in chinese_refusal(reply, 400)
    reply = client.post_json(EVALUATE, {"state": {"cells": {"applications|received|natural_person": ["x"]}}}, token)
    assert "刷新页面" in chinese_refusal(reply, 422)
    assert "没有这个页面" in chinese_refusal(client.get("/nowhere"), 404)
    assert reply.headers["content-type"].startswith("application/json")
    assert "default-src 'self'" in client.get("/").headers["content-security-policy"]


# ---------------------------------------------------------------- hostile files


@pytest.fixture(scope="module")
def report() -> bytes:
    return build_report(FORMAT_2021, reconciling_values(FORMAT_2021), 2021)


def test_hostile_docx_uploads_are_refused_cleanly(client, report, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET)
    xml = __import__("zipfile").ZipFile(__import__("io").BytesIO(report)).read("word/document.xml").decode()
    head, rest = xml.split("?>", 1)
    entity = head + f'?><!DOCTYPE w:document [<!ENTITY x SYSTEM "file://{secret}">]>' + rest.replace(
        "<w:t>一、总体情况</w:t>", "<w:t>一、总体情况&x;</w:t>")
    files = [
        ("reports", "bomb.docx", replace_part(report, "word/document.xml", b" " * (40 * 2**20))),
        ("reports", "entity.docx", replace_part(report, "word/document.xml", entity.encode())),
        ("reports", "not-a-report.docx", b"PK\x03\x04 not really a zip"),
        ("reports", "good.docx", report),
    ]
    reply = client.post_form("/check", {"csrf": client.token()}, files)
    page = chinese_refusal(reply, 200)
    assert SECRET not in page
    assert page.count("无法读取：") == 3
    assert "超过" in page and "DTD" in page
    assert "结论：通过" in page  # the good one is still checked
    # last year's report for 新建 is read with the same limits
    reply = client.post_form("/new", {"csrf": client.token(), "agency": "某某局", "year": "2022"},
                             [("upload", "bomb.docx", files[0][2])])
    assert "上一年度的报告无法读取" in chinese_refusal(reply, 422)


# ---------------------------------------------------------------- the form and fill agree


def _typed(state: dict, **cells) -> dict:
    return {**state, "cells": {**state["cells"], **{k.replace("__", "|"): v for k, v in cells.items()}}}


FEE_STATED = {"other": {"text": "本年度未收取信息处理费。", "items": []}}
LONG_OVERVIEW = {"overview": {"text": LONG_OVERVIEW_TEXT, "items": [
    {"title": title, "text": text, "origin": None} for title, text in LONG_OVERVIEW_ITEMS]}}
SAYS_99_APPLICATIONS = {"overview": {"text": "本年共收到政府信息公开申请99件。", "items": []}}


@pytest.mark.parametrize("cells, prose, rules, warnings", [
    ({}, {}, [], ["R10"]),  # the seed does not state the 信息处理费 in 六
    ({}, FEE_STATED, [], []),
    ({"applications__received__natural_person": "3"}, {}, ["R1"], None),
    ({"applications__received__natural_person": "3", "applications__disclosed__natural_person": "3"}, FEE_STATED,
     [], ["R8"]),  # an item of 一、总体情况 says "本年度没有收到依申请公开件"
    ({"applications__received__natural_person": "-1", "applications__from_last_year__natural_person": "1"}, {},
     ["R5"], None),
    ({"applications__received__research": "2件"}, {}, ["R5"], None),
    ({"appeals__reconsideration__upheld": ""}, {}, ["R5"], None),
    ({"proactive__licenses__decisions": "1.5"}, {}, ["R5"], None),
    ({"proactive__fees__amount": "281632"}, FEE_STATED, [], ["R11"]),  # 元 typed where 万元 is due
    ({"proactive__fees__amount": "281632"}, {}, [], ["R10", "R11"]),
    ({}, {**FEE_STATED, **LONG_OVERVIEW}, [], ["R12"]),
    ({}, {**FEE_STATED, **SAYS_99_APPLICATIONS}, [], ["R8"]),  # the seed's tables say 0
])
def test_the_form_and_fill_judge_an_input_alike(client, folder, tmp_path, cells, prose, rules, warnings):
    token = client.token()
    state, version = client.editor_state(NAME)
    state = _typed(state, **cells)
    state["prose"] = {**state["prose"], **prose}
    shown = client.post_json(EVALUATE, {"state": state}, token).json()
    assert sorted({f["rule"] for f in shown["findings"] if f["severity"] == "error"}) == rules
    if warnings is not None:
        assert sorted(f["rule"] for f in shown["findings"] if f["severity"] == "warning") == warnings
    for finding in shown["findings"]:
        if finding["rule"] in ("R1", "R5", "R11"):
            assert finding["cell"] is not None
    if "R5" in rules and any(not v.strip() or "件" in v for v in cells.values()):
        assert client.post_json(SAVE, {"state": state, "version": version}, token).status == 422
        return  # a cell without a number is not saved: the file would not be an input
    saved = client.post_json(SAVE, {"state": state, "version": version}, token)
    assert saved.status == 200, saved.text
    try:
        filled = fill(folder / "inputs" / NAME, out_dir=tmp_path)
    except ReportfillError:
        assert not shown["ok"]
        return
    assert shown["ok"]
    assert {(f["rule"], f["severity"]) for f in shown["findings"]} == {(f.rule, f.severity) for f in filled.findings}
    assert len(filled.findings) == len(shown["findings"])  # each said once, not again as the reopened document says it


def test_totals_are_computed_and_the_r1_finding_is_at_its_cell(client):
    state, _ = client.editor_state(NAME)
    state = _typed(state, applications__received__natural_person="4", applications__received__commercial="2")
    shown = client.post_json(EVALUATE, {"state": state}, client.token()).json()
    assert shown["totals"]["applications|received|total"] == "6"
    r1 = [f for f in shown["findings"] if f["rule"] == "R1"]
    assert {f["cell"] for f in r1} == {"applications|received|natural_person", "applications|received|commercial",
                                       "applications|received|total"}
    assert "一、本年新收政府信息公开申请数量 4" in r1[0]["message"]


def test_the_editor_words_its_fields_as_the_format_does(client):
    page = client.get(f"/edit/{quote(NAME, safe='')}").text
    for label in FIELDS.values():
        assert f"{label} <input" in page or f"{label}（可不填" in page
    assert f"年{FORMAT_2021.title_suffix}”" in page and f"“{FORMAT_2021.sections[0].heading}”之前" in page


def test_an_input_the_editor_cannot_open_is_explained_in_chinese(client, folder):
    seed = SEED.read_text(encoding="utf-8")
    (folder / "inputs" / "broken.toml").write_text(seed.replace('agency = "温县教育局"', 'agency = "温县教育局'),
                                                   encoding="utf-8")
    page = chinese_refusal(client.get("/edit/broken.toml"), 422)
    assert "inputs/broken.toml，第3行" in page and "缺少结尾的英文双引号" in page and "网页编辑器无法打开" in page
    assert "Expected" not in page and "Unterminated" not in page
    (folder / "inputs" / "gbk.toml").write_bytes(seed.encode("gbk"))
    assert "不是 UTF-8 编码" in chinese_refusal(client.get("/edit/gbk.toml"), 422)
    (folder / "inputs" / "old.toml").write_text(seed.replace("year = 2021", "year = 2019"), encoding="utf-8")
    refused = chinese_refusal(client.get("/edit/old.toml"), 422)
    assert f"inputs/old.toml：{fillable_problem(2019)}。网页编辑器无法打开这个文件" in refused
    listing = client.get("/").text  # the start page lists them, each with its problems and where they are
    assert all(name in listing for name in ("broken.toml", "gbk.toml", "old.toml"))
    assert "第3行，机关名称（agency）：这一行的文字缺少结尾的英文双引号" in listing


def test_every_kind_of_report_the_readers_read_is_offered(client, folder):
    for suffix in (".wps", ".rtf", ".odt"):
        (folder / f"上年报告{suffix}").write_bytes(b"a report")
    (folder / "outputs" / "报告.odt").write_bytes(b"a report")
    start = client.get("/").text
    assert all(f'<option value="上年报告{suffix}"' in start for suffix in (".wps", ".rtf", ".odt"))
    assert '<option value="outputs/报告.odt"' in start and "/outputs/%E6%8A%A5%E5%91%8A.odt" in start
    for page in (start, client.get("/check").text):
        accepted = re.search(r'type="file" name="(?:upload|reports)"[^>]*accept="([^"]+)"', page).group(1)
        assert set(REPORT_SUFFIXES) <= set(accepted.split(","))


def test_what_the_reader_refuses_is_listed(client):
    state, _ = client.editor_state(NAME)
    state["agency"] = ""
    state["prose"]["other"]["text"] = ""
    shown = client.post_json(EVALUATE, {"state": state}, client.token()).json()
    assert not shown["ok"]
    assert any("agency" in p for p in shown["problems"]) and any("other" in p for p in shown["problems"])
    assert not any(p.startswith(f"inputs/{NAME}") for p in shown["problems"])


# ---------------------------------------------------------------- saving


def test_an_unchanged_save_leaves_the_file_byte_for_byte(client, folder):
    state, version = client.editor_state(NAME)
    assert client.post_json(SAVE, {"state": state, "version": version}, client.token()).status == 200
    assert (folder / "inputs" / NAME).read_bytes() == SEED.read_bytes()


def test_saving_keeps_comments_and_writes_what_was_typed(client, folder):
    state, version = client.editor_state(NAME)
    state = _typed(state, applications__received__natural_person="5", applications__disclosed__natural_person="5",
                   proactive__fees__amount="12.50")
    items = state["prose"]["overview"]["items"]
    state["prose"]["overview"]["items"] = [items[2], items[0], {"title": "新增小节", "text": "第一段\n\n第二段", "origin": None}]
    state["title"] = "温县教育局2021年度政府信息公开工作报告"
    assert client.post_json(SAVE, {"state": state, "version": version}, client.token()).status == 200
    text = (folder / "inputs" / NAME).read_text(encoding="utf-8")
    data = tomllib.loads(text, parse_float=Decimal)
    assert data["applications"]["received"] == [5, 0, 0, 0, 0, 0]
    assert str(data["proactive"]["fees"]) == "12.50"
    assert [i["title"] for i in data["overview"]["items"]] == ["加强平台管理", "及时主动公开", "新增小节"]
    assert data["overview"]["items"][2]["text"] == "第一段\n第二段\n"
    assert data["title"] == state["title"]
    for comment in ("# 机关名称", "# 一、本年新收政府信息公开申请数量", "# 二、主动公开政府信息情况",
                    "# 1.属于国家秘密", "# 四、政府信息公开行政复议、行政诉讼情况"):
        assert comment in text
    assert text.index("# 二、主动公开政府信息情况") > text.index("新增小节")  # the next heading stays after the items
    load_input(folder / "inputs" / NAME)


def test_a_file_changed_on_disk_is_not_overwritten_without_asking(client, folder):
    state, version = client.editor_state(NAME)
    path = folder / "inputs" / NAME
    path.write_text(path.read_text(encoding="utf-8") + "# 另一个人加的注释\n", encoding="utf-8")
    changed = path.read_bytes()
    state["agency"] = "温县教育局（改）"
    reply = client.post_json(SAVE, {"state": state, "version": version}, client.token())
    assert reply.status == 409 and reply.json()["conflict"] is True
    assert "已被修改" in reply.json()["messages"][0]
    assert path.read_bytes() == changed
    reply = client.post_json(SAVE, {"state": state, "version": version, "overwrite": True}, client.token())
    assert reply.status == 200
    text = path.read_text(encoding="utf-8")
    assert 'agency = "温县教育局（改）"' in text and "# 另一个人加的注释" in text


def test_generate_refuses_an_input_that_does_not_reconcile(client, folder):
    state, version = client.editor_state(NAME)
    state = _typed(state, applications__received__natural_person="3")
    reply = client.post_json(f"/api/inputs/{NAME}/generate", {"state": state, "version": version}, client.token())
    assert reply.status == 422
    assert "R1" in {f["rule"] for f in reply.json()["findings"]}
    assert not list((folder / "outputs").iterdir())


def test_generating_over_a_report_edited_in_word_asks_and_keeps_the_old_one(client, folder):
    generate = f"/api/inputs/{NAME}/generate"
    state, version = client.editor_state(NAME)
    first = client.post_json(generate, {"state": state, "version": version}, client.token())
    assert first.status == 200, first.text
    [output] = (folder / "outputs").glob("*.docx")
    if find_soffice() is not None:  # the PDF too, with the line fill --pdf gives about stand-in fonts
        assert [d["name"] for d in first.json()["downloads"]] == [output.name, output.with_suffix(".pdf").name]
        note = substitution_note([output])
        assert note is None or note in first.json()["messages"]
    add_a_paragraph(output)
    edited = output.read_bytes()

    refused = client.post_json(generate, {"state": state, "version": first.json()["version"]}, client.token())
    assert refused.status == 409
    answer = refused.json()
    [message] = answer["messages"]
    assert f"outputs/{output.name}：" in message and "改动过" in message and "没有覆盖" in message
    assert "--force" not in message and "-o" not in message and "--out-dir" not in message
    backup = output.with_name(output.stem + ".bak.docx")
    assert answer["replace"] == {"backup": backup.name} and backup.name in message
    assert output.read_bytes() == edited and not backup.exists()

    replaced = client.post_json(generate, {"state": state, "version": answer["version"], "replace": True},
                                client.token())
    assert replaced.status == 200, replaced.text
    assert f"原文件已保留为：outputs/{backup.name}" in replaced.json()["messages"]
    assert backup.read_bytes() == edited
    assert "附件：本局政府信息公开指南" not in [p.text for p in docx.Document(str(output)).paragraphs]


def test_new_inputs_from_zero_and_from_an_uploaded_report(client, folder):
    token = client.token()
    reply = client.post_form("/new", {"csrf": token, "agency": "温县教育局", "year": "2022"},
                             [("upload", "上年报告.toml", SEED.read_bytes())])
    assert reply.status == 303, reply.text
    made = folder / "inputs" / "温县教育局-2022.toml"
    assert reply.headers["location"] == f"/edit/{quote(made.name, safe='')}"
    assert "以2021年度报告（上年报告.toml）为基础" in made.read_text(encoding="utf-8")
    assert "已新建" in client.get(reply.headers["location"]).text
    reply = client.post_form("/new", {"csrf": token, "agency": "温县教育局", "year": "2022"})
    assert "已经存在" in chinese_refusal(reply, 422)
    reply = client.post_form("/new", {"csrf": token, "agency": "另一个局", "year": "2022",
                                      "source": f"inputs/{NAME}"})
    assert "只能以本机关上一年度的报告为基础" in chinese_refusal(reply, 422)
    older = [("upload", "前年报告.toml", SEED.read_bytes())]
    reply = client.post_form("/new", {"csrf": token, "agency": "温县教育局", "year": "2023"}, older)
    refused = chinese_refusal(reply, 422)
    assert "也可以以 2021 年度的报告为基础：请勾选“上一年度没有报告，允许用更早年度的报告”" in refused
    assert "--gap-year" not in refused and "--force" not in refused
    reply = client.post_form("/new", {"csrf": token, "agency": "温县教育局", "year": "2023", "gap_year": "1"}, older)
    assert reply.status == 303, reply.text
    reply = client.post_form("/new", {"csrf": token, "agency": "新机关", "year": "2023"})
    assert reply.status == 303
    assert load_input.__name__  # the zero scaffold is a complete input once written
    assert tomllib.loads((folder / "inputs" / "新机关-2023.toml").read_text(encoding="utf-8"))["year"] == 2023
    listing = client.get("/").text
    assert "新机关-2023.toml" in listing and "处问题" in listing and "一致，可以生成" in listing
    # a name that would make a hidden file, or climb out of the folder, makes a visible one in it
    for agency, name in (("..", "__-2023.toml"), ("../../evil", "___.._evil-2023.toml"), (".局", "_局-2023.toml")):
        reply = client.post_form("/new", {"csrf": token, "agency": agency, "year": "2023"})
        assert reply.status == 303 and reply.headers["location"] == f"/edit/{quote(name, safe='')}", reply.text
        assert (folder / "inputs" / name).is_file() and client.get(reply.headers["location"]).status == 200
        assert name in client.get("/").text


# ---------------------------------------------------------------- pasting


@pytest.mark.parametrize("text, row, numbers, said", [
    ("3\t0\t1\t0\t0\t2", "received", ["3", "0", "1", "0", "0", "2"], "自然人 3"),
    ("一、本年新收政府信息公开申请数量\t\t\t3件\t/\t\t0\t0\t1\t4\n", "received", ["3", "0", "0", "0", "0", "1"], "按 0 填入"),
    ("１\t２\t0\t0\t0\t0\t3", "disclosed", ["1", "2", "0", "0", "0", "0"], "与各项之和一致"),
    ("1\t2\t0\t0\t0\t0\t9", "disclosed", ["1", "2", "0", "0", "0", "0"], "各项之和为 3"),
    ("（二）部分公开\t1\t0\t0\t0\t0\t0", "disclosed", ["1", "0", "0", "0", "0", "0"], "请核对"),
    ("——\t空\t／\t无\t2 件\t１", "received", ["0", "0", "0", "0", "2", "1"], "第 1、2、3、4 个为空白或“/”"),
    # a line without a tab -- copied from a PDF or a web page -- is parted by its spaces
    ("5 2 0 0 1 0", "received", ["5", "2", "0", "0", "1", "0"], "自然人 5"),
    ("一、本年新收政府信息公开申请数量  3  0  1  0  0  2", "received", ["3", "0", "1", "0", "0", "2"], "自然人 3"),
])
def test_a_pasted_row_is_read_as_it_was_meant(text, row, numbers, said):
    pasted = read_pasted(FORMAT_2021, "applications", row, text)
    assert pasted.rows == {row: numbers}
    assert said in pasted.notes[0]


def test_several_pasted_lines_fill_the_rows_below():
    pasted = read_pasted(FORMAT_2021, "appeals", "reconsideration", "1\t0\t0\t0\n0\t1\t0\t0")
    assert pasted.rows == {"reconsideration": ["1", "0", "0", "0"], "lawsuit_direct": ["0", "1", "0", "0"]}
    fee = read_pasted(FORMAT_2021, "proactive", "fees", "行政事业性收费\t28.10万元")
    assert fee.rows == {"fees": ["28.10"]}


@pytest.mark.parametrize("text, reason", [
    ("1\t2\t3", "应有 6 个数"),
    ("1\t2\t3\t4\t5\t6\t7\t8\t9", "应有 6 个数"),
    ("1\t2\t三\t0\t0\t0", "不是数字"),
    ("5 2 x", "应有 6 个数"),
])
def test_a_paste_that_is_not_the_rows_numbers_is_refused(text, reason):
    with pytest.raises(ReportfillError) as caught:
        read_pasted(FORMAT_2021, "applications", "received", text)
    assert reason in caught.value.problems[0].message


# ---------------------------------------------------------------- the command


def _serve(folder, *options):
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen([sys.executable, "-m", "reportfill", "serve", str(folder), "--port", "0", *options],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


def test_serve_starts_answers_and_stops_cleanly_on_ctrl_c(folder):
    process = _serve(folder, "--no-browser")
    try:
        line = process.stdout.readline()
        assert "http://127.0.0.1:" in line, line + process.stderr.read()
        url = line.split("：", 1)[1].split("（", 1)[0]
        assert "wenxian-education-2021.toml" in Client(url).get("/").text
    finally:
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=30)
    assert process.returncode == 0, err
    assert "已停止" in out and "Traceback" not in err


def test_serve_warns_when_it_listens_beyond_this_machine_and_says_where_others_reach_it(folder):
    from reportfill.web.server import bind, network_urls

    probe = bind("0.0.0.0", 0)
    expected = network_urls(probe)
    probe.close()
    process = _serve(folder, "--no-browser", "--host", "0.0.0.0")
    try:
        assert "http://127.0.0.1:" in process.stdout.readline()
        if expected:  # a machine on a network: each of its addresses, and the form answers there
            line = process.stdout.readline()
            assert line.startswith("其他计算机请打开：http://") and "127.0.0.1" not in line, line
            url = line.strip().split("：", 1)[1].split("　")[0]
            assert "wenxian-education-2021.toml" in Client(url).get("/").text
    finally:
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=30)
    assert "警告" in err and "其他计算机" in err


def test_serve_says_when_the_port_is_taken(folder):
    from reportfill.web.server import bind

    taken = bind("127.0.0.1", 0)
    try:
        done = subprocess.run([sys.executable, "-m", "reportfill", "serve", str(folder), "--port",
                               str(taken.getsockname()[1]), "--no-browser"], capture_output=True, text=True, timeout=60)
    finally:
        taken.close()
    assert done.returncode == 2
    assert "已被其他程序占用" in done.stderr and "Traceback" not in done.stderr


class _Recorded:
    """A socket's options as set; Windows' SO_EXCLUSIVEADDRUSE cannot be set here."""

    def __init__(self):
        self.options = []

    def setsockopt(self, level, option, value):
        self.options.append((level, option, value))


def test_on_windows_the_port_is_claimed_exclusively(monkeypatch):
    import socket

    from reportfill.web.server import claim_alone

    monkeypatch.setattr(socket, "SO_EXCLUSIVEADDRUSE", -5, raising=False)  # Windows' constant is negative too
    windows, here = _Recorded(), _Recorded()
    claim_alone(windows, "win32")
    claim_alone(here, "linux")
    assert windows.options == [(socket.SOL_SOCKET, socket.SO_EXCLUSIVEADDRUSE, 1)]  # and not SO_REUSEADDR
    assert here.options == [(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)]


def test_a_port_in_use_is_told_by_its_error_whatever_the_system():
    import errno

    from reportfill.web.server import in_use

    assert in_use(OSError(errno.EADDRINUSE, "Address already in use"))
    windows = OSError(10048, "Only one usage of each socket address is normally permitted")
    windows.winerror = 10048  # what Windows' OSError carries beside its errno
    assert in_use(windows)
    assert not in_use(OSError(errno.EACCES, "Permission denied"))


def test_the_folder_remembers_one_answer_per_file(folder):
    from reportfill.web.folder import Folder

    files = Folder(folder)
    for n in range(4):  # saved again and again, as the editor does
        agency = f"温县教育局{'改' * n}"
        for path in (folder / "inputs" / NAME, folder / "last.toml"):
            path.write_text(SEED.read_text(encoding="utf-8").replace('agency = "温县教育局"', f'agency = "{agency}"'),
                            encoding="utf-8")
            os.utime(path, ns=(n * 10**9, n * 10**9))
        [info] = files.listing()
        assert info.agency == agency and info.ok and not info.problems
        assert files.previous("last.toml").report.agency == agency
    assert len(files._status) == 1 and len(files._previous) == 1


def test_the_editor_shows_a_text_in_the_paragraphs_fill_reads(tmp_path):
    """A line separator (U+2028) pasted from another program sits inside a paragraph for
    the input reader; the editor shows and judges the same paragraphs, not one more."""
    from reportfill.readers.toml_input import read_toml
    from reportfill.text import paragraphs
    from reportfill.web.form import opened_state

    text = SEED.read_text(encoding="utf-8").replace("有效开展。\n", "有效开展。\u2028第二行仍是这一段。\n", 1)
    source = tmp_path / "x.toml"
    source.write_text(text, encoding="utf-8")
    read = load_input(source).prose["overview"].paragraphs
    assert any("\u2028" in p for p in read)
    shown = opened_state(read_toml(text.encode("utf-8"), "x.toml")[1], FORMAT_2021)["prose"]["overview"]["text"]
    assert tuple(shown.split("\n")) == read == paragraphs(shown)


def test_last_years_choices_leave_out_kept_copies_and_the_input_itself(client, folder):
    (folder / "outputs" / "温县教育局2021年报告.docx").write_bytes(b"PK")
    (folder / "outputs" / "温县教育局2021年报告.bak.docx").write_bytes(b"PK")
    (folder / "inputs" / "other-2020.toml").write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    start = client.get("/").text
    assert 'value="outputs/温县教育局2021年报告.docx"' in start and 'value="outputs/温县教育局2021年报告.bak.docx"' not in start
    editor = client.get(f"/edit/{NAME}").text
    assert 'value="inputs/other-2020.toml"' in editor and f'<option value="inputs/{NAME}"' not in editor
