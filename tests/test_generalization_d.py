"""Generalization probes, round D (#8): leaks and sensitive topics in the company's own voice.

Written from scratch from POLICY.md's 保密性原则 (经营数据、财务数据、薪酬情况、员工信息、公司管理制度、
人事制度、合作供应商信息; unreleased plans, internal meetings, customers) and its topics rule (「避免涉及敏感
领域的话题——政治或宗教进行评论」), not taken from any data set. The leaks carry no "not public" cue
(no 内部, 偷偷, 还没公布): the company or a staff member simply states an internal figure, a plan, a
supplier's price or a colleague's pay. Voices: ``post`` and ``reply`` (the account), ``staff_post`` (an
employee's own post). Clean traps share the words: published figures with their source, job ads,
teasers that wait for the launch, customers guessing, news reporting politics, travel notes on temples,
festival greetings. A few of each are in traditional characters.

Run ``python -m tests.test_generalization_d`` for a recall / false-alarm summary per category.
"""

from __future__ import annotations

from tests.probes import print_probe_summary, probe_cases, probe_tests

DEFAULT_KIND = {"confidentiality": "staff_post", "sensitive": "post"}

VIOLATING: dict[str, list] = {
    "confidentiality": [
        # operating and financial figures stated by the company or its staff, no "internal" cue
        "公司今年利润比去年少了三成，年底奖金估计悬了",
        "我们公司上个月营业额只有80万，房租都快交不起了",
        "咱们厂这季度产量只完成了计划的六成",
        "我司上半年亏损1.2亿元，主要是原材料涨价",
        ("post", "本月门店营收230万，环比下降12%，各店长注意"),
        "我们平台现在月活350万，付费用户不到4%",
        "我们这个月的退货率到了15%，客服都忙疯了",
        "公司目前账上的现金只够撑三个月",
        "我们店一天流水也就四五千，周末好一点",
        "今年我们品牌在京东的销售额是2.3亿，天猫1.8亿",
        "咱们华东区这季度销量下滑了18%",
        "我们酒店这个月平均房价只有268，比去年低了40块",
        ("reply", "亲，这款我们一个月能卖出两万多单，库存还剩3000件"),
        "我們公司今年營收掉了兩成，老闆很焦慮",
        "本公司去年的净利润只有800多万，比前年少了一半",
        # unreleased products and plans, stated plainly
        "下个月将上线的新品是一款智能手表，定价1299元，续航14天",
        "我们正在研发的第三代扫地机明年4月上市，售价会在3000左右",
        "公司计划明年在成都、重庆再开5家门店，预算每家300万",
        "新款SUV定在9月15号发布，起售价14.98万，目前还在路试",
        "我们下一代手机用的是自研芯片，屏幕是6.8寸，年底量产",
        "集团打算明年把杭州工厂关掉，产线搬到安徽",
        "公司明年准备涨价，全线产品上调8%左右",
        "下季度我们会推出199元的会员套餐，替换现在的99元档",
        "我們計劃明年第二季度推出新款耳機，售價899元",
        # suppliers, contractors and customers with their terms
        "我们的供应商是宏达化工，每吨价格比市场价低600",
        "我们家面膜的代工厂是广州的美臻生物，一片成本1块2",
        "我们的快递是和中通签的，每单3块1",
        "我们最大的客户是某国产车企，占了公司营收的35%",
        "我们跟华润的合同一年是1800万，明年续签",
        "公司前五大客户贡献了六成的收入，其中比亚迪一家就占两成",
        "我们的物流合作方顺丰给的运费是首重8元",
        "我們的供應商是台灣的精密廠，每件報價3.2美元",
        # salaries and named staff
        "财务部小李月薪1.2万，比我们高一大截",
        "新来的实习生一个月才3000，还不包吃住",
        "我们部门平均工资8500，经理拿两万多",
        "王姐这个月工资被扣了500，就因为迟到两次",
        "我们公司销售的底薪是2800，提成另算",
        "张经理年终奖拿了十万，我们才三千",
        # named staff and their personal data
        "仓库的老陈上周住院了，查出来是肺癌，大家多关心",
        "客服小周因为怀孕下个月开始休产假，她的客户转给我",
        "我们部门的刘静刚离婚，最近状态不好",
        "财务王芳的手机号是13912345678，报销找她",
        # management and HR rules
        "公司规定迟到一次扣100，一个月超过三次取消全勤",
        "我们公司试用期不交社保，转正以后才交",
        "我们公司加班没有加班费，只能换调休",
        "公司新出的考核制度：每月排名后10%的直接降级",
        # meetings
        "今天管理层开会定了，明年全员不涨薪",
        "上午的经营分析会上，老板说华南区今年要砍掉三个门店",
        # dashboards and screenshots
        "分享一下我们后台的数据：昨天GMV 86万，转化率3.1%",
    ],
    "sensitive": [
        # the account or a staff member commenting on politics
        "这次的延迟退休政策太坑了，我们员工都不同意",
        "小编觉得这次美国大选特朗普肯定会赢",
        "俄乌战争谁对谁错，我们心里都有数，普京没错",
        "作为一名员工，我坚决支持香港的年轻人",
        "我们公司支持巴勒斯坦，以色列就是侵略者",
        "现在的政府管得太宽了，做生意越来越难",
        "领导人这次的讲话我们全体员工都不认同",
        "中美关系搞成这样，都是美国政客的错，小编忍不住说两句",
        "選舉結果出來了，小編覺得民進黨一定會輸",
        "小编认为日本就该被制裁，排放核污水的国家不配有好下场",
        # the account or a staff member on religion
        "今天是圣诞节，愿主保佑大家，信主得永生",
        "小编信佛多年，劝大家都皈依佛门，积德行善",
        "佛教才是真理，其他宗教都是迷信",
        "我们老板信基督，欢迎大家周日来我们公司的查经班",
        "真主至大，斋月里我们全体员工一起祈祷",
        "小編推薦大家讀聖經，信耶穌才能得救",
        "基督教就是洗脑，小编劝大家别信",
        "伊斯兰教太极端了，我们店不欢迎穆斯林",
    ],
}

