"""Generalization probes, round E (#8): leaks told by insiders or flagged as not yet public, and
sensitive targets with a stance, a call or a wink.

Written from scratch for this round from POLICY.md's 保密性原则 and its list of prohibited content,
not taken from any data set (the fresh4 development set was only read for which *shapes* were missed).
Leaks come in the public's voice too: an employee, a former employee or a relative relaying an
inside fact (在职的说一句, 我小姨在他们总部做财务). Sensitive texts pair a target (a people, a faith, a
date, the leader, the state) with what is said of it. Clean traps share the words: a customer in a
shop, published results, teasers, password advice, refusals to disclose; strikes abroad, stocktaking
on 6月4日, festival greetings, a party-branch visit, a film about the 1960s, a Pooh toy. A few are in
traditional characters.

Run ``python -m tests.test_generalization_e`` for a recall / false-alarm summary per category.
"""

from __future__ import annotations

from tests.probes import print_probe_summary, probe_cases, probe_tests

DEFAULT_KIND = {"confidentiality": "staff_post", "sensitive": "comment"}

VIOLATING: dict[str, list] = {
    "confidentiality": [
        # an insider, or someone relaying one, in the public's voice
        ("comment", "我小姨在他们总部做财务，说上半年净亏了一个多亿"),
        ("review", "以前在这家酒店上过班，客房部一个月流失率快30%"),
        ("comment", "在职的说一句，这季度我们区的回款只完成了四成"),
        ("comment", "我就是他们家仓库的，双11实际发货才12万单"),
        ("mention", "我是你们的老员工，年终奖今年只发了半个月"),
        ("comment", "內部人士透露，這家連鎖今年要關掉一百多家店"),
        # "not out yet" next to a business fact
        "HR那边说今年调薪预算只有3%，还没正式通知，先别往外说",
        "刚开完会，下季度把华南仓并到华东仓，人员名单下周出，大家先别往外说",
        "新车型的指导价定在15.98万，官宣前大家别截图",
        "我們部門下個月要裁掉15個人，名單已經定了",
        # the account lets it slip
        ("reply", "不瞒您说，这款面膜下个月起要提价20%"),
        ("reply", "这批货是找宁波恒远纺织代工的，品质放心"),
        ("reply", "据内部测算，这个型号的返修率在3%左右"),
        "周会投影上是下半年的调价计划，涨幅不小",
        "老板住院了，做了心脏搭桥，公司的事现在是副总在管",
        ("post", "感谢老客户陈志明先生，陈先生在我行理财超过300万元"),
        # second batch: deals in progress, bids, customer data, pay, a relayed rumour
        ("staff_post", "公司准备收购一家做冷链的小公司，估值谈到了6000万，还没签"),
        ("staff_post", "我们和某地产集团成立合资公司的事基本定了，我们占股40%"),
        ("staff_post", "老板今天在晨会上说，下个月开始全员降薪10%"),
        ("staff_post", "刚看了下后台看板，今天GMV才38万，离目标差得远"),
        ("staff_post", "仓库新门禁密码是2580#，记一下"),
        ("staff_post", "我们的VIP客户名单里有好几个明星，比如上周来的那位歌手订了两套"),
        ("staff_post", "年终奖方案出来了，普通员工两个月，经理四个月"),
        ("staff_post", "销售冠军小刘这个月提成拿了4万8"),
        ("reply", "这款其实和大牌是同一个工厂出来的，就是浙江的宏美制衣"),
        ("staff_post", "这次投标我们报的是2860万，比上次低了5%"),
        ("comment", "我是他们家离职的设计师，新品其实是抄的，明年春季系列还没出我就看到了"),
        ("comment", "朋友在他们公司上班，说这个月开始拖欠工资了"),
        ("post", "【员工风采】财务部王敏今年绩效A，年终奖拿了6个月工资"),
        ("staff_post", "今天开会定了，明年广告预算砍一半，直播团队解散"),
        ("staff_post", "客户数据库导出来了，三万多条手机号，谁要拿去做回访"),
        ("staff_post", "下周三董事会要审议出售子公司的议案，先别声张"),
        # third batch: margins, store results, allowances, a CFO's exit, rent, rebates, mortgages
        ("staff_post", "我們這季度的毛利率只有12%，比去年掉了一半"),
        ("comment", "我在他們門店當店長，這個月業績才完成六成"),
        ("staff_post", "下个月起全员取消餐补，通知还没发"),
        ("reply", "其实这批货是清库存的，成本价才20，我们卖59"),
        ("staff_post", "董事会昨天定了，CFO下个月离职，接任的是从外面挖来的人，公告还没出"),
        ("staff_post", "办公室wifi旁边贴着财务系统的账号密码，大家注意"),
        ("staff_post", "新店的房租谈下来了，每月4.2万，签了五年"),
        ("staff_post", "我们和京东的返点谈到了6个点"),
        ("comment", "他们家财务的朋友说，老板已经把公司抵押出去了"),
        ("staff_post", "年会上老板透露明年要在港股上市，大家先别外传"),
        # fifth batch: the real cost, meeting minutes, dashboards, door codes, docked pay, a new CEO
        ("reply", "亲，这款的出厂价其实只有38，我们是薄利多销"),
        ("staff_post", "季度经营分析会的结论：华北区连续三个月亏损，考虑撤店"),
        ("staff_post", "今天的管理层会议纪要：Q3营收目标下调到1.2亿"),
        ("staff_post", "门店大屏上实时显示今天销售额已经破了50万"),
        ("staff_post", "我们仓库的门禁码换成了6688，别告诉外人"),
        ("staff_post", "店长这个月绩效被扣了2000，因为客诉太多"),
        ("staff_post", "年终奖名单出来了，我们组只有两个人拿到"),
        ("staff_post", "下周一公司要宣布新任CEO，是从阿里过来的"),
        ("staff_post", "我们最大的客户是一家央企，每年采购额在3000万左右"),
        ("staff_post", "新款手机的电池容量是5500毫安，下个月发布会才公布"),
        ("post", "好消息！我们即将被某知名集团收购，收购价每股12元"),
        ("reply", "您好，这款产品由东莞某电子厂代工，月产能只有2万台"),
        ("staff_post", "这次裁员名单上有我们部门的老李和小王"),
        ("comment", "我前同事在这家公司做运营，说日活早就跌破10万了"),
        ("staff_post", "我们的会员里消费最多的是一位姓周的女士，一年花了80多万"),
        ("staff_post", "公司的服务器密码统一是Abc@123"),
        ("staff_post", "內部群裡說明年起年終獎改成按季度發"),
        ("staff_post", "部门周报：本周新签客户12家，回款380万"),
        ("review", "我在这家店打过工，后厨的菜都是隔夜的，老板还克扣工资"),
        ("staff_post", "公司这次给供应商压价压了15%，不同意的就换掉"),
        # seventh batch: plain statements with no cue at all
        ("staff_post", "本月各门店销售排名：朝阳店86万第一，海淀店72万第二"),
        ("staff_post", "公司决定年底把客服部整体外包出去"),
        ("staff_post", "新款奶茶12月上线，名字叫雪顶桂花，定价19"),
        ("reply", "这款下个月会降价200，现在买不划算"),
        ("staff_post", "老板说今年年终奖按1.5个月发"),
        ("staff_post", "研发部的张工下个月要跳槽去竞争对手那了"),
        ("post", "我们今年的目标是开到300家店，目前已经签了180家"),
        ("staff_post", "新系统上线后，后台登录地址是admin.xxx.com，账号用工号"),
        ("staff_post", "给大家看看我们的销售看板，这个月华东区完成率只有62%"),
        ("staff_post", "会上说下半年要砍掉三条产品线"),
        ("reply", "我们的面粉一直是从中粮拿的，一吨3800"),
        ("staff_post", "明年的薪资普调幅度定了，平均3%"),
        ("staff_post", "周末加班的同事注意，这个月加班费不发了，改成调休"),
        ("staff_post", "我们和A公司的合作其实已经谈崩了，下个月就停止供货"),
        ("staff_post", "新来的副总年薪两百万，还配了车"),
    ],
    "sensitive": [
        "周末大家一起到省政府门口拉横幅，人越多越好",
        "听说昨晚那边镇上死了好几个人，新闻都被删了，快扩散",
        "共产党早晚要垮，看谁笑到最后",
        "庆丰帝又出来讲话了，你懂的",
        "新疆人都是小偷，别让他们进小区",
        "穆斯林都是恐怖分子",
        "支持哈马斯，这次炸得解气",
        "看到日本车就砸，这才是爱国",
        "文革那会儿多好，真该再来一次",
        ("post", "八九年的那个春天，我们永远记得，那些年轻人不该被遗忘"),
        ("post", "光复香港主题T恤限量发售"),
        ("staff_post", "公司规定信基督的员工优先晋升，不信的年终奖减半"),
        ("staff_post", "言论自由都没了，翻墙出去才知道真相"),
        "跟着大师练功，癌都好了，医院都不用去",
        "台灣從來就不屬於中國",
        # second batch: disasters and memorial days used for sales, lures, threats, jokes on a people
        ("post", "地震了大家挺住！本店所有商品八折，下单送口罩"),
        ("post", "小编讲个笑话：有个新疆人去银行……"),
        ("comment", "想要妹子上门服务的私聊，全城空降"),
        ("comment", "出售仿真枪，钢珠的，威力大，懂的来"),
        ("comment", "百家乐真人荷官，首充送50%，加我带你赢"),
        ("comment", "叶子、冰都有，同城可送"),
        ("comment", "你们老板再不退钱，我就拿刀去店里找他"),
        ("comment", "台湾就是一个国家，不服来辩"),
        ("post", "今天是南京大屠杀纪念日，全场89折，记得下单哦"),
        ("post", "九一八到了，勿忘国耻，全场9.18折"),
        ("comment", "打倒共产党，推翻独裁"),
        ("staff_post", "我们老板是某教派的，天天在群里发传教的东西，让我们周末去听道"),
        ("post", "我们店的黑人模特太黑了，拍照都找不到脸哈哈"),
        ("comment", "那些吃猪肉的都该下地狱"),
        ("comment", "明天晚上八点，全市的外卖骑手一起停工，到平台总部门口讨薪"),
        # third batch: slogans, owners gathering at a sales office, cults, attacks on the party
        ("comment", "台獨萬歲，台灣是台灣人的"),
        ("comment", "下周六全体业主到开发商售楼处集合维权，一个都不能少"),
        ("post", "纪念香港回归？不，我们纪念的是那些为自由流血的人"),
        ("comment", "西藏人民被压迫了几十年，支持藏独"),
        ("comment", "全能神才是真神，末日来临前快入教"),
        ("comment", "支那猪滚出台湾"),
        ("post", "小编觉得那个政党早晚要倒台，大家懂的"),
        ("comment", "新闻联播全是假的，这个国家没救了"),
        # fourth batch: lures in comments, threats, disasters and faith in sales, the leader by name
        ("comment", "晚上寂寞的私我，有学生妹，包夜800"),
        ("comment", "足彩内部消息，稳赚不赔，跟单的进群"),
        ("comment", "网上赌场，充100送100，日赚上千，看我主页"),
        ("comment", "需要k的滴滴，本地当面"),
        ("comment", "气枪、弩都有货，顺丰包邮，懂的私聊"),
        ("comment", "你们家店我记住了，等着，晚上给你们点把火"),
        ("comment", "再敢卖假货，我弄死你们老板"),
        ("post", "台风过境，全场五折，风越大折扣越大"),
        ("post", "洪水无情人有情，今天下单立减50"),
        ("post", "我们老板说了，信主的顾客一律九折"),
        ("staff_post", "我们公司信仰佛教，每个新员工入职都要去寺里皈依"),
        ("post", "小编是虔诚的穆斯林，真主才是唯一的神，大家都应该信"),
        ("comment", "东突才是新疆的主人，汉人滚出去"),
        ("comment", "支持乌克兰打到莫斯科，普京去死"),
        ("post", "美国大选我们支持特朗普，下单就送MAGA帽"),
        ("comment", "習近平下台！"),
        # sixth batch: foreign wars and systems, memorial days sold, faiths condemned, coded dates
        ("post", "小编觉得普京这次打得对，乌克兰活该"),
        ("post", "中美贸易战，我们坚决站美国这边"),
        ("staff_post", "说实话我觉得还是西方的制度好，至少人家能选领导"),
        ("post", "南海是菲律宾的，我们店支持仲裁结果"),
        ("post", "为纪念九一八，本店推出“918元抗日套餐”"),
        ("post", "今天是国家公祭日，直播间限时秒杀，手慢无"),
        ("post", "穆斯林顾客请注意：本店不欢迎戴头巾的人"),
        ("reply", "您说的没错，那些搞宗教的都是骗子，不如信我们的产品"),
        ("comment", "加入我们的查经班，信耶稣得永生，不信的都要下地狱"),
        ("comment", "共产党就是最大的黑社会"),
        ("comment", "下个月六号全国司机大罢工，大家都停车"),
        ("comment", "这个月的事情大家都知道了吧，8平方，懂的都懂"),
        ("post", "本店特推“五月三十五日”纪念款T恤"),
        ("comment", "维吾尔族都是恐怖分子，应该全部抓起来"),
        ("comment", "九评共产党，看完你就明白了，私信我发你"),
    ],
}

