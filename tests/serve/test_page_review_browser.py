"""The review page's queue in the real browser: submit a checked post, approve a stage, send it back."""

from __future__ import annotations

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from contentguard.review import ReviewTrail
from contentguard.serve import create_app

from .conftest import start_server
from .test_page_browser import browser, png_size, submit  # noqa: F401  (browser is a fixture)


def test_a_reviewer_submits_approves_and_sends_back_from_the_page(browser, default_guard,  # noqa: F811
                                                                  test_limits, tmp_path):
    trail = ReviewTrail(tmp_path / "reviews.db", guard=default_guard)
    server = start_server(create_app(default_guard, trail, limits=test_limits, token=""), test_limits)
    try:
        submit(browser, server.url, "新品上市", "本品是全网最低价，加微信领取。")
        browser.find_element(By.ID, "author").send_keys("Wang Fang")
        browser.execute_script("arguments[0].value = arguments[1]", browser.find_element(By.ID, "submission-id"),
                               "cms-101")
        browser.find_element(By.ID, "submit-button").click()
        WebDriverWait(browser, 30).until(lambda b: "submitted=" in b.current_url)
        rows = browser.find_elements(By.CSS_SELECTOR, "tr.queue-item")
        assert len(rows) == 1
        row = rows[0]
        sid = row.get_attribute("data-id")
        assert trail.status(sid).document_id == "cms-101"
        assert row.find_element(By.CSS_SELECTOR, ".stage").text == "自审"

        message = browser.find_element(By.ID, "review-message")
        row.find_element(By.CSS_SELECTOR, "button.approve").click()  # no reviewer yet: the page asks for one
        WebDriverWait(browser, 10).until(lambda _: "请填写审核人" in message.text)
        browser.find_element(By.ID, "reviewer").send_keys("Wang Fang")
        row.find_element(By.CSS_SELECTOR, "button.approve").click()
        WebDriverWait(browser, 10).until(lambda _: row.find_element(By.CSS_SELECTOR, ".stage").text == "初审")
        assert trail.status(sid).next_stage == "初审"

        # The writer may not sign 初审: the policy's reason is shown, nothing is recorded.
        browser.find_element(By.ID, "role").send_keys("运营")
        row.find_element(By.CSS_SELECTOR, "button.approve").click()
        WebDriverWait(browser, 10).until(lambda _: "未能记录" in message.text)
        assert trail.status(sid).next_stage == "初审"

        reviewer = browser.find_element(By.ID, "reviewer")
        reviewer.clear()
        reviewer.send_keys("Li Lei")
        browser.execute_script("arguments[0].value = arguments[1]", row.find_element(By.CSS_SELECTOR, "input.comment"),
                               "请删去绝对化用语")
        row.find_element(By.CSS_SELECTOR, "button.reject").click()
        WebDriverWait(browser, 10).until(lambda _: "done" in row.get_attribute("class"))
        status = trail.status(sid)
        assert status.state == "rejected" and "请删去绝对化用语" in status.feedback
        shot = tmp_path / "review-queue.png"
        browser.execute_script("document.getElementById('queue').scrollIntoView()")
        assert browser.save_screenshot(str(shot))
        assert png_size(shot)[0] >= 800
        assert trail.verify().ok
    finally:
        server.stop()
        trail.close()