CLEAN: dict[str, list] = {
    "confidentiality": [
        # published figures and their source
        ("post", "据公司2024年半年度报告，上半年营业收入23.6亿元，同比增长8%"),
        ("post", "公司发布一季度业绩公告：净利润1.2亿元"),
        ("post", "感谢大家！我们的月活用户突破1000万啦"),
        ("post", "喜报！本店今年销售额突破500万，感谢每一位顾客"),
        ("post", "本店营业时间早9点到晚10点，节假日不休"),
        ("post", "我们酒店共有客房268间，欢迎预订"),
        ("post", "全场满300减50，活动截止到本月底"),
        ("post", "这款面膜一盒10片，到手价99元"),
        ("post", "本产品月销2万+，好评率99%"),
        ("post", "已售3000件，库存紧张，欲购从速"),
        ("post", "去年全国快递业务量达1320亿件（国家邮政局数据）"),
        # teasers and launches
        ("post", "新品即将上市，敬请期待"),
        ("post", "新款智能手表今日正式发布，售价1299元，欢迎选购"),
        ("post", "下个月我们将举办新品发布会，欢迎预约观看直播"),
        ("post", "新店下月开业，开业当天全场八折"),
        ("post", "秋冬新款已上新，定价199元起"),
        ("post", "9月15日新车上市发布会，锁定直播间，起售价届时揭晓"),
        # partners announced, materials advertised
        ("post", "喜报！我司与华润集团正式签署战略合作协议"),
        ("post", "面料采用日本东丽进口纤维，透气速干"),
        ("post", "顺丰包邮，下单后48小时内发货"),
        ("post", "诚招优质供应商，欢迎在采购平台注册"),
        ("post", "我们的合作伙伴遍布全国30个省份"),
        # jobs and pay in public
        ("post", "招聘店员：底薪3500+提成，五险一金，月休4天"),
        ("post", "诚聘销售经理，月薪1.5万-2.5万"),
        ("post", "2023年城镇非私营单位平均工资为12万元"),
        # staff life without secrets
        ("staff_post", "今天是我入职的第一天，同事们都很友好"),
        ("staff_post", "加班到十点，终于把方案做完了"),
        ("staff_post", "部门聚餐，老板请客吃火锅"),
        ("staff_post", "恭喜同事小刘喜得千金！"),
        ("staff_post", "我们公司今年组织去云南团建，太开心了"),
        # the public guessing or quoting the news
        ("comment", "这种面膜成本才几毛钱，纯纯智商税"),
        ("comment", "听说他们家今年亏了，不知道真的假的"),
        ("post", "某新能源车企公布三季度财报，净亏损12亿元"),
        ("post", "我們的門店營業時間為早上九點到晚上十點"),
        # advice and questions
        ("post", "公司利润怎么算？一文讲清毛利和净利的区别"),
        ("post", "小店月营业额多少才能保本？新手开店必看"),
        ("reply", "亲，这款目前有货，下单后当天发出哦"),
        ("reply", "您好，价格以下单页面为准，谢谢支持"),
    ],
    "sensitive": [
        ("post", "外交部发言人就美国大选答记者问"),
        ("post", "新华社：国务院常务会议部署稳就业政策"),
        ("post", "政府出台新能源汽车补贴政策，购车最高补1万"),
        ("post", "周末去灵隐寺走走，寺里的银杏很美"),
        ("post", "圣诞快乐！全场满200减30"),
        ("post", "平安夜，送你一个平安果"),
        ("post", "中秋节快乐，愿大家阖家团圆"),
        ("post", "斋月期间，本店清真餐厅营业时间调整为晚7点"),
        ("post", "我们支持消费者七天无理由退货"),
        ("post", "延迟退休政策解读：哪些人受影响？"),
        ("post", "俄乌冲突导致欧洲天然气价格上涨，影响化工原料成本"),
        ("post", "这本书讲述了佛教在中国的传播历史，推荐阅读"),
        ("post", "参观故宫，感受中国传统文化"),
        ("staff_post", "今天公司组织学习新的安全生产法"),
        ("post", "我們支持消費者七天無理由退貨"),
        ("post", "选举产生了新一届业主委员会"),
    ],
}

