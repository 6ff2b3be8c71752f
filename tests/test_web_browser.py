"""``reportfill serve`` driven in a real headless Chromium, as a clerk uses it: start this
year's input from last year's, type and paste numbers, watch totals and findings appear
at their cells, save, generate and download the report, and check an uploaded report.

Chromium and its WebDriver are Debian's (scripts/system-deps.sh installs them). With
REPORTFILL_SCREENSHOT=path the editor's screenshot for the README is written there
(``docs/serve-editor.png``); a normal run writes nothing into the repository.
"""

from __future__ import annotations

import os
import shutil
import tomllib
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from chromium import chromium, needs_chromium
from docx_fixtures import build_report, reconciling_values
from reportfill.format.formats import FORMAT_2021
from reportfill.workflows.check import check_document
from test_overwrite import add_a_paragraph
from web_client import serving

pytest.importorskip("selenium.webdriver")
from selenium.common.exceptions import TimeoutException  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import Select, WebDriverWait  # noqa: E402

DATA = Path(__file__).parent / "data"
LAST_YEAR = "heyang-hrss-2022.toml"
AGENCY = "河阳县人力资源和社会保障局"
NEW = f"{AGENCY}-2023.toml"

pytestmark = needs_chromium


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("office")
    (root / "inputs").mkdir()
    shutil.copy(DATA / LAST_YEAR, root / "inputs" / LAST_YEAR)
    return root


@pytest.fixture(scope="module")
def url(folder):
    with serving(folder) as url:
        yield url


