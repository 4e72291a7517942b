"""Bytes to str with the encoding *detected*, not assumed.

Order of evidence: a byte-order mark; NUL-byte patterns (UTF-16/UTF-32 without a BOM); a strict
UTF-8 trial; then GB18030 and Big5 (and BOM-less UTF-16 for pure-CJK text) are each decoded strictly
and scored on how much the result looks like real Chinese text: share of frequent characters, no
private-use, Hangul or control characters. Generic detectors mix up GBK and Big5 on short Chinese
text; this scoring does not, because a wrong decoding turns frequent characters into rare ones.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from taizhang.errors import InputError

# How much is looked at (the whole input is still decoded strictly): bytes for NUL patterns and
# control characters, characters for scoring a candidate decoding.
SCORE_BYTES = 256 * 1024
SCORE_CHARS = 32 * 1024

# About 1,950 of the most frequent Simplified characters, most frequent first (general usage).
_FREQUENT_SIMPLIFIED = (
    "的一是不了在人有我他这个们中来上大为和国地到以说时要就出会可也你对生能而子那得于着下自之年过发后作里"
    "用道行所然家种事成方多经么去法学如都同现当没动面起看定天分还进好小部其些主样理心她本前开但因只从想实"
    "日军者意无力它与长把机十民第公此已工使情明性知全三又关点正业外将两高间由问很最重并物手应战向头文体政"
    "美相见被利什二等产或新己制身果加西斯月话合回特代内信表化老给世位次度门任常先海通教儿原东声提立及比员"
    "解水名真论处走义各入几口认条平系气题活尔更别打女变四神总何电数安少报才结反受目太量再感建务做接必场件"
    "计管期市直德资命山金指克许统区保至队形社便空决治展马科司五基眼书非则听白却界达光放强即像难且权思王象"
    "完设式色路记南品住告类求据程北边死张该交规万取拉格望觉术领共确传师观清今切院让识候带导争运笑飞风步改"
    "收根干造言联持组每济车亲极林服快办议往元英士证近失转夫令准布始怎呢存未远叫台单影具罗字爱击流备兵连调"
    "深商算质团集百需价花党华城石级整府离况亚请技际约示复病息究线似官火断精满支视消越器容照须九增研写称企"
    "八功吗包片史委乎查轻易早曾除农找装广显吧阿李标谈吃图念六引历首医局突专费号尽另周较注语仅考落青随选列"
    "武红响虽推势参希古众构房半节土投某案黑维革划敌致陈律足态护七兴派孩验责营星够章音跟志底站严巴例防族供"
    "效续施留讲型料终答紧黄绝奇察母京段依批群项故按河米围江织害斗双境客纪采举杀攻父苏密低朝友诉止细愿千值"
    "仍男钱破网热助倒育属坐帝限船脸职速刻乐否刚威毛状率甚独球般普怕弹校苦创假久错承印晚兰试股拿脑预谁益阳"
    "若哪微尼继送急血惊伤素药适波夜省初喜卫源食险待述陆习置居劳财环排福纳欢雷警获模充负云停木游龙树疑层冷"
    "洲冲射略范竟句室异激汉村哈策演简卡罪判担州静退既衣您宗积余痛检差富灵协角占配征修皮挥胜降阶审沉坚善妈"
    "刘读啊超免压银买皇养伊怀执副乱抗犯追帮宣佛岁航优怪香著田铁控税左右份穿艺背阵草脚概恶块顿敢守酒岛托央"
    "户烈洋哥索胡款靠评版宝座释景顾弟登货互付伯慢欧换闻危忙核暗姐介坏讨丽良序升监临亮露永呼味野架域沙掉括"
    "舰鱼杂误湾吉减编楚肯测败屋跑梦散温困剑渐封救贵枪缺楼县尚毫移娘朋画班智亦耳恩短掌恐遗固席松秘谢鲁遇康"
    "虑幸均销钟诗藏赶剧票损忽巨炮旧端探湖录叶春乡附吸予礼港雨呀板庭妇归睛饭额含顺输摇招婚脱补谓督毒油疗旅"
    "泽材灭逐莫笔亡鲜词圣择寻厂睡博勒烟授诺伦岸奥唐卖俄炸载洛健堂旁宫喝借君禁阴园谋宋避抓荣姑孙逃牙束跳顶"
    "玉镇雪午练迫爷篇肉嘴馆遍凡础洞卷坦牛宁纸诸训私庄祖丝翻暴森塔默握戏隐熟骨访弱蒙歌店鬼软典欲萨伙遭盘爸"
    "扩盖弄雄稳忘亿刺拥徒姆杨齐赛趣曲刀床迎冰虚玩析窗醒妻透购替塞努休虎扬途侵刑绿兄迅套贸毕唯谷轮库迹尤竞"
    "街促延震弃甲伟麻川申缓潜闪售灯针哲络抵朱埃抱鼓植纯夏忍页杰筑折郑贝尊吴秀混臣雅振染盛怒舞圆搞狂措姓残"
    "秋培迷诚宽宇猛摆梅毁伸摩盟末乃悲拍丁赵硬麦蒋操耶阻订彩抽赞魔纷沿喊违妹浪汇币丰蓝殊献桌啦瓦莱援译夺汽"
    "烧距裁偏符勇触课敬哭懂墙袭召罚侠厅拜巧侧韩冒债曼融惯享戴童犹乘挂奖绍厚纵障讯涉彻刊丈爆乌役描洗玛患妙"
    "镜唱烦签仙彼弗症仿倾牌陷鸟轰咱菜闭奋庆撤泪茶疾缘播朗杜奶季丹狗尾仪偷奔珠虫驻孔宜艾桥淡翼恨繁寒伴叹旦"
    "愈潮粮缩罢聚径恰挑袋灰捕徐珍幕映裂泰隔启尖忠累炎暂估泛荒偿横拒瑞忆孤鼻闹羊呆厉衡胞零穷舍码赫婆魂灾洪"
    "腿胆津俗辩胸晓劲贫仁偶辑邦恢赖圈摸仰润堆碰艇稍迟辆废净凶署壁御奉旋冬矿抬蛋晨伏吹鸡倍糊秦盾杯租骑乏隆"
    "诊奴摄丧污渡旗甘耐凭扎抢绪粗肩梁幻菲皆碎宙叔岩荡综爬荷悉蒂返井壮薄悄扫敏碍殖详迪矛霍允幅撒剩凯颗骂赏"
    "液番箱贴漫酸郎腰舒眉忧浮辛恋餐吓挺励辞艘键伍峰尺昨黎辈贯侦滑券崇扰宪绕趋慈乔阅汗枝拖墨胁插箭腊粉泥氏"
    "彭拔骗凤慧媒佩愤扑龄驱惜豪掩兼跃尸肃帕驶堡届欣惠册储飘桑闲惨洁踪勃宾频仇磨递邪撞拟滚奏巡颜剂绩贡疯坡"
    "瞧截燃焦殿伪柳锁逼颇昏劝呈搜勤戒驾漂饮曹朵仔柔俩孟腐幼践籍牧凉牲佳娜浓芳稿竹腹跌逻垂遵脉貌柏狱猜怜惑"
    "陶兽帐饰贷昌叙躺钢沟寄扶铺邓寿惧询汤盗肥尝匆辉奈扣廷澳嘛董迁凝慰厌脏腾幽怨鞋丢埋泉涌辖躲晋紫艰魏吾慌"
    "祝邮吐狠鉴曰械咬邻赤挤弯椅陪割揭韦悟聪雾锋梯猫祥阔誉筹丛牵鸣沈阁穆屈旨袖猎臂蛇贺柱抛鼠瑟戈牢逊迈欺吨"
    "琴衰瓶恼燕仲诱狼池疼卢仗冠粒遥吕玄尘冯抚浅敦纠钻晶岂峡苍喷耗凌敲菌赔涂粹扁亏寂煤熊恭湿循暖糖赋抑秩帽"
    "哀宿踏烂袁侯抖夹昆肝擦猪炼恒慎搬纽纹玻渔磁铜齿跨押怖漠疲叛遣兹祭醉拳弥斜档稀捷肤疫肿豆削岗晃吞宏癌肚"
    "隶履涨耀扭坛拨沃绘伐堪仆郭牺歼墓雇廉契拼惩捉覆刷劫嫌瓜歇雕闷乳串娃缴唤赢莲霸桃妥瘦搭赴岳嘉舱俊址庞耕"
    "锐缝悔邀玲惟斥宅添挖呵讼氧浩羽斤酷掠妖祸侍乙妨贪挣汪尿莉悬唇翰仓轨枚盐览傅帅庙芬屏寺胖璃愚滴疏萧姿颤"
    "丑劣柯寸扔盯辱匹俱辨饿蜂哦腔郁溃谨糟葛苗肠忌溜鸿爵鹏鹰笼丘桂滋聊挡纲肌茨壳痕碗穴膀卓贤卧膜毅锦欠"
)


class BinaryData(ValueError):
    """The bytes are not text in any encoding (NUL bytes, control characters)."""


@dataclass(frozen=True)
class Decoded:
    """A decoding result: the text and the codec that produced it."""

    text: str
    encoding: str


@cache
def _gb2312_level1() -> frozenset[str]:
    """GB2312 level-1 hanzi (3,755 common Simplified characters), from the codec itself."""
    out = set()
    for hi in range(0xB0, 0xD8):
        for lo in range(0xA1, 0xFF):
            c = bytes((hi, lo)).decode("gb2312", errors="ignore")
            if len(c) == 1:
                out.add(c)
    return frozenset(out)


@cache
def _big5_level1() -> frozenset[str]:
    """Big5 常用字 (5,401 common Traditional characters, A440–C67E), from the codec itself."""
    out = set()
    for hi in range(0xA4, 0xC7):
        for lo in [*range(0x40, 0x7F), *range(0xA1, 0xFF)]:
            c = bytes((hi, lo)).decode("big5", errors="ignore")
            if len(c) == 1:
                out.add(c)
    return frozenset(out)


@cache
def _frequent() -> frozenset[str]:
    """The frequent Simplified characters and their Traditional forms."""
    chars = set(_FREQUENT_SIMPLIFIED)
    try:
        import opencc

        chars |= set(opencc.OpenCC("s2t").convert("\n".join(_FREQUENT_SIMPLIFIED)))
    except Exception:  # pragma: no cover - opencc is a dependency; scoring still works without it
        pass
    chars.discard("\n")
    return frozenset(chars)


def _is_cjk(c: str) -> bool:
    o = ord(c)
    return 0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF or 0x20000 <= o <= 0x3134F or 0xF900 <= o <= 0xFAFF


@lru_cache(maxsize=65536)
def _weight(c: str) -> float:
    """Points for one character: frequent +3, common/ASCII/punctuation +1, rare −1, impossible −3/−5."""
    o = ord(c)
    if c in _frequent():
        return 3
    if o < 0x80:
        return 1 if o >= 0x20 else -5
    if c in _gb2312_level1() or c in _big5_level1():
        return 1
    if _is_cjk(c):
        return -1
    if 0x3000 <= o <= 0x303F or 0xFF01 <= o <= 0xFF5E or 0x2010 <= o <= 0x206F or o in (0xB7, 0xD7):
        return 1  # CJK and general punctuation, full-width forms
    if 0x2150 <= o <= 0x218F or 0x2460 <= o <= 0x24FF or 0x2500 <= o <= 0x257F or o in (0xB0, 0xB1):
        return 0.5  # Roman numerals (Ⅲ类), circled numbers, box drawing, degree signs
    if unicodedata.category(c) in ("Co", "Cn", "Cs", "Cc") or c == "\ufffd":
        return -5
    if 0xAC00 <= o <= 0xD7AF or 0x1100 <= o <= 0x11FF or 0xA000 <= o <= 0xA4CF:
        return -3  # Hangul, Yi: the hallmark of UTF-16 decoded the wrong way round
    return -1


def score(text: str) -> float:
    """How much `text` looks like real (Chinese or ASCII) text: higher is better, about 3 at best.

    Counts characters first (C speed), then weighs each distinct character once.
    """
    counts = Counter(text)
    for ws in " \t\r\n":
        counts.pop(ws, None)
    n = sum(counts.values())
    if not n:
        return 0.0
    return sum(_weight(c) * k for c, k in counts.items()) / n


_BOMS: list[tuple[bytes, str]] = [
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
    (b"\x84\x31\x95\x33", "gb18030"),
]

# Big5 as written by Windows (cp950) and Hong Kong (big5hkscs) are supersets; tried in this order.
_BIG5_FAMILY = ("big5", "cp950", "big5hkscs")


def _strict(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


_RX_CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x19\x1b-\x1f\x7f]")


def _controls(text: str) -> int:
    """Control characters other than tab, newline, carriage return, form feed and the DOS EOF mark."""
    return len(_RX_CONTROL.findall(text))


def _looks_binary(text: str) -> bool:
    sample = text[:SCORE_BYTES]
    return _controls(sample) > max(2, len(sample) // 1000)


def _nul_guess(data: bytes) -> list[str]:
    """UTF-16/32 encodings suggested by where the NUL bytes fall (ASCII in UTF-16 is X 00 / 00 X)."""
    sample = data[:SCORE_BYTES]
    even = sample[0::2].count(0)
    odd = sample[1::2].count(0)
    guesses = []
    if len(data) % 4 == 0:
        q = [sample[i::4].count(0) for i in range(4)]
        if q[2] + q[3] > 0.9 * len(sample) / 2 and q[1] > 0.5 * len(sample) / 4:
            guesses.append("utf-32-le")
        if q[0] + q[1] > 0.9 * len(sample) / 2 and q[2] > 0.5 * len(sample) / 4:
            guesses.append("utf-32-be")
    if len(data) % 2 == 0:
        if odd > 4 * even:
            guesses.append("utf-16-le")
        elif even > 4 * odd:
            guesses.append("utf-16-be")
        else:
            guesses += ["utf-16-le", "utf-16-be"]
    return guesses


def detect(data: bytes) -> Decoded:
    """Decode `data`, detecting its encoding. Raises ValueError with a reason when it cannot."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            body = data[len(bom) :]
            text = _strict(body, enc)
            if text is None:
                raise ValueError(f"byte-order mark says {enc} but the bytes are not valid {enc}")
            return Decoded(text, enc)

    if b"\x00" in data:
        for enc in _nul_guess(data):
            text = _strict(data, enc)
            if text is not None and not _looks_binary(text) and score(text[:SCORE_CHARS]) > 0.5:
                return Decoded(text, enc)
        raise BinaryData("binary data (NUL bytes), not text")

    text = _strict(data, "utf-8")
    if text is not None:
        if _looks_binary(text):
            raise BinaryData("binary data (control characters), not text")
        return Decoded(text, "utf-8")

    sample = SCORE_CHARS
    scored: list[tuple[float, Decoded]] = []
    text = _strict(data, "gb18030")
    if text is not None:
        scored.append((score(text[:sample]), Decoded(text, "gb18030")))
    for enc in _BIG5_FAMILY:
        text = _strict(data, enc)
        if text is not None:
            scored.append((score(text[:sample]), Decoded(text, enc)))
            break
    # UTF-16 of pure CJK text has no NUL bytes at all; worth trying only when GB/Big5 look poor.
    if len(data) % 2 == 0 and max((s for s, _ in scored), default=0.0) < 2.0:
        for enc in ("utf-16-le", "utf-16-be"):
            text = _strict(data, enc)
            if text is not None:
                scored.append((score(text[:sample]), Decoded(text, enc)))

    if not scored:
        # Last resort: a mostly-GB or mostly-Big5 file with a few corrupt bytes.
        for enc in ("gb18030", "big5"):
            text = data.decode(enc, errors="replace")
            bad = text.count("\ufffd")
            if bad <= max(1, len(text) // 2000):
                s = score(text[:sample])
                if s > 1.5:
                    scored.append((s, Decoded(text, enc)))
        if not scored:
            raise ValueError("not UTF-8, UTF-16, GB18030 or Big5 text (binary data?)")

    # max() keeps the first of equals: GB18030 (mainland documents) wins ties.
    best_score, best = max(scored, key=lambda sd: sd[0])
    if best_score < 0.5 or _looks_binary(best.text):
        raise BinaryData("binary data, not text in a known encoding")
    return best


def decode_bytes(data: bytes, path: str | Path | None = None) -> str:
    """Bytes to str (encoding detected). Undecodable input raises `InputError(path, ...)`."""
    try:
        return detect(data).text
    except ValueError as e:
        raise InputError(path, f"cannot decode text: {e}") from None