# A second round, written after the rules above to check that they generalize (first run: confidentiality
# 20/30, sensitive 9/15, no false alarm); the rules were then widened by kind of phrasing, not by text.
VIOLATING_2: dict[str, list] = {
    "confidentiality": [
        ("post", "各位经销商注意，本季度我们的出货量比去年同期少了两成"),
        ("staff_post", "咱们公司这个月的订单量才1200单，老板脸都黑了"),
        ("staff_post", "我们银行今年的坏账率已经到4.2%了"),
        ("staff_post", "我们医院上个月门诊量掉到了八千多"),
        ("reply", "您好，我们这款产品的成本是45元，实在没法再降了"),
        ("staff_post", "公司去年营收刚过3个亿，利润不到两千万"),
        ("staff_post", "我们学校今年招生只招到了120个学生"),
        ("staff_post", "我们工厂的良率现在只有82%，客户一直在催"),
        ("post", "截至本月，公司账上欠供应商的货款有600多万"),
        ("staff_post", "我們店這個月的營業額只有十二萬，比上個月少一半"),
        ("staff_post", "公司下个月要推出一款新的储蓄险，年化收益3.5%，现在还在报批"),
        ("staff_post", "我们明年要在上海开旗舰店，租金谈的是每月80万"),
        ("staff_post", "老板准备下半年把客服外包出去，整个客服部都要裁"),
        ("staff_post", "公司打算年后给所有产品提价5%"),
        ("staff_post", "我们新款电动车定价会在6999，下个月15号发布"),
        ("staff_post", "我们的包装盒是从义乌一家厂订的，一个才8毛"),
        ("staff_post", "公司的云服务器用的是阿里云，一年费用是120万"),
        ("staff_post", "我们家最大的客户是永辉超市，一年采购额3000多万"),
        ("staff_post", "给我们做外卖配送的是达达，每单配送费4块5"),
        ("staff_post", "我们组的小王月薪才6000，干的活比谁都多"),
        ("staff_post", "我们这边店长一个月能拿一万五"),
        ("staff_post", "公司的程序员平均年薪40万"),
        ("staff_post", "李主管最近查出了抑郁症，已经请了长假"),
        ("staff_post", "新来的前台小美是老板的亲戚，刚离婚"),
        ("staff_post", "我们公司请病假一天扣200，请假超过三天直接扣全勤"),
        ("staff_post", "我们单位加班都不算钱，只能调休"),
        ("staff_post", "公司新规：上班时间刷手机被抓到罚款50元"),
        ("staff_post", "今天的周例会上老板说，明年全公司要裁掉20%的人"),
        ("staff_post", "我们部门今年的预算被砍到了80万"),
        ("staff_post", "我们app的次日留存只有18%，投资人很不满意"),
    ],
    "sensitive": [
        ("post", "小编忍不住说一句：这届政府真的不行"),
        ("staff_post", "作为公司员工，我认为台湾问题应该早点武力解决"),
        ("post", "我们品牌坚定地站在乌克兰人民一边"),
        ("post", "小编觉得拜登比特朗普好多了"),
        ("staff_post", "我们公司的人都觉得这次选举有猫腻"),
        ("post", "美国总统又在胡说八道，小编笑了"),
        ("post", "我们认为以色列的行为就是种族灭绝"),
        ("staff_post", "我认为现在的体制必须改革"),
        ("post", "小编是虔诚的基督徒，每天为大家祷告，愿大家都信主"),
        ("post", "信佛的人运气都不会差，小编推荐大家去拜拜"),
        ("staff_post", "我们公司全员都是佛教徒，佛法无边"),
        ("post", "穆斯林都很危险，小编提醒大家小心"),
        ("post", "小编认为道教比佛教更有智慧"),
        ("post", "天主教那一套都是骗人的，我们不信"),
        ("post", "耶稣是唯一的真神，其他都是假的"),
    ],
}