@pytest.fixture(scope="module")
def downloads(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("downloads")


@pytest.fixture(scope="module")
def browser(tmp_path_factory, downloads):
    prefs = {"download.default_directory": str(downloads), "download.prompt_for_download": False}
    with chromium(tmp_path_factory.mktemp("chromium-profile"), prefs) as driver:
        yield driver


def wait(browser, condition, timeout=30, message=""):
    try:
        return WebDriverWait(browser, timeout).until(lambda _: condition())
    except TimeoutException:
        raise AssertionError(message or "the page did not get there in time") from None


def cell(browser, key: str):
    return browser.find_element(By.CSS_SELECTOR, f'input.num[data-cell="{key}"]')


def td(browser, key: str):
    return browser.find_element(By.CSS_SELECTOR, f'td.slot[data-cell="{key}"]')


def total(browser, key: str) -> str:
    return browser.find_element(By.CSS_SELECTOR, f'td.derived[data-cell="{key}"] output').text


def retype(element, text: str) -> None:
    element.clear()
    element.send_keys(text)


def settled(browser) -> None:
    """Wait until the findings shown answer the form as it is now."""
    wait(browser, lambda: browser.find_element(By.ID, "editor").get_attribute("data-settled") == "yes")


def paste(browser, element, text: str) -> None:
    """What the browser does on Ctrl+V into ``element`` with ``text`` on the clipboard."""
    browser.execute_script("""
        const data = new DataTransfer();
        data.setData('text/plain', arguments[1]);
        arguments[0].focus();
        arguments[0].dispatchEvent(new ClipboardEvent('paste', {clipboardData: data, bubbles: true, cancelable: true}));
    """, element, text)


def test_start_this_year_from_last_years_input(browser, url, folder):
    browser.get(url)
    assert "heyang-hrss-2022.toml" in browser.find_element(By.ID, "inputs").text
    assert "一致" in browser.find_element(By.ID, "inputs").text
    form = browser.find_element(By.ID, "new-form")
    form.find_element(By.NAME, "agency").send_keys(AGENCY)
    retype(form.find_element(By.NAME, "year"), "2023")
    Select(form.find_element(By.NAME, "source")).select_by_value(f"inputs/{LAST_YEAR}")
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait(browser, lambda: "/edit/" in browser.current_url, message="the editor did not open")
    assert (folder / "inputs" / NEW).is_file()
    assert "已新建" in browser.find_element(By.ID, "notices").text
    # 二、上年结转 is last year's 四、结转下年度继续办理, column by column
    assert [cell(browser, f"applications|from_last_year|{c}").get_attribute("value")
            for c in ("natural_person", "commercial")] == ["1", "0"]
    # last year's sub-headings are kept
    titles = [e.get_attribute("value") for e in browser.find_elements(By.CSS_SELECTOR, '.items[data-key="overview"] .item-title')]
    assert titles[:2] == ["主动公开情况", "依申请公开情况"]


def test_typing_shows_the_total_and_the_r1_message_at_its_cell(browser):
    received = cell(browser, "applications|received|natural_person")
    retype(received, "4")
    cell(browser, "applications|received|commercial").click()
    settled(browser)
    assert total(browser, "applications|received|total") == "4"
    place = td(browser, "applications|received|natural_person")
    assert "has-error" in place.get_attribute("class")
    assert "R1" in place.find_element(By.CLASS_NAME, "flag").text
    message = place.get_attribute("title")
    assert "一、本年新收政府信息公开申请数量 4 + 二、上年结转政府信息公开申请数量 1 = 5" in message
    listed = browser.find_element(By.ID, "findings").text
    assert "R1" in listed and "两边应相等" in listed
    # the other applicant columns balance: no R1 there
    assert "has-error" not in td(browser, "applications|received|commercial").get_attribute("class")


def test_pasting_a_spreadsheet_row(browser):
    first = cell(browser, "applications|disclosed|natural_person")
    paste(browser, first, "（一）予以公开\t\t\t3\t/\t0件\t\t0\t0\t3\r\n")
    note = browser.find_element(By.CSS_SELECTOR, '.paste-note[data-table="applications"]')
    wait(browser, lambda: "已识别" in note.text, message="the paste was not understood")
    assert "自然人 3" in note.text and "按 0 填入" in note.text
    assert [cell(browser, f"applications|disclosed|{c}").get_attribute("value")
            for c in ("natural_person", "commercial", "research", "public_interest", "legal_services", "other")] \
        == ["3", "0", "0", "0", "0", "0"]
    retype(cell(browser, "applications|to_next_year|natural_person"), "2")
    settled(browser)
    assert total(browser, "applications|total|natural_person") == "3"
    assert "has-error" not in td(browser, "applications|received|natural_person").get_attribute("class")


def _write_texts(browser):
    for n, area in enumerate(browser.find_elements(By.CSS_SELECTOR, ".item-text")):
        if not area.get_attribute("value").strip():
            area.send_keys(f"本年度围绕第{n + 1}项工作重新撰写的说明，与上年的表述不同。")
    other = browser.find_element(By.CSS_SELECTOR, '.prose-text[data-key="other"]')
    retype(other, "本年度未收取信息处理费。")


def test_saving_writes_what_was_typed(browser, folder):
    _write_texts(browser)
    retype(browser.find_element(By.ID, "preface"), "本报告由河阳县人力资源和社会保障局编制。")
    browser.find_element(By.ID, "save").click()
    wait(browser, lambda: "已保存" in browser.find_element(By.ID, "messages").text, message="not saved")
    saved = tomllib.loads((folder / "inputs" / NEW).read_text(encoding="utf-8"), parse_float=Decimal)
    apps = saved["applications"]
    assert apps["received"] == [4, 0, 0, 0, 0, 0]
    assert apps["from_last_year"] == [1, 0, 0, 0, 0, 0]
    assert apps["disclosed"] == [3, 0, 0, 0, 0, 0]
    assert apps["to_next_year"] == [2, 0, 0, 0, 0, 0]
    assert saved["preface"].strip() == "本报告由河阳县人力资源和社会保障局编制。"
    assert saved["other"]["text"].strip() == "本年度未收取信息处理费。"
    shown = [e.get_attribute("value") for e in browser.find_elements(By.CSS_SELECTOR, ".item-text")]
    written = [i["text"].strip() for key in ("overview", "problems") for i in saved[key]["items"]]
    assert written == [s.strip() for s in shown]
    # the comments new --from wrote (last year's text, to write against) are still there
    assert "上年的文字" in (folder / "inputs" / NEW).read_text(encoding="utf-8")


def test_the_duplication_rate_against_last_year_is_shown(browser):
    settled(browser)
    rate = browser.find_element(By.ID, "reuse-rate").text
    assert "重复率" in rate and "2022" in rate
    assert "heyang-hrss-2022.toml" in browser.find_element(By.ID, "previous-note").text
    assert "不能为空" not in browser.find_element(By.ID, "findings").text  # every text is written now


def test_generating_offers_the_docx_and_it_passes_check(browser, folder, downloads):
    browser.find_element(By.ID, "generate").click()
    wait(browser, lambda: browser.find_elements(By.CSS_SELECTOR, "#downloads a"), timeout=120,
         message="no download offered: " + browser.find_element(By.ID, "messages").text)
    link = next(a for a in browser.find_elements(By.CSS_SELECTOR, "#downloads a") if a.text.endswith(".docx"))
    link.click()
    wait(browser, lambda: [p for p in downloads.glob("*.docx")], message="the DOCX was not downloaded")
    [downloaded] = downloads.glob("*.docx")
    wait(browser, lambda: not list(downloads.glob("*.crdownload")))
    assert downloaded.name == f"{AGENCY}2023年政府信息公开工作年度报告.docx"
    result = check_document(downloaded)
    assert not result.errors, [f.message for f in result.errors]
    assert result.report.values[("applications", "received", "natural_person")] == 4
    assert (folder / "outputs" / downloaded.name).read_bytes() == downloaded.read_bytes()


def test_an_input_that_does_not_reconcile_is_not_generated(browser, folder, screenshot):
    retype(cell(browser, "applications|to_next_year|natural_person"), "7")
    browser.find_element(By.ID, "generate").click()
    wait(browser, lambda: "不能生成" in browser.find_element(By.ID, "messages").text)
    assert "R1" in td(browser, "applications|received|natural_person").find_element(By.CLASS_NAME, "flag").text
    if screenshot:  # the README's picture of the editor: a total that does not add up, at its cell
        browser.execute_script("document.getElementById('table-applications').scrollIntoView();"
                               "window.scrollBy(0, -250);")
        browser.save_screenshot(str(screenshot))
    retype(cell(browser, "applications|to_next_year|natural_person"), "2")
    browser.find_element(By.ID, "save").click()
    wait(browser, lambda: "已保存" in browser.find_element(By.ID, "messages").text)


def test_generating_over_a_report_edited_in_word_asks_before_replacing_it(browser, folder):
    from selenium.webdriver.support import expected_conditions

    output = folder / "outputs" / f"{AGENCY}2023年政府信息公开工作年度报告.docx"
    add_a_paragraph(output)
    edited = output.read_bytes()
    browser.find_element(By.ID, "generate").click()
    alert = WebDriverWait(browser, 120).until(expected_conditions.alert_is_present())
    assert "改动过" in alert.text and "替换" in alert.text and "--force" not in alert.text
    alert.accept()
    wait(browser, lambda: "原文件已保留为" in browser.find_element(By.ID, "messages").text, timeout=120,
         message="not replaced: " + browser.find_element(By.ID, "messages").text)
    backup = output.with_name(output.stem + ".bak.docx")
    assert backup.read_bytes() == edited
    assert browser.find_elements(By.CSS_SELECTOR, "#downloads a")


def test_checking_uploaded_reports_shows_their_findings_and_offers_the_summary(browser, url, tmp_path, downloads):
    values = reconciling_values(FORMAT_2021)
    values[("applications", "received", "research")] += 3
    broken = tmp_path / "有错误的报告.docx"
    broken.write_bytes(build_report(FORMAT_2021, values, 2023))
    unreadable = tmp_path / "不是报告.docx"
    unreadable.write_bytes(b"not a zip")
    browser.get(url + "check")
    browser.find_element(By.NAME, "reports").send_keys(f"{broken}\n{unreadable}")
    browser.find_element(By.CSS_SELECTOR, "#check-form button[type=submit]").click()
    wait(browser, lambda: len(browser.find_elements(By.CSS_SELECTOR, "section.result")) == 2)
    first, second = browser.find_elements(By.CSS_SELECTOR, "section.result")
    assert "有错误的报告.docx" in first.text
    assert "R1" in first.text and "科研机构" in first.text and "不通过" in first.text
    assert "不是报告.docx" in second.text and "无法读取" in second.text

    browser.find_element(By.ID, "summary").click()
    wait(browser, lambda: list(downloads.glob("核对汇总*.xlsx")), message="the summary was not downloaded")
    wait(browser, lambda: not list(downloads.glob("*.crdownload")))
    [sheet] = downloads.glob("核对汇总*.xlsx")
    reports = openpyxl.load_workbook(sheet).worksheets[0]
    rows = [[cell.value for cell in row] for row in reports.iter_rows(min_row=2)]
    assert [row[0] for row in rows] == ["有错误的报告.docx", "不是报告.docx"]


@pytest.fixture(scope="module")
def screenshot() -> Path | None:
    target = os.environ.get("REPORTFILL_SCREENSHOT")
    return Path(target) if target else None
