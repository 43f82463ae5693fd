"""Demo news and notices for ``seed_demo``, all built through the services (docs/modules/news.md,
"Demo data"):

- published public news of 陕西省总工会 (one pinned);
- a published members-only notice of 西安市总工会 that asks for acknowledgement, read and
  acknowledged by some of its members (the demo ``worker`` login has not acknowledged it yet:
  a visitor can do it);
- 西安 items at every other stage: a draft, one waiting for 初审, 复审 and 终审 each, one sent
  back at 复审 with the reviewer's comment, a withdrawn one and a corrected one.

三审三校 needs three different reviewers, none the author: the demo's provincial 宣传部 has three
internal accounts for it (``news_first``, ``news_second``, ``news_final``, officers of 陕西省总工会)
with no usable password — they exist only to have decided, nobody signs in as them. Readers
of the 西安 notice are a few 西安 members given internal accounts the same way.
"""

import random

from django.contrib.auth.hashers import make_password

from gonghui.members.choices import IN_MEMBERSHIP
from gonghui.members.models import Member
from gonghui.members.services import members as member_services
from gonghui.news.models import NewsItem
from gonghui.news.services import items, receipts
from gonghui.organisations import scoping
from gonghui.organisations import services as org_services
from gonghui.organisations.choices import Role
from gonghui.organisations.demo import PROVINCE_CODE, DemoTree

XIAN_CODE = "610100"
# (username, display name): the three reviewers of the provincial 宣传部, in review order.
REVIEWERS = [
    ("news_first", "陕西省总工会宣传部编辑（初审）"),
    ("news_second", "陕西省总工会宣传部副部长（复审）"),
    ("news_final", "陕西省总工会分管领导（终审）"),
]
READERS = 6  # 西安 members given internal accounts to read the notice
ACKNOWLEDGED = 3  # of whom this many acknowledge it

PROVINCE_NEWS = [
    (
        "全省职工技能大赛决赛在西安开幕",
        "<p>由省总工会主办的全省职工职业技能大赛决赛日前开幕，来自十个地市的四百余名选手参加焊工、"
        "电工、数控车工等十二个工种的角逐。</p><p>大赛设理论和实操两个环节，各工种前三名将按规定"
        "申报省技术能手称号。</p>",
        True,
    ),
    (
        "省总工会启动“冬送温暖”走访慰问活动",
        "<p>省总工会近日启动年度“冬送温暖”活动，各级工会将走访慰问困难职工家庭、一线职工和新就业形态"
        "劳动者，送去慰问金和御寒物资。</p><p>活动持续至春节前，请各级工会做好困难职工档案的核实工作。</p>",
        False,
    ),
    (
        "户外劳动者服务站点新增一百二十个",
        "<p>今年以来，全省新建改建工会户外劳动者服务站点一百二十个，为快递员、外卖配送员、环卫工人等"
        "提供歇脚、饮水、充电等服务。</p><p>职工可在“工会驿站”页面查找附近开放的站点。</p>",
        False,
    ),
    (
        "职工书屋读书分享会走进基层企业",
        "<p>省总工会职工书屋读书分享会本月走进宝鸡、咸阳等地的基层企业，职工代表围绕技术创新和"
        "岗位成才分享读书体会。</p>",
        False,
    ),
]

XIAN_NOTICE = (
    "关于报送年度职工书屋建设情况的通知",
    "<p>各区县总工会、各基层工会：</p><p>为做好年度职工书屋建设总结工作，请于本月二十五日前通过"
    "平台报送本单位职工书屋的藏书数量、开放时间和活动开展情况。</p><p>请各单位工会主席阅读后点击"
    "“确认已读”。</p><p>西安市总工会</p>",
)


def _reviewers(tree: DemoTree, actor) -> list:
    """The three internal reviewers of the provincial 宣传部 (no usable password)."""
    from django.contrib.auth import get_user_model

    from gonghui.accounts.services import user_create

    User = get_user_model()
    province = tree.by_code[PROVINCE_CODE]
    users = []
    for username, display in REVIEWERS:
        user = User.objects.filter(username=username).first() or user_create(
            actor=None, username=username, password_hash=make_password(None), display_name=display
        )
        org_services.role_assign(actor=actor, user=user, organisation=province, role=Role.OFFICER)
        users.append(user)
    return users