CLEAN_2: dict[str, list] = {
    "confidentiality": [
        ("post", "公司年报显示，2023年营收3.2亿元"),
        ("post", "本店已累计服务客户超过10万人次"),
        ("post", "我们的产品销量连续三年全国领先"),
        ("post", "感谢支持！本月订单量突破10万单"),
        ("post", "新款电动车下月15号上市发布会，敬请期待"),
        ("post", "我们的新品将于下周在直播间首发，欢迎预约"),
        ("post", "我们采用德国进口设备，良品率达99.9%"),
        ("post", "我们与永辉超市达成战略合作，全国门店均有销售"),
        ("post", "招聘：店长月薪1万-1.5万，提供住宿"),
        ("post", "公司为员工提供带薪年假、六险二金"),
        ("staff_post", "今天加班到九点，不过老板请了夜宵"),
        ("staff_post", "我们部门今天团建去爬山了"),
        ("post", "我们致力于为客户降低运营成本"),
        ("post", "我们的快递默认发顺丰，偏远地区除外"),
        ("post", "会员每月可领取10元优惠券"),
        ("post", "我们银行推出新款信用卡，年费全免"),
        ("post", "2024年我们计划为1000名乡村教师提供培训"),
        ("post", "我们医院门诊时间为早8点到晚5点"),
        ("staff_post", "同事小张今天过生日，大家一起吃蛋糕"),
        ("post", "根据国家统计局数据，今年社会消费品零售总额增长7%"),
        ("reply", "亲，成本价是不可能的哦，我们已经是活动价了"),
        ("post", "公司团建：明年计划去三亚，敬请期待"),
        ("post", "本店月销10万+，好评如潮"),
        ("post", "学校今年计划招生500人，欢迎报名咨询"),
    ],
    "sensitive": [
        ("post", "美国大选结果揭晓（据新华社）"),
        ("post", "中秋国庆双节同庆，全场八折"),
        ("post", "我们的咖啡豆产自埃塞俄比亚"),
        ("post", "小编今天去了趟雍和宫，人好多"),
        ("post", "政府补贴来了！以旧换新最高补2000元"),
        ("post", "圣诞节快乐，愿你平安喜乐"),
        ("post", "我们支持员工的宗教信仰自由"),
        ("post", "小编觉得这款口红颜色很适合秋冬"),
        ("post", "关税政策调整，部分进口商品价格上涨"),
        ("post", "我们坚决支持正品行货，拒绝假货"),
    ],
}

for _table, _extra in ((VIOLATING, VIOLATING_2), (CLEAN, CLEAN_2)):
    for _category, _items in _extra.items():
        _table[_category] = [*_table[_category], *_items]

# A third round for the sensitive pack in both voices: drug offers however the words are cut, veiled
# threats, sex services, a company's promotion on a disaster (first run: 18/28, one false alarm on a toy gun).
VIOLATING["sensitive"] += [
        ("comment", "需要的加我，冰和麻古都有，同城当面交易"),
        ("comment", "高纯度的叶子，云南直发，懂行的来"),
        ("comment", "出售K粉，安全可靠，快递到家"),
        ("comment", "想要嗨的找我，摇头丸一颗80"),
        ("comment", "在线真人百家乐，首充送50%，稳赚不赔"),
        ("comment", "跟我买球，周周回血，带你上岸"),
        ("comment", "澳门线上赌场，注册就送188，提款秒到"),
        ("comment", "时时彩计划群，准确率90%，进群跟单"),
        ("comment", "五四手枪有货，带弹，走物流"),
        ("comment", "出售仿真枪，钢珠可打穿易拉罐，私信"),
        ("comment", "管制刀具批发，开刃的，量大优惠"),
        ("comment", "附近的男士，上门服务，学生妹，微信详聊"),
        ("comment", "夜场佳丽，包夜800，全套服务"),
        ("comment", "一夜情找我，同城约，不收定金"),
        ("comment", "再敢卖假货，我就去你们店里把你腿打断"),
        ("comment", "你们客服给我等着，下班路上小心点"),
        ("comment", "我知道你们老板家在哪，让他出门小心"),
        ("comment", "不退钱我就带几个兄弟去你们公司闹，见一个打一个"),
        ("post", "本店新到一批好货，吸一口就飘，懂的来私聊"),
        ("post", "我们平台是正规菠菜，日赚500不是梦"),
        ("post", "老板们想放松可以来我们会所，技师都是十八岁的"),
        ("post", "小编今天想讲一个河南人偷井盖的笑话"),
        ("post", "黑人都是懒鬼，我们店不招黑人"),
        ("post", "钓鱼岛是中国的，日本狗滚出去"),
        ("post", "地震了！我们的应急包今天买二送一，赶紧抢"),
        ("post", "疫情死了这么多人，我们的口罩终于涨价了"),
        ("post", "法轮大法好，小编推荐大家修炼"),
        ("post", "全能神才是真神，加入我们就能得救"),
]
CLEAN["sensitive"] += [
        ("comment", "警方破获特大贩毒案，缴获冰毒20公斤"),
        ("comment", "这个麻辣烫真上头，吃完还想吃"),
        ("comment", "世界杯买球？还是看看就好"),
        ("comment", "彩票中了五块钱，开心"),
        ("comment", "仿真枪玩具，儿童安全软弹"),
        ("comment", "刀具套装，厨房必备，锋利耐用"),
        ("comment", "上门服务的家电维修师傅很专业"),
        ("comment", "你们客服态度太差了，我要投诉"),
        ("comment", "再不发货我就去12315投诉你们"),
        ("comment", "我知道你们店在哪，周末去买"),
        ("post", "会所开业，茶艺品鉴，欢迎老板们来喝茶"),
        ("post", "河南烩面的做法，正宗好吃"),
        ("post", "为地震灾区捐款，我们在行动"),
        ("post", "新冠疫苗接种点开放，请带好身份证"),
        ("post", "法治宣传：远离邪教，警惕法轮功"),
]

