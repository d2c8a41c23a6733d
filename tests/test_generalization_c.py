"""Generalization probes, round C: confidentiality and sensitive recall, exaggeration precision.

Written from scratch for the blind-evaluation weak spots (not taken from any data set): casual
employee leaks without an "internal" marker, casual threats, drug slang, coded political dates,
weapon sales, coerced religious activity; and clean traps that share words with them, plus set
phrases with 第一 and quoted absolute claims that warn against them.

Run ``python -m tests.test_generalization_c`` for a recall / false-alarm summary per category.
"""

from __future__ import annotations

import contentguard
from tests.probes import fired, probe_cases, probe_tests

DEFAULT_KIND = {"confidentiality": "post", "sensitive": "comment", "exaggeration": "post"}

VIOLATING: dict[str, list] = {
    "confidentiality": [
        # personnel rumours
        "听说王总下个月要被调走了，接替的人还没定",
        "下个月要换总经理了，新来的据说是集团派下来的",
        "我们部门的李经理要离职了，下周就走，大家还不知道",
        "小道消息，财务总监被免职了，正在查账",
        "据说我们区域经理要被撤了，业绩太差",
        "销售总监已经提了辞职，老板在挽留",
        "听说CEO要退休了，董事会在物色接班人",
        # bonus and pay cuts
        "今年年终奖取消了，大家心里有个数",
        "绩效工资砍半，下个月开始执行",
        "刚收到降薪通知，全员降15%",
        "今年年终奖只发一个月，去年还是四个月",
        "下个月起我们的提成比例从5%降到3%",
        "公司说这个季度的奖金先不发了，等业绩好了再补",
        # commissions and kickbacks
        "我们卖一单提成30%，所以使劲推这款",
        "跟医院科室主任的回扣是每盒10块",
        "我们给渠道的返佣比例是15个点",
        "业务员拿货的返点有8%，外面的人不知道",
        # supplier prices stated plainly
        "我们从东莞那家厂拿货才18元一件，店里卖199",
        "进货价才35块，标价298，利润你们自己算",
        "我们店的牛肉是从批发市场拿的，一斤才22块",
        "这批面料是从绍兴厂家进的，每米只要6块钱",
        # unannounced deals
        "我们正在和一家上市公司谈收购，快签了",
        "老板说和京东的合作快谈成了，下个月签约",
        "公司在跟红杉谈B轮融资，估值20亿",
        "我们要被阿里收购了，还在走流程",
        # internal rulebooks quoted
        "员工手册规定加班不给加班费，只能调休",
        "内部制度写着，迟到三次扣全月绩效",
        "公司规章里写着客户投诉一次罚款200元",
        # code-mixed obfuscation
        "nei部消息，下周要裁员了",
        "bu要外传哦，我们今年亏了好几千万",
        "neibu通知：明年工资冻结",
        "这个是baomi的，新款手机下个月发布，售价3999",
        "内bu消息，分公司要撤了",
    ],
    "sensitive": [
        # casual threats of arson / attacks
        "再不退钱我一把火烧了你们店",
        "信不信我一把火把你们厂点了",
        "明天我拿汽油去你们门店，大家一起死",
        "等着，我带刀去你们公司找那个客服",
        "再骗人就去你们店门口泼汽油",
        "你们老板住哪我知道，晚上去砍他",
        "老子明天开车撞死你们门口那些人",
        "迟早把你们公司炸了",
        # drug slang and vape drugs
        "上头电子烟有货，抽一口飘半天，私聊",
        "烟油加了料的，抽完特别嗨，懂的来",
        "听话水出售，无色无味，效果好",
        "神仙水现货，夜店必备",
        "奶茶有货，老规矩，同城送，量大从优",
        "卖奶茶的，一克300，懂的私聊",
        "迷药出售，一滴见效",
        "G水有货，私聊",
        "依托咪酯烟油，抽完很上头，私信",
        "上头烟弹，一颗就飘，代发",
        # politically coded dates, used provocatively
        "5月35日快到了，大家都记得吧",
        "永远不要忘记5月35日",
        "8平方的事情不能忘，年轻人要知道真相",
        "六四天安门，永远铭记",
        "今天是五月三十五日，你懂的",
        "8平米，蜡烛点起来",
        # weapon sales in pinyin / abbreviations
        "出售仿真枪，威力大，可打穿木板",
        "卖qiang，五四式，私聊",
        "出qiang，包邮，懂的来",
        "气qiang出售，配铅弹",
        "仿真枪出售，全金属，可发射",
        "有需要枪支的私聊，全国发货",
        "出手弩，狗弩，钢珠弹",
        # coercing employees into religious activity
        "公司规定全体员工每周日必须去教堂做礼拜，不去扣工资",
        "老板要求所有员工早上一起念经拜佛，不参加的罚款",
        "新员工必须受洗入教才能转正",
        "我们公司强制员工参加查经班，不去就算旷工",
    ],
    "exaggeration": [
        "本店销量全国第一",
        "行业第一品牌，值得信赖",
        "100%有效，无效退款",
        "全网最低价，错过再无",
        "国家级产品，品质保证",
        "效果最好的面霜",
        "销量第一的国货品牌",
        "全国第一家专业店",
        "服务第一，价格最低，全网独家",
        "同行业第一，口碑爆棚",
        "全球第一的技术",
        "排名第一的网红面膜",
        "行业NO.1，值得拥有",
        "史上最强优惠",
        "全城最低价，抢到就是赚到",
        "顶级工艺，极品好茶",
        "100%纯天然，无任何添加",
        "百分百有效，不满意退款",
        "第一品牌，遥遥领先",
        "国家级专家推荐",
        "世界领先的科技",
        "最好用的洗发水，没有之一",
        "全网第一销量",
        "独一无二的设计，全球首发",
        "100%治愈率",
        "市场占有率第一",
        "天猫第一的店铺",
        "效果最佳的祛痘产品",
        "唯一真正有效的减肥茶",
        "口碑第一，质量最好",
    ],
}