def _readers(tree: DemoTree, actor) -> list:
    """A few 西安 members without a login, given internal accounts (no usable password)."""
    from gonghui.accounts.services import user_create

    members = (
        Member.objects.filter(
            organisation__in=scoping.subtree(tree.by_code[XIAN_CODE]),
            status__in=IN_MEMBERSHIP,
            user__isnull=True,
        )
        .select_related("organisation")
        .order_by("member_no")[:READERS]
    )
    users = []
    for n, member in enumerate(members):
        user = user_create(
            actor=None,
            username=f"news_reader_{n + 1}",
            password_hash=make_password(None),
            display_name=member.name,
        )
        member_services.member_link_user(actor=actor, member=member, user=user)
        users.append(user)
    return users


def _write(author, organisation, title, body, **fields) -> NewsItem:
    data = {"kind": "news", "audience": "public", "title": title, "body": body, **fields}
    return items.news_create(actor=author, organisation=organisation, data=data)


def _review(item, reviewers, *, until: str = "published", comments=("", "", "")) -> NewsItem:
    """Take a draft through 三审三校 up to the stage ``until``."""
    item = items.news_submit(actor=item.author, item=item)
    first, second, final = reviewers
    if until == "first_review":
        return item
    item = items.news_approve(actor=first, item=item, comment=comments[0])
    if until == "second_review":
        return item
    item = items.news_approve(actor=second, item=item, comment=comments[1])
    if until == "final_review":
        return item
    return items.news_publish(actor=final, item=item, comment=comments[2])


def build(*, tree: DemoTree, users: dict, rng: random.Random) -> None:
    province, xian = tree.by_code[PROVINCE_CODE], tree.by_code[XIAN_CODE]
    first, second, final = _reviewers(tree, users["admin"])
    province_reviewers = [first, second, final]
    # 西安's items: the city admin does 初审, the province 复审 and 终审.
    city_reviewers = [users["xian"], second, final]

    for title, body, pinned in reversed(PROVINCE_NEWS):  # the first published last: newest
        _review(_write(users["shaanxi"], province, title, body, pinned=pinned), province_reviewers)

    title, body = XIAN_NOTICE
    notice = _write(
        users["xian_officer"], xian, title, body, kind="notice", audience="members", requires_ack=True
    )
    notice = _review(notice, city_reviewers, comments=("", "", "同意发布。"))
    for n, reader in enumerate(_readers(tree, users["xian"])):
        receipts.news_mark_read(actor=reader, item=notice)
        if n < ACKNOWLEDGED:
            receipts.news_ack(actor=reader, item=notice)

    officer = users["xian_officer"]
    _write(
        officer,
        xian,
        "西安市职工篮球赛报名开始",
        "<p>西安市第十届职工篮球赛即日起接受报名，各基层工会可组队参加。</p>",
    )
    _review(
        _write(
            officer,
            xian,
            "西安市总工会开展安全生产月宣传",
            "<p>各级工会结合安全生产月开展隐患排查和宣传活动。</p>",
        ),
        city_reviewers,
        until="first_review",
    )
    _review(
        _write(
            officer,
            xian,
            "劳模工匠进校园活动走进西安中学",
            "<p>三位全国劳动模范走进课堂，讲述岗位成才的故事。</p>",
        ),
        city_reviewers,
        until="second_review",
    )
    _review(
        _write(
            officer,
            xian,
            "西安市新就业形态劳动者入会集中行动",
            "<p>本月各区县工会在商圈、站点集中开展入会宣传，现场办理入会。</p>",
        ),
        city_reviewers,
        until="final_review",
    )
    # Sent back at 复审: a draft again, with the comment for its author.
    sent_back = _review(
        _write(
            officer,
            xian,
            "关于调整职工疗休养安排的通知",
            "<p>今年职工疗休养安排调整如下。</p>",
            kind="notice",
        ),
        city_reviewers,
        until="second_review",
    )
    items.news_reject(
        actor=second, item=sent_back, comment="请补充疗休养的具体时间、名额分配和报名方式后再提交。"
    )
    withdrawn = _review(
        _write(officer, xian, "西安市职工摄影展征稿启事", "<p>征稿截止日期为本月底。</p>"), city_reviewers
    )
    items.news_withdraw(actor=users["xian"], item=withdrawn, reason="征稿截止日期有误，待核实后重新发布。")
    corrected = _review(
        _write(officer, xian, "西安市职工书法比赛结果公布", "<p>本次比赛共评出一等奖三名、二等奖五名。</p>"),
        city_reviewers,
    )
    correction = items.news_correct(
        actor=officer,
        item=corrected,
        data={"title": "西安市职工书法比赛结果公布", "body": "<p>本次比赛共评出一等奖三名、二等奖六名。</p>"},
    )
    _review(correction, city_reviewers)