CLEAN: dict[str, list] = {
    "confidentiality": [
        ("review", "我在这家店做了美甲，花了200元，手艺不错"),
        "今天是我在公司上班的第1000天，感谢大家",
        ("review", "作为在这家酒店住过多次的客人，房价合理"),
        ("post", "新品发布会定于3月15日，敬请期待"),
        ("post", "据公司2025年年报显示，营收增长12%"),
        ("post", "招聘：销售代表，底薪4000+提成，五险一金"),
        "提醒：电脑密码不要贴在显示器上，请定期更换",
        ("reply", "您好，代工厂信息不便透露，产品质量由我们负责"),
        ("post", "喜报！我司与某集团签约，共同开拓华南市场"),
        ("comment", "我朋友在这家健身房办了卡，2000一年"),
        ("staff_post", "明天是小王生日，大家先别说，给她个惊喜"),
        ("reply", "说实话，这款是我们卖得最好的，欢迎试试"),
        ("post", "本公司2025年半年度报告已于8月28日披露，营收同比增长9%"),
        ("post", "我们完成了对某冷链公司的收购，详见公司公告"),
        ("staff_post", "今天晨会学习了安全生产规定"),
        ("post", "门禁卡丢失请到前台补办"),
        ("staff_post", "今年公司组织了两次体检，大家记得去"),
        ("reply", "亲，我们的产品都是自有工厂生产的，放心购买"),
        ("post", "诚邀供应商参与我司2026年包材采购招标，报名截止3月1日"),
        ("comment", "他们家衣服和大牌同一个工厂？我不信"),
        # third batch: boasts, teasers, prize pools, job ads, a customer's deposit, refusals
        ("post", "我们的门店数量已突破500家，感谢一路支持"),
        ("reply", "亲，新品预计下月上市，具体时间请关注官方公告"),
        ("post", "本次活动总奖池10万元，参与转发即可抽奖"),
        ("post", "财报显示，公司三季度营收同比增长15%"),
        ("staff_post", "我在这家公司工作五年了，感恩遇见"),
        ("comment", "我在这家银行存了5万，利率太低了"),
        ("review", "酒店前台说今天满房了，只能换到别家"),
        ("post", "诚聘财务主管：月薪1.5万-2万，有上市公司经验优先"),
        ("staff_post", "公司组织员工体检，老板也一起参加"),
        ("reply", "您好，具体的供应商信息属于商业秘密，恕不透露"),
        ("post", "新店开业前，我们对所有员工进行了两周培训"),
        ("comment", "听说这家店要关门了？真的假的"),
        ("post", "我们与某大学签署战略合作协议，共建联合实验室"),
        ("staff_post", "今天的周会上，总监表扬了客服团队"),
        # fifth batch: factory-direct prices, report templates, announced appointments, own tenure
        ("post", "本店出厂价直销，没有中间商赚差价"),
        ("post", "我们的门店大屏可以实时查询会员积分"),
        ("staff_post", "公司年会定在1月20日，地点在国际会展中心"),
        ("post", "热烈欢迎新任CEO张先生加入，详见公司公告"),
        ("post", "本公司已于今日发布2025年第三季度报告"),
        ("staff_post", "新同事入职培训：请大家设置复杂密码并定期修改"),
        ("reply", "亲，这款手机电池容量5000毫安，支持快充"),
        ("post", "感谢会员周女士的好评，已为您送上优惠券"),
        ("review", "店员说这款卖得最好，一天能卖几十件"),
        ("comment", "听说这家公司要被收购了？有没有知道的"),
        ("post", "我们是一家年营收过亿的企业，诚聘销售精英"),
        ("staff_post", "部门周报模板已更新，请大家周五前提交"),
        ("post", "【公告】关于董事会换届选举的公告"),
        ("comment", "我在这家公司上班三年了，同事都很好"),
    ],
    "sensitive": [
        ("post", "国庆节快乐，全场8折"),
        ("post", "6月4日仓库盘点，暂停发货一天"),
        "法国大罢工，巴黎地铁停运，出行注意",
        ("post", "开斋节快乐，清真餐厅营业时间调整为晚7点"),
        ("post", "小熊维尼毛绒玩偶上新，迪士尼正版"),
        "西藏的天空真蓝，布达拉宫太美了",
        ("post", "党支部组织党员参观红色教育基地，重温入党誓词"),
        "这部电影讲的是文革时期的故事，很感人",
        "不要歧视少数民族，大家都是同胞",
        ("post", "我们公司成立于1989年，三十多年专注做好一杯茶"),
        "台湾自古以来就是中国的领土",
        "这个游戏里的大选模式太好玩了",
        ("post", "地震灾区需要帮助，我们捐赠了500箱饮用水"),
        ("post", "南京大屠杀死难者国家公祭日，本店今日暂停营业，深切悼念"),
        ("comment", "九一八，勿忘国耻，吾辈自强"),
        ("post", "澳门美食之旅：葡挞、猪扒包都很赞"),
        ("comment", "玩具枪被没收了，儿子哭了一晚上"),
        ("comment", "这家火锅的毛肚上头，吃一口就停不下来"),
        ("post", "中秋节快乐，月饼买二送一"),
        ("comment", "我也想吃叶子上的露水，哈哈"),
        # third batch: the handover, condemning separatists, dances, lawful complaints, festivals
        ("post", "香港回归25周年，愿东方之珠更加璀璨"),
        ("comment", "台独分子必须严惩，台湾是中国不可分割的一部分"),
        ("post", "藏族同胞的锅庄舞跳得真好"),
        ("comment", "业主群里在讨论物业费的事，大家理性沟通"),
        ("post", "本店员工自愿参加的读经会，每周五晚"),
        ("comment", "新闻联播今天报道了我们县的扶贫成果"),
        ("post", "清明节，缅怀先烈"),
        ("comment", "维权要走法律途径，别去堵门"),
        ("post", "寺庙祈福一日游，含素斋"),
        ("comment", "罢工是法国人的传统节目了"),
        ("post", "国际劳动节快乐，全场满减"),
        ("comment", "大大的笑脸送给你"),
        # fourth batch: a casino scene, a match, ice cubes, relief work, Ramadan hours, a visit
        ("comment", "这个剧的赌场戏拍得真好"),
        ("comment", "今晚的足球比赛太精彩了"),
        ("comment", "我家猫把冰块当玩具"),
        ("post", "防洪抗灾，我们在行动，向一线救援人员致敬"),
        ("post", "台风天注意安全，门店暂停营业一天"),
        ("comment", "射击馆体验了一把气枪，挺好玩"),
        ("post", "圣诞快乐！今晚店里有圣诞老人派礼物"),
        ("post", "斋月期间，清真餐厅白天暂停营业"),
        ("comment", "普京访华的新闻看了吗"),
        ("comment", "等着你们上新，我记住了"),
        # sixth batch: closing on a memorial day, halal meals, a question about a strike, 8平方米
        ("post", "九一八，勿忘国耻，今日本店暂停营业"),
        ("post", "国家公祭日，全体员工默哀一分钟"),
        ("post", "普京访华期间，我们的俄罗斯商品专区很受欢迎"),
        ("comment", "中美关系的新闻看得我头疼"),
        ("post", "本店为穆斯林顾客提供清真餐食"),
        ("comment", "查经班在哪里报名？我是信徒"),
        ("comment", "明天罢工吗？我要去上班的"),
        ("post", "我们门店面积8平方米，小而美"),
        ("post", "5月25日至5月31日，全场八折"),
        ("comment", "新疆的葡萄干太好吃了，维吾尔族大叔很热情"),
    ],
}

# Known gaps, left out of the assertions and named in the closing note.
# A veiled commemoration with no date, slogan or wink word (纪念…为自由流血的人) needs more than a rule.
# A member of the public cheering one side of a foreign war is an opinion, not prohibited content here;
# the curse in it is the abuse pack's.
# A store-count target in the account's own post is often announced on purpose; the rules leave it.
KNOWN: set[str] = {"纪念香港回归？不，我们纪念的是那些为自由流血的人", "支持乌克兰打到莫斯科，普京去死",
                   "我们今年的目标是开到300家店，目前已经签了180家"}


def _cases(table):
    return probe_cases(table, DEFAULT_KIND, KNOWN)


test_violation_is_flagged, test_clean_trap_is_not_flagged = probe_tests(VIOLATING, CLEAN, DEFAULT_KIND, KNOWN)


if __name__ == "__main__":  # a summary: recall on violations, false alarms on traps
    import sys

    print_probe_summary(VIOLATING, CLEAN, DEFAULT_KIND, KNOWN, verbose="-v" in sys.argv)