# A fourth round for confidentiality in other shapes: layoff lists, customer names with renewals, losses,
# an in-house audience, probation pay, a move of a site, cost against price, cash trouble (first run: 12/20,
# no false alarm).
VIOLATING["confidentiality"] += [
        ("staff_post", "这次裁员名单里有市场部的王磊、李娜和设计部的陈晨"),
        ("staff_post", "公司这次要裁掉30个人，名单下周一公布"),
        ("staff_post", "我们的老客户有招商银行、平安保险和万科，每年都续约"),
        ("reply", "您好，我们的客户名单不方便给您，不过像华为、小米都是我们的客户，每年采购上千万"),
        ("staff_post", "我们公司正在跟一家外资谈并购，对方出价15亿"),
        ("staff_post", "今年年终奖公司只发了半个月，去年是三个月"),
        ("staff_post", "我们店这个季度赔了二十多万"),
        ("staff_post", "咱们事业部今年的目标是8个亿，现在才完成一半"),
        ("post", "各位门店伙伴：上周全国门店客流同比下降17%，请各店加强引流"),
        ("staff_post", "公司仓库大门密码是0618，晚上加班的自己进"),
        ("staff_post", "我们新研发的电池能量密度到了300Wh/kg，还没对外说"),
        ("staff_post", "我們的代工廠是東莞的永輝電子，每台加工費35元"),
        ("staff_post", "我們公司試用期工資只發八成，而且不交社保"),
        ("staff_post", "公司明年要把深圳研发中心搬到东莞，一半的人可能不去"),
        ("staff_post", "咱们的新饮品下周一上线，定价18元，先别发朋友圈"),
        ("reply", "这款的进价就要60，我们卖69真的不赚钱"),
        ("staff_post", "我们酒店今年的入住率只有55%"),
        ("staff_post", "公司给大客户的折扣是七折，普通客户九折"),
        ("staff_post", "今天老板在会上说我们公司现金流紧张，下个月工资可能要晚发"),
        ("staff_post", "我们厂今年接的订单比去年少了四成"),
]
CLEAN["confidentiality"] += [
        ("post", "公司公告：因业务调整，部分岗位将进行优化，具体以人力资源部通知为准"),
        ("post", "我们的客户包括多家世界500强企业"),
        ("post", "今年年终奖怎么发？HR给你讲清楚"),
        ("post", "新饮品下周一上线，定价18元，敬请期待"),
        ("post", "本店今日客流爆满，请耐心排队"),
        ("post", "门店密码锁安装教程，三步搞定"),
        ("post", "我们的电池能量密度达到300Wh/kg，行业领先"),
        ("post", "代工厂如何选择？这五点要注意"),
        ("reply", "亲，这款已经是最低价啦，感谢支持"),
        ("post", "我们酒店入住率常年保持在90%以上，感谢各位宾客的信赖"),
        ("post", "大客户专享七折优惠，详情咨询客服"),
        ("staff_post", "今天在会上学习了新的安全操作规程"),
        ("staff_post", "老板今天请全公司吃烤肉"),
        ("post", "受原材料涨价影响，我司产品将于下月起上调价格，感谢理解"),
]

