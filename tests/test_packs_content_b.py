"""Behaviour of the default confidentiality, privacy, sensitive, spam and abuse packs on whole
posts and comments, through ``contentguard.load()`` (every rule's own examples are run by the
shared example test; these check the packs together on realistic documents)."""

from __future__ import annotations

import pytest

import contentguard

MINE = ("confidentiality", "privacy", "sensitive", "spam", "abuse")

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def id_number(first17: str) -> str:
    """A GB 11643 ID number with its correct check character."""
    return first17 + "10X98765432"[sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=False)) % 11]


def luhn_number(prefix: str) -> str:
    """``prefix`` plus the Luhn check digit."""
    total = 0
    for position, char in enumerate(reversed(prefix + "0")):
        digit = int(char)
        if position % 2 == 1:
            digit = digit * 2 - 9 if digit > 4 else digit * 2
        total += digit
    return prefix + str((10 - total % 10) % 10)


def broken(number: str) -> str:
    """The same number with a wrong last digit (fails the checksum)."""
    last = number[-1]
    return number[:-1] + ("1" if last in "0X" else "0")


@pytest.fixture(scope="module")
def guard():
    return contentguard.load()


def categories(guard, document) -> set[str]:
    report = guard.check(document)
    return {f.category.split(".")[0] for f in report.findings if f.category.split(".")[0] in MINE}


def post(body, title=None):
    return {"title": title, "body": body, "kind": "post", "platform": "wechat"}


def comment(body):
    return {"body": body, "kind": "comment", "platform": "douyin"}


# ---- checksums decide ---------------------------------------------------------------------

def test_valid_id_number_fires_and_the_same_number_with_a_wrong_check_character_does_not(guard):
    valid = id_number("11010519900307123")
    assert "privacy" in categories(guard, post(f"恭喜中奖用户王先生，身份证号{valid}，请三日内联系客服领奖。"))
    assert categories(guard, post(f"您的订单号{broken(valid)}已发货，请注意查收。")) == set()


def test_id_number_split_by_spaces_still_fires(guard):
    valid = id_number("44030419851212341")
    spaced = f"{valid[:6]} {valid[6:14]} {valid[14:]}"
    assert "privacy" in categories(guard, comment(f"我的证件号 {spaced} 帮忙查一下"))


def test_bank_card_luhn_decides(guard):
    card = luhn_number("622202123456789012")
    assert "privacy" in categories(guard, post(f"退款请打到这张卡 {card}，户名李某。"))
    assert categories(guard, post(f"交易流水号 {broken(card)}，如有疑问请联系客服。")) == set()
    grouped = " ".join(card[i:i + 4] for i in range(0, len(card), 4))
    assert "privacy" in categories(guard, comment(f"卡号 {grouped} 麻烦退一下"))


def test_mobile_fires_but_hotlines_and_masked_numbers_do_not(guard):
    assert "privacy" in categories(guard, post("本期幸运用户：张女士，电话13812345678，奖品已寄出。"))
    assert "privacy" in categories(guard, comment("有问题直接打我电话：１３８ １２３４ ５６７８"))
    clean = post("如有疑问请拨打客服热线400-820-8820或800-810-1234，中奖用户138****5678请注意查收短信。")
    assert categories(guard, clean) == set()


def test_role_mailbox_of_a_company_is_clean_but_a_personal_mailbox_is_not(guard):
    assert categories(guard, post("媒体合作请联系 press@company.com，简历请投递 jobs@company.com。")) == set()
    assert "privacy" in categories(guard, post("有问题可以直接发我私人邮箱 zhangwei1988@163.com"))


# ---- confidentiality -----------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "内部数据显示本季度毛利率38%，比去年同期高了5个点。",
    "这批原料的采购价每吨4200元，比市场价低不少。",
    "听说这次的裁员名单已经定了，涉及两个事业部。",
    "2024年薪酬方案出炉，销售岗平均上调8%。",
    "以下为内部资料，请勿外传：下季度渠道返点调整为3%。",
    "內部數據顯示本季度毛利率38%。",
])
def test_trade_secrets_fire(guard, text):
    assert "confidentiality" in categories(guard, post(text))


@pytest.mark.parametrize("text", [
    "据公司2023年年度报告，全年实现营业收入52.3亿元，毛利率31.2%，净利润4.1亿元。",
    "【社会招聘】前端开发工程师，月薪8k-12k，五险一金，任职要求：三年以上经验。",
    "本店将于3月1日起进行内部装修升级，暂停营业，给您带来不便敬请谅解。",
    "我们的碎纸机达到P-4保密等级，适合处理合同、机密文件等办公资料。",
    "新品即将发布，售价尚未公布，敬请期待！",
])
def test_published_figures_job_ads_and_ordinary_words_do_not(guard, text):
    assert "confidentiality" not in categories(guard, post(text))


# ---- sensitive -----------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["网上赌场注册就送888", "寂寞吗？裸聊一对一", "有冰毒要的私聊",
                                  "賭博網站充值返水", "在线赌 博平台", "裸*聊"])
def test_prohibited_content_fires_in_any_spelling(guard, text):
    assert "sensitive" in categories(guard, comment(text))


@pytest.mark.parametrize("text", [
    "夏天来一支冰淇淋，限时秒杀活动今晚八点开始！",
    "小朋友在赌气不肯吃饭，我们打个赌：吃完就有精彩的动画片看。",
    "电脑装了杀毒软件还是中毒了，求推荐。",
    "国庆假期我们去了杭州灵隐寺，寺里的银杏很美，还在佛前许了个愿。",
    "热烈庆祝国庆节！中国制造，品质保证；本产品可享受政府补贴。",
    "舞台独唱表演非常精彩，西藏独特的高原风光也令人难忘。",
])
def test_traps_in_realistic_sentences_do_not_fire(guard, text):
    assert categories(guard, post(text)) == set()


def test_sensitive_findings_carry_sub_ids(guard):
    report = guard.check(comment("网上赌场，百家乐真人荷官"))
    assert any(f.category == "sensitive.gambling" for f in report.findings)


# ---- spam ------------------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["兼职日结300，加V", "手机刷单一单一结，加 v x 详聊", "有资源，薇信联系",
                                  "好物推荐好物推荐好物推荐好物推荐", "想了解的+微"])
def test_comment_spam_fires(guard, text):
    assert "spam" in categories(guard, comment(text))


def test_spam_rules_are_for_comments(guard):
    # An advert posted by the account itself is judged by the other packs, not as spam.
    assert "spam" not in categories(guard, post("兼职日结300，加V"))


@pytest.mark.parametrize("text", ["在微信上也能下单吗？", "哈哈哈哈哈哈哈哈哈哈", "加油加油加油！",
                                  "刷单就是诈骗，大家千万别信", "衬衫扣扣子要扣到第几颗"])
def test_ordinary_comments_are_not_spam(guard, text):
    assert "spam" not in categories(guard, comment(text))


# ---- abuse -----------------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["客服就是个傻逼", "沙比商家", "S B 小编", "nmsl", "你們全家不得好死",
                                  "这种垃圾博主也配推荐东西"])
def test_insults_fire(guard, text):
    assert "abuse" in categories(guard, comment(text))


@pytest.mark.parametrize("text", ["产品质量太差了，不会再买了", "客服态度很差，等了三天没人回复",
                                  "你们的产品是垃圾，退钱", "废物利用，旧衣服改造成环保袋",
                                  "打死我也想不到这么好吃"])
def test_criticism_without_insults_is_not_abuse(guard, text):
    assert "abuse" not in categories(guard, comment(text))
