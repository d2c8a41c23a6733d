"""The review flow on both databases: submit, the stages the policy asks for, decisions, revisions."""

from __future__ import annotations

import pytest

import contentguard
from contentguard.review import NotApproved, ReviewError, ReviewTrail


@pytest.fixture
def trail(db_url, review_guard):
    trail = ReviewTrail(db_url, guard=review_guard)
    yield trail
    trail.close()


def doc(body: str, id: str = "p1") -> contentguard.Document:
    return contentguard.Document(id=id, body=body)


def test_required_stages_follow_risk_and_category(trail):
    assert trail.submit(doc("今天天气不错", "a"), author="王芳").required_stages == ("自审", "初审")
    medium = trail.submit(doc("全网最低价", "b"), author="王芳")
    assert medium.risk_level == "medium" and medium.required_stages == ("自审", "初审", "复审")
    assert trail.submit(doc("网络赌博", "c"), author="王芳").required_stages == ("自审", "初审", "复审", "终审")
    secret = trail.submit(doc("蓝鲸计划下月启动", "d"), author="王芳")
    assert secret.risk_level == "low" and secret.required_stages == ("自审", "初审", "终审")
    assert trail.submit(doc("保本保息", "e"), author="王芳").required_stages == ("自审", "初审", "终审")


def test_full_flow_approves_and_the_gate_lets_it_through(trail):
    document = doc("全网最低价")
    sub = trail.submit(document, author="王芳")
    assert sub.id == "S1" and sub.state == "pending" and sub.next_stage == "自审"
    assert [f["rule_id"] for f in sub.findings] == ["reviewtest/price"]
    with pytest.raises(NotApproved, match="自审, 初审, 复审 still to sign"):
        contentguard.gate(document, guard=trail.guard, store=trail, require_approval=True)
    trail.approve(sub.id, "自审", "王芳")
    trail.approve(sub.id, "初审", "李雷", role="运营")
    done = trail.approve(sub.id, "复审", "韩梅", role="风控与合规组", comment="已核对")
    assert done.state == "approved" and done.next_stage is None
    assert [(s.stage, s.reviewer, s.role) for s in done.stages] == [
        ("自审", "王芳", "author"), ("初审", "李雷", "运营"), ("复审", "韩梅", "风控与合规组")]
    report = contentguard.gate(document, guard=trail.guard, store=trail, require_approval=True)
    assert report.id == "p1"
    assert [s.id for s in trail.submissions(state="approved")] == ["S1"]


def test_policy_refusals_name_the_reason(trail):
    sub = trail.submit(doc("全网最低价"), author="王芳")
    with pytest.raises(ReviewError, match="comes after 自审"):
        trail.approve(sub.id, "初审", "李雷", role="运营")
    with pytest.raises(ReviewError, match="signed by the document's author"):
        trail.approve(sub.id, "自审", "李雷")
    trail.approve(sub.id, "自审", "王芳")
    with pytest.raises(ReviewError, match="already approved"):
        trail.approve(sub.id, "自审", "王芳")
    with pytest.raises(ReviewError, match="wrote this document"):
        trail.approve(sub.id, "初审", "王芳", role="运营")
    with pytest.raises(ReviewError, match="may be signed by 运营"):
        trail.approve(sub.id, "初审", "李雷", role="法务部")
    with pytest.raises(ReviewError, match="needs a role"):
        trail.approve(sub.id, "初审", "李雷")
    with pytest.raises(ReviewError, match="not required"):
        trail.approve(sub.id, "终审", "赵总", role="总经办")
    with pytest.raises(ReviewError, match="unknown stage"):
        trail.approve(sub.id, "四审", "赵总", role="总经办")
    with pytest.raises(ReviewError, match="needs a comment"):
        trail.reject(sub.id, "初审", "李雷", "", role="运营")
    with pytest.raises(ReviewError, match="no submission"):
        trail.approve("S99", "自审", "王芳")
    # Nothing refused was recorded: two records, the check and the one approval.
    assert [r.kind for r in trail.log(sub.id)] == ["check", "decision"]


def test_a_rejection_goes_back_to_the_writer_and_a_revision_starts_over(trail):
    document = doc("全网最低价，蓝鲸计划")
    sub = trail.submit(document, author="王芳")
    trail.approve(sub.id, "自审", "王芳")
    trail.approve(sub.id, "初审", "李雷", role="运营")
    sent_back = trail.reject(sub.id, "复审", "韩梅", "删去内部代号", role="市场部")
    assert sent_back.state == "rejected" and sent_back.feedback == "复审 韩梅: 删去内部代号"
    with pytest.raises(NotApproved, match="sent back to 王芳.*删去内部代号") as blocked:
        contentguard.gate(document, guard=trail.guard, store=trail, require_approval=True)
    assert blocked.value.submission.feedback == "复审 韩梅: 删去内部代号"
    with pytest.raises(ReviewError, match="new revision"):
        trail.approve(sub.id, "终审", "赵总", role="总经办")

    revised = trail.submit(doc("价格实惠"), author="王芳")
    assert revised.id == sub.id and revised.revision == 2 and revised.state == "pending"
    assert revised.required_stages == ("自审", "初审") and revised.feedback is None
    assert "revision 1 was edited after review" in revised.voided[0]
    void = [r for r in trail.log(sub.id) if r.kind == "void"][0]
    assert void.payload["voided"] == [r.seq for r in trail.log(sub.id) if r.kind == "decision"]


def test_editing_after_approval_voids_it(trail):
    sub = trail.submit(doc("今天天气不错"), author="王芳")
    trail.approve(sub.id, "自审", "王芳")
    assert trail.approve(sub.id, "初审", "李雷", role="运营").approved
    edited = doc("今天天气不错，全网最低价")
    with pytest.raises(NotApproved, match="changed since submission S1 revision 1"):
        contentguard.gate(edited, guard=trail.guard, store=trail, require_approval=True)
    again = trail.submit(edited, author="王芳")
    assert again.revision == 2 and again.state == "pending" and again.next_stage == "自审"
    assert "初审 李雷" in again.voided[0]
    # The same content submitted again is the same revision: its decisions still count.
    assert trail.submit(edited, author="王芳").revision == 2


def test_gate_without_an_id_finds_the_submission_by_content(trail):
    sub = trail.submit("今天天气不错", author="王芳")
    trail.approve(sub.id, "自审", "王芳")
    trail.approve(sub.id, "初审", "李雷", role="运营")
    assert contentguard.gate("今天天气不错", guard=trail.guard, store=trail, require_approval=True)
    with pytest.raises(NotApproved, match="never submitted"):
        contentguard.gate("别的内容", guard=trail.guard, store=trail, require_approval=True)


def test_queue_and_status(trail):
    first = trail.submit(doc("今天天气不错", "a"), author="王芳")
    trail.submit(doc("全网最低价", "b"), author="李雷")
    trail.approve(first.id, "自审", "王芳")
    assert [s.id for s in trail.queue("初审")] == [first.id]
    assert [s.id for s in trail.queue("自审")] == ["S2"]
    assert trail.status("S2").author == "李雷"
    with pytest.raises(ReviewError, match="no submission"):
        trail.status("nope")


def test_check_record_holds_the_full_ruleset_hash(trail, review_guard):
    trail.submit(doc("全网最低价"), author="王芳")
    check = next(trail.log("S1"))
    assert check.payload["ruleset_hash"] == review_guard.ruleset.full_hash
    assert len(check.payload["ruleset_hash"]) == len("sha256:") + 64
    assert check.payload["report"]["findings"][0]["text"] == "最低价"
    assert check.payload["document"]["body"] == "全网最低价"