# A fifth round: results before publication and share tips, customers' purchases, customer analytics,
# photos of the unreleased, trial production, spend and headcount, a notice to dealers (first run: 5/15, no
# false alarm).
VIOLATING["confidentiality"] += [
        ("staff_post", "下周出的三季报里净利润是3.1亿，比市场预期低不少"),
        ("staff_post", "明天发布的财报营收会超预期，大家可以提前买点我们的股票"),
        ("reply", "您好，我们这个月已经卖了5万多台，现在厂里在加班赶货"),
        ("staff_post", "客户王先生在我们这买了三套房，总价2000多万"),
        ("staff_post", "我们的会员数据里，女性占78%，平均年龄31岁"),
        ("staff_post", "新来的副总是从阿里挖来的，年薪200万"),
        ("staff_post", "HR说这次绩效C的人都不发年终奖"),
        ("staff_post", "新车的内饰照片先给大家看看，下个月才上市"),
        ("staff_post", "我们的新口味薯片已经在试产了，10月份铺货，零售价6.5元"),
        ("staff_post", "公司上季度在广告上花了1200万，效果一般"),
        ("post", "告各经销商：下月起出厂价统一上调6%，请提前备货"),
        ("staff_post", "咱们公司研发部一共就23个人，撑着三条产品线"),
        ("staff_post", "我们门店的员工流失率今年高达40%"),
        ("staff_post", "老板说今年要是完不成1个亿，明年就关掉两个分公司"),
        ("staff_post", "我們今年雙十一的銷售目標是5000萬，目前只完成了六成"),
]
CLEAN["confidentiality"] += [
        ("post", "三季报将于10月28日披露，敬请关注公司公告"),
        ("post", "理性投资，股市有风险"),
        ("reply", "您好，这款目前缺货，预计下周到货"),
        ("post", "恭喜王先生一家喜提新房！"),
        ("post", "我们的会员可享受生日双倍积分"),
        ("post", "热烈欢迎新任副总裁李明加入公司"),
        ("post", "年终奖发放标准请以公司正式通知为准"),
        ("post", "新车内饰官图发布，下月上市，敬请期待"),
        ("post", "新口味薯片上市啦，零售价6.5元，欢迎尝鲜"),
        ("post", "广告投放怎么算ROI？一篇讲透"),
        ("staff_post", "研发部今天组织了技术分享会"),
        ("post", "我们门店员工平均从业年限5年以上，服务专业"),
]

# A sixth round for the company's voice on politics, religion, nations and ethnic groups, and promotion of
# porn, gambling and drugs (first run: 6/15, no false alarm).
VIOLATING["sensitive"] += [
        ("post", "支持国家收复台湾，小编第一个报名参军"),
        ("post", "美国就是世界上最大的流氓国家，我们品牌永不进入美国市场"),
        ("staff_post", "我对现在的房地产政策很失望，政府就是在割韭菜"),
        ("post", "今天是圣诞节，但我们中国人不过洋节，过洋节的都是崇洋媚外"),
        ("post", "小编劝大家早点信教，人死后才有归宿"),
        ("reply", "亲，我们老板是基督徒，所以周日不发货，愿主与你同在"),
        ("post", "日本人都是畜生，本店拒绝接待日本游客"),
        ("post", "南海是中国的，菲律宾再闹就打过去，我们的无人机今天八折"),
        ("post", "本公司全体员工为以色列祈祷，哈马斯必须被消灭"),
        ("staff_post", "作为公务员家属，我觉得这次的反腐就是政治斗争"),
        ("post", "洪水无情，我们的救生衣限时特惠，买两件打八折"),
        ("post", "我们的直播间今晚有美女热舞，尺度很大，18岁以上进"),
        ("post", "本平台与澳门正规赌场合作，充值即送彩金"),
        ("reply", "想要那种药的话私信我，我们有渠道，不用处方"),
        ("staff_post", "新疆那边的人都不太讲卫生，我们去出差要注意"),
]
CLEAN["sensitive"] += [
        ("post", "两岸一家亲，台湾同胞来大陆创业可享受优惠政策"),
        ("post", "美国市场是我们出口的重要方向，欢迎海外客户咨询"),
        ("post", "房地产政策调整后，刚需购房者可享受首付比例降低"),
        ("post", "平安夜快乐！今晚门店营业到11点"),
        ("post", "我们的员工来自五湖四海，尊重每个人的信仰"),
        ("reply", "亲，周日仓库休息，周一统一发货哦"),
        ("post", "日本游客专享：免税购物指南"),
        ("post", "南海渔场直供的鲜虾，今天八折"),
        ("post", "为灾区人民祈福，公司已捐赠物资200万元"),
        ("post", "防汛期间，救生衣免费借用，注意安全"),
        ("post", "新疆的葡萄干甜过初恋，产地直发"),
        ("post", "直播间今晚8点，主播带你逛新疆大巴扎"),
]

