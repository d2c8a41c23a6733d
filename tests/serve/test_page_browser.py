"""The review page in a real headless browser: Debian's chromium and chromium-driver through selenium.

CI installs them (`.ci/run`: apt-get install chromium chromium-driver). The test takes a screenshot
and checks that every highlight sits on the characters the report names.
"""

from __future__ import annotations

import shutil
import struct
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

from contentguard import Document

CHROMIUM_FLAGS = ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--no-first-run", "--window-size=1280,1500", "--lang=zh-CN")
TITLE = "震惊！全网最低价"
BODY = ("本品是全网最低价，效果最好，加微*信领取优惠。\n"
        "有问题请联系 13812345678，<script>alert(1)</script> 不会执行。")


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    driver_path = shutil.which("chromedriver")
    assert chromium and driver_path, "chromium and chromium-driver are needed: apt-get install chromium chromium-driver"
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    driver = webdriver.Chrome(options=options, service=Service(executable_path=driver_path))
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def submit(browser, url: str, title: str, body: str) -> None:
    browser.get(url + "/")
    # Set the values as a paste would (the driver's typing of Chinese depends on the platform's input methods).
    browser.execute_script("arguments[0].value = arguments[1]", browser.find_element(By.ID, "title"), title)
    browser.execute_script("arguments[0].value = arguments[1]", browser.find_element(By.ID, "body"), body)
    browser.find_element(By.ID, "platform").send_keys("weibo")
    browser.find_element(By.ID, "check-button").click()
    WebDriverWait(browser, 30).until(expected_conditions.presence_of_element_located((By.ID, "result")))


def test_the_page_highlights_each_finding_on_its_characters(browser, live, default_guard, tmp_path):
    submit(browser, live.url, TITLE, BODY)
    report = default_guard.check(Document(title=TITLE, body=BODY, platform="weibo"))
    assert len(report.findings) >= 4
    fields = {"title": TITLE, "body": BODY}

    marks = []
    for field in ("title", "body"):
        container = browser.find_element(By.ID, f"text-{field}")
        # The text as shown is the text as sent: the post's own markup is text, not elements.
        assert container.get_attribute("textContent") == fields[field]
        for mark in container.find_elements(By.TAG_NAME, "mark"):
            marks.append({"field": field, "text": mark.get_attribute("textContent"),
                          "start": int(mark.get_attribute("data-start")), "end": int(mark.get_attribute("data-end")),
                          "findings": mark.get_attribute("data-findings").split(), "element": mark})
    assert browser.find_elements(By.CSS_SELECTOR, "#text-body script") == []
    for mark in marks:
        assert fields[mark["field"]][mark["start"]:mark["end"]] == mark["text"]
        assert mark["element"].is_displayed()
        assert mark["element"].value_of_css_property("background-color") not in ("rgba(0, 0, 0, 0)", "transparent")
    for number, finding in enumerate(report.findings, 1):
        covering = [m for m in marks if str(number) in m["findings"]]
        assert covering, f"finding {number} {finding.rule_id} has no mark"
        assert {m["field"] for m in covering} == {finding.field}
        assert covering[0]["start"] == finding.start and covering[-1]["end"] == finding.end
        assert "".join(m["text"] for m in covering) == finding.text
        card = browser.find_element(By.ID, f"finding-{number}")
        assert finding.message in card.text
        if finding.clause:
            assert finding.clause in card.text
        if finding.suggestion:
            assert finding.suggestion.strip() in card.text

    # The risk: the matrix cell outlined is the report's, with its route and explanation.
    current = browser.find_element(By.CSS_SELECTOR, "table.matrix td.current")
    assert f"影响 {report.risk.impact} × 可能性 {report.risk.likelihood}" in current.get_attribute("title")
    result = browser.find_element(By.ID, "result").text
    assert report.risk.route in result
    assert report.risk.explanation[:20] in result

    browser.execute_script("document.getElementById('result').scrollIntoView()")
    shot = tmp_path / "review-page.png"
    assert browser.save_screenshot(str(shot))
    width, height = png_size(shot)
    assert width >= 800 and height >= 600
    assert shot.stat().st_size > 10_000

    # The little script: a click on a mark lights up its finding.
    first = next(m for m in marks if m["findings"])
    first["element"].click()
    card = browser.find_element(By.ID, f"finding-{first['findings'][0]}")
    WebDriverWait(browser, 10).until(lambda _: "active" in card.get_attribute("class"))


def test_an_uploaded_file_is_read_into_the_text_box_and_checked(browser, live, tmp_path, default_guard):
    post = tmp_path / "draft.txt"
    post.write_text("新品上市，全网最低价！", encoding="utf-8")
    browser.get(live.url + "/")
    browser.find_element(By.ID, "file").send_keys(str(post))
    body = browser.find_element(By.ID, "body")
    WebDriverWait(browser, 10).until(lambda _: body.get_attribute("value") == "新品上市，全网最低价！")
    browser.find_element(By.ID, "check-button").click()
    WebDriverWait(browser, 30).until(expected_conditions.presence_of_element_located((By.ID, "result")))
    report = default_guard.check("新品上市，全网最低价！")
    marked = [m.get_attribute("textContent") for m in browser.find_elements(By.CSS_SELECTOR, "#text-body mark")]
    assert "".join(marked) == "".join(f.text for f in report.findings if f.field == "body")
    assert report.findings