CLEAN: dict[str, list] = {
    "confidentiality": [
        "热烈祝贺王明同志被任命为公司总经理",
        "公告：经董事会决议，聘任李华为公司副总裁",
        "本店商品明码标价，牛肉每斤45元",
        "官网价格：基础版每月99元，专业版199元",
        "招聘销售代表，底薪5000加提成，欢迎投递简历",
        "诚聘店长，月薪8000-12000，五险一金",
        "我昨天在他们家买的外套，花了299，挺值",
        "我在超市买的牛肉才30一斤，比菜市场便宜",
        "我们的隐私政策已在官网公布，欢迎查阅",
        "公司官网公开的员工行为准则，欢迎大家监督",
        "今天是我入职的第一天，同事们都很友好",
        "祝贺我司与京东正式签署战略合作协议",
        "公司宣布完成B轮融资，由红杉领投",
        "年终奖怎么算才能少交税？一文讲清楚",
        "提成制度怎么设计比较合理？求建议",
        "劳动法规定加班需要支付加班费",
        "反对商业贿赂，拒绝回扣，廉洁从业",
        "我们的新品已于今天正式上市，售价3999元",
        "听说楼下新开了一家面馆，味道不错",
        "我要离职了，感谢大家这三年的照顾",
        "下个月要换季了，记得添衣服",
        "总经理在年会上给大家拜年",
        "客户说他在别家买才18元一件，问我们能不能便宜",
        "老板说今天请大家喝奶茶",
        "员工手册在入职时会发给每位新员工",
        "这个问题我们内部讨论一下再回复您",
        "谢谢关注，我们会继续努力",
        "公司公告：张总因个人原因辞去总经理职务",
        "明年年终奖能多发点就好了",
        "小区门口的超市在招收银员，有兴趣的看看",
        "拿货价多少合适？新手开店求教",
    ],
    "sensitive": [
        "本店电子烟烟油均为正规品牌，未成年人禁止购买",
        "烟油口味有芒果、薄荷、西瓜，欢迎选购",
        "今天的奶茶第二杯半价",
        "新出的芝士奶茶超好喝，推荐",
        "5月3日我们店周年庆",
        "5月25日至5月31日全场八折",
        "我家卧室只有8平方，怎么布置",
        "这个阳台8平方米，放了好多花",
        "烧烤店新店开业，一把火烤出好味道",
        "这个游戏角色一把火烧了敌方营地，太帅了",
        "消防演练：发现火情立即拨打119",
        "仿真枪危害大，家长要注意",
        "警方收缴非法枪支200余支",
        "玩具水枪夏日特惠",
        "圣诞节教堂很漂亮，我们去参观了",
        "员工自愿参加的读书会，每周五下午",
        "宗教信仰自由，公司不得强迫员工参加宗教活动",
        "我今天去寺庙拜佛了，求个平安",
        "神仙水是某大牌精华的昵称，用了皮肤好",
        "这款精华被称为神仙水，补水效果不错",
        "喝完这杯咖啡太上头了",
        "这首歌好上头，单曲循环",
        "禁毒宣传：远离新型毒品，警惕上头电子烟",
        "警惕听话水等新型毒品，保护自己",
        "这家火锅太辣了，吃得我想把店都烧了哈哈",
        "我的心被点燃了",
        "钢笔墨水和奶茶洒了一桌",
        "射箭馆体验，弓箭教练很专业",
        "游戏里的qiang法真准",
        "五月三十日端午节放假安排",
        "我们在江边放烟花，好美",
    ],
    "exaggeration": [
        "安全第一，预防为主",
        "顾客第一，服务至上",
        "客户第一，诚信经营",
        "质量第一，用户至上",
        "本店位于第一市场二楼",
        "第一医院门口新开的店",
        "这是我们店的第一位顾客",
        "第一对进场的新人",
        "比赛第一名的同学获得了奖学金",
        "谨防\"100%有效\"之类的宣传",
        "不要相信所谓\"全网最低价\"的广告",
        "警惕\"国家级\"、\"最好\"这类夸大宣传",
        "看到\"100%治愈\"的广告一定要小心，都是骗人的",
        "广告法禁止使用\"第一\"\"最佳\"等绝对化用语",
        "凡是号称\"100%有效\"的保健品都不可信",
        "我们不会说自己是\"行业第一\"，只想做好产品",
        "友谊第一，比赛第二",
        "健康第一，工作第二",
        "第一中学的老师们辛苦了",
        "第一人民医院开展义诊活动",
        "这是我人生中第一套房子",
        "他是我们村第一个大学生",
        "第一百货商场今天打折",
        "学习第一，娱乐第二",
        "孩子第一，家长加油",
        "别被\"最低价\"忽悠了",
        "遇到\"绝对有效\"的说法要提高警惕",
        "第一桶金是怎么赚到的",
        "第一汽车集团发布新车型",
        "生命第一，救援第一",
        "警惕所谓\"全国第一\"的虚假宣传",
    ],
}