# A seventh round, the last written before the rules saw it (first run: confidentiality 6/12, sensitive 2/6,
# no false alarm): the measure of how far the rules generalize to phrasings nobody tuned them on.
VIOLATING["confidentiality"] += [
        ("staff_post", "我们超市这个月损耗了十几万，店长被骂惨了"),
        ("staff_post", "公司今年给销售定的任务是人均300万"),
        ("reply", "亲，这款我们进货就要四十多，真的不能再便宜了"),
        ("staff_post", "我们医院的药品是从国药拿的，比外面便宜两成"),
        ("staff_post", "咱们的新车型下个月上市，内部售价19.8万起"),
        ("staff_post", "我們公司的年終獎今年只有一個月"),
        ("staff_post", "隔壁工位的小刘这个月因为迟到被扣了800"),
        ("staff_post", "我们部门这周走了三个人，都是被劝退的"),
        ("post", "致全体员工：因经营困难，三月起管理层降薪20%"),
        ("staff_post", "公司准备明年3月在科创板上市，券商已经进场了"),
        ("staff_post", "我们的奶源供应商是蒙牛，收购价每公斤3.8元"),
        ("staff_post", "我们工作室一年的流水大概500万，纯利也就七八十万"),
]
CLEAN["confidentiality"] += [
        ("post", "本超市今日特价：鸡蛋4.99元一斤"),
        ("post", "年度销售冠军李明全年销售额300万，恭喜！"),
        ("post", "我们的奶源来自内蒙古草原，新鲜直达"),
        ("post", "公司上市仪式在上交所隆重举行"),
        ("staff_post", "今天公司组织体检，大家都很健康"),
        ("post", "致全体员工：春节放假安排如下"),
]
VIOLATING["sensitive"] += [
        ("post", "小编认为这次的选举完全是一场闹剧"),
        ("staff_post", "我作为员工说一句，政府这么搞经济迟早完蛋"),
        ("post", "我们坚决反对日本排放核污水，日本人不配用我们的产品"),
        ("post", "小编今天不发广告，只想说：台湾必须回归，谁反对谁就是汉奸"),
        ("post", "今天是佛诞日，小编祝大家早日开悟，佛法才能救世人"),
        ("staff_post", "我们公司老板信风水，让我们每个人都去拜财神，不拜就扣钱"),
]
CLEAN["sensitive"] += [
        ("post", "佛诞日素斋套餐，今日下单享九折"),
        ("post", "核污水排海事件持续引发关注（来源：新华社）"),
        ("post", "小编认为这款手机的拍照效果是同价位最好的"),
        ("staff_post", "今天的选举产生了新一届工会委员会"),
]

# Clean company posts that carry figures, plans and partners on purpose (results with their report, boasts,
# openings, notices, ESG figures): traps for the rules above, written after round 7.
CLEAN["confidentiality"] += [
        ("post", "公司2024年第三季度营收同比增长12%，详见季度报告"),
        ("post", "我们的新款扫地机将于下月上市，首发价2999元"),
        ("post", "新门店将于12月18日开业，地址：文一路88号"),
        ("post", "公司明年计划招聘200名应届毕业生，欢迎投递"),
        ("post", "我们店双11当天成交额破千万，谢谢大家"),
        ("post", "本季度我们共接待游客12万人次，满意度96%"),
        ("post", "我们已为3000家企业提供数字化服务"),
        ("post", "本店承诺：收到商品后7天内可退，运费我们承担"),
        ("post", "我们的客服团队共有50人，7x24小时在线"),
        ("post", "公司现有员工1200人，其中研发人员占40%"),
        ("post", "我们工厂每天可生产口罩100万只，保障供应"),
        ("post", "我们的产品售价199元，成本透明，拒绝暴利"),
        ("post", "会员日全场8折，积分翻倍"),
        ("post", "公司今年向希望工程捐款100万元"),
        ("post", "我们的门店遍布全国28个省，共计600余家"),
        ("post", "新版App下周上线，新增夜间模式"),
        ("post", "春节期间快递停运，2月10日恢复发货"),
        ("post", "我们与顺丰合作，全国次日达"),
        ("post", "我司诚招代理商，首批进货享8折"),
        ("post", "本月起会员年费由99元调整为128元，已购会员不受影响"),
        ("reply", "亲，这款已经卖出2万件了，质量放心"),
        ("reply", "您好，本店所有商品均从品牌方直接进货，保证正品"),
        ("reply", "亲，我们的价格已经很实惠啦，利润很薄的"),
        ("post", "今年我们在西部地区新开了30家门店，感谢合作伙伴"),
        ("post", "公司荣获2023年度纳税信用A级企业"),
        ("post", "我们平台注册用户已超过5000万，感谢信赖"),
        ("post", "年终盘点：今年我们共完成订单8万单，发出包裹10万个"),
        ("post", "本店鸡蛋今日特价，进货量有限，先到先得"),
        ("post", "我们的研发投入占营收的15%，坚持技术创新"),
        ("post", "欢迎新同事小王加入销售部，大家多关照"),
        ("post", "经董事会批准，公司将于2025年1月起调整薪酬结构，具体方案见公告"),
        ("post", "第三季度员工满意度调查结果：满意度89%"),
        ("post", "我们今年的目标是让每一位顾客都满意"),
        ("post", "本公司郑重声明：网传我司资金链断裂纯属谣言"),
        ("post", "小编带你看看我们的生产线，每分钟可灌装600瓶"),
]

# An eighth round (first run: confidentiality 10/12, sensitive 4/10 and one false alarm, 藏南 in a geography
# quiz, which the politics word list reports and which is left to it): layoff lists, deals, dashboards,
# codes, meetings, customer lists; regional slurs, territory and disasters in promotions, weapon, sex-service
# and gambling lures, threats to smash a shop, coerced prayer.
VIOLATING["confidentiality"] += [
        ("staff_post", "第一批要走的人定了：财务部两个，行政部三个，名单在HR那"),
        ("staff_post", "听HR说这次优化的比例是15%，研发也逃不掉"),
        ("staff_post", "我们公司要被美团收了，价格谈到了40亿"),
        ("staff_post", "集团打算收购隔壁的物流公司，尽调已经做完了"),
        ("staff_post", "给大家看看今天的销售看板，华南区完成率只有62%"),
        ("staff_post", "门店后台的账号是store01，密码都是123456"),
        ("staff_post", "公司前台门禁的密码是2580#，晚上没人看着"),
        ("staff_post", "周一开会老板说，今年的年终奖按照1.5个月发"),
        ("staff_post", "昨天战略会定了，明年重点砍掉线下渠道"),
        ("staff_post", "我们的前十大客户名单我整理好了，回头发给你们"),
        ("staff_post", "我們公司今年的淨利潤只有去年的一半"),
        ("staff_post", "新店的装修花了180万，房租一年60万"),
]
CLEAN["confidentiality"] += [
        ("post", "公司发布公告：拟以40亿元收购某物流公司，尚需股东大会批准"),
        ("post", "门店后台系统操作手册（新员工培训用）"),
        ("post", "门禁密码忘了怎么办？联系物业重置"),
        ("post", "周一开会老板给大家发了水果"),
        ("post", "我们的前十大客户都是行业龙头，感谢信任"),
        ("post", "新店装修中，预计下月开业，敬请期待"),
]
VIOLATING["sensitive"] += [
        ("post", "来点轻松的：东北人都是黑社会，小编被吓到了"),
        ("post", "藏南是我们的！印度人滚出去，今天全场国货九折"),
        ("post", "台风来了正好宅家，我们的外卖满50减20，台风天专享"),
        ("comment", "足球推荐群，每天三场，准确率九成，带你赢钱"),
        ("comment", "有要猎枪的吗，正品，可以上门看货"),
        ("comment", "同城约会，学生兼职，200一次，加v"),
        ("comment", "你们店要是再敢卖假货，我找人砸了你们的招牌"),
        ("post", "小编今天就说一句：某些国家的领导人就是战争贩子"),
        ("staff_post", "我們公司老闆是虔誠的佛教徒，要求員工每天早上念佛"),
        ("post", "地震中遇难的同胞安息，我们的手机今晚直播间限量秒杀"),
]
CLEAN["sensitive"] += [
        ("post", "东北人热情好客，小编去哈尔滨玩得很开心"),
        ("post", "台风来袭，外卖暂停配送，请大家注意安全"),
        ("comment", "足球比赛太精彩了，明天继续看"),
        ("comment", "猎枪在中国是管制物品，私人不能持有"),
        ("post", "小编推荐一部关于战争的纪录片"),
]

# Staff write comments too (the public's voice is bound when it speaks as staff: 我们公司, 我司, 我们部门);
# customers who say 我们公司 or 我们 as buyers are not staff.
VIOLATING["confidentiality"] += [
        ("comment", "我们公司这个月营业额只有80万，老板天天发火"),
        ("comment", "我司上半年亏了1个多亿，年终奖别想了"),
        ("comment", "我们部门平均工资才6000，劝大家别来"),
        ("comment", "我们公司规定迟到一次扣200，太狠了"),
        ("comment", "我们公司现金流很紧张，工资已经晚发两个月了"),
        ("mention", "我们公司明年准备涨价，全线上调10%，趁现在赶紧买"),
]
CLEAN["confidentiality"] += [
        ("review", "我们公司买了10台，价格每台3000，挺划算"),
        ("comment", "听说他们公司今年利润少了三成，真的假的"),
        ("review", "店家说下个月降价100元，我先等等"),
        ("comment", "我们小区物业规定晚上十点后不能装修"),
        ("review", "我们公司团建订的这家，人均150，味道不错"),
        ("review", "我们一家四口吃了300多，性价比一般"),
]

# Known gaps, left out of the assertions and named in the closing note.
# A regional joke is the abuse pack's (地域黑), and price gouging in an epidemic is not a promotion on a disaster.
KNOWN: set[str] = {"小编今天想讲一个河南人偷井盖的笑话", "疫情死了这么多人，我们的口罩终于涨价了"}


def _cases(table):
    return probe_cases(table, DEFAULT_KIND, KNOWN)


test_violation_is_flagged, test_clean_trap_is_not_flagged = probe_tests(VIOLATING, CLEAN, DEFAULT_KIND, KNOWN)


if __name__ == "__main__":  # a summary: recall on violations, false alarms on traps
    import sys

    print_probe_summary(VIOLATING, CLEAN, DEFAULT_KIND, KNOWN, verbose="-v" in sys.argv)