# Known misses of the recall side of exaggeration (not this round's target), left out of the
# assertions and listed in the closing note: 第一家 is an allow term, 领先 and 唯一 are in the sensitive
# tier or not matched in these shapes.
KNOWN: set[str] = {"全国第一家专业店", "世界领先的科技", "唯一真正有效的减肥茶"}


def _cases(table):
    return probe_cases(table, DEFAULT_KIND, KNOWN)


test_violation_is_flagged, test_clean_trap_is_not_flagged = probe_tests(VIOLATING, CLEAN, DEFAULT_KIND, KNOWN)


if __name__ == "__main__":  # a summary: recall on violations, false alarms on traps
    import sys

    g = contentguard.load()
    verbose = "-v" in sys.argv
    for category in VIOLATING:
        violating = [p.values for p in _cases({category: VIOLATING[category]})]
        clean = [p.values for p in _cases({category: CLEAN[category]})]
        hits = [b for _, k, b in violating if category in fired(g, k, b)]
        fa = [b for _, k, b in clean if category in fired(g, k, b)]
        print(f"{category}: recall {len(hits)}/{len(violating)}, false alarms {len(fa)}/{len(clean)}")
        if verbose:
            for _, k, b in violating:
                if category not in fired(g, k, b):
                    print("  MISS", b)
            for b in fa:
                print("  FA  ", b)
