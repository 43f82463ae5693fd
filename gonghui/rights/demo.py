"""Demo requests: every state, a group wage-arrears case with recoveries, a cross-region
referral with its letter, an automatically escalated overdue request."""

import datetime
import random

from django.utils import timezone

from gonghui.members.models import Member
from gonghui.organisations import scoping
from gonghui.rights.services import legal_aid, needs, transfers, wage_arrears, worker
from gonghui.rights.services import requests as svc

Action = scoping.Action


def _actor(users: dict, organisation):
    for username in ("yanta", "xian_officer", "xian", "baoji", "shaanxi", "gansu", "admin"):
        user = users.get(username)
        if user is not None and scoping.can(user, Action.HANDLE_REQUESTS, organisation):
            return user
    return users["admin"]


def build(*, tree, users: dict, rng: random.Random) -> dict:
    now = timezone.now()
    surnames = "王李张刘陈杨赵黄周吴"
    given = ["强", "芳", "伟", "娜", "军", "敏", "磊", "静", "洋", "丽"]

    def person():
        return rng.choice(surnames) + rng.choice(given), f"13{rng.randint(500000000, 999999999)}"

    def file(days_ago: float = 0, **kw):
        name, phone = person()
        data = {"actor": None, "channel": "app", "name": name, "phone": phone}
        data.update(kw)
        if days_ago:
            data["received_at"] = now - datetime.timedelta(days=days_ago)
        req = svc.request_file(**data)
        phones[req.pk] = data["phone"]
        return req

    phones: dict = {}
    made = {}
    made["new"] = file(
        category="consultation",
        description="劳动合同到期不续签是否有经济补偿？",
        work_division="610113",
        employer="某快递网点",
    )
    handling = file(
        1, category="complaint", description="平台无故扣罚配送费。", work_division="610112", channel="phone"
    )
    svc.request_accept(actor=_actor(users, handling.organisation), request=handling)
    made["handling"] = handling

    closed = file(
        6, category="help", description="工伤后企业不配合申报。", work_division="610113", channel="visit"
    )
    officer = _actor(users, closed.organisation)
    svc.request_accept(actor=officer, request=closed)
    svc.request_close(actor=officer, request=closed, reply="已协调企业为您申报工伤认定，材料已递交人社部门。")
    svc.request_follow_up(actor=officer, request=closed, note="回访：工人表示认定已受理，满意。")
    worker.request_rate(actor=None, request=closed, rating=5, phone=phones[closed.pk], comment="处理及时")
    closed.refresh_from_db()
    made["closed"] = closed

    overdue = file(
        40,
        category="complaint",
        description="连续三个月未发加班费。",
        work_division="610103",
        channel="letter",
    )
    svc.request_accept(actor=_actor(users, overdue.organisation), request=overdue)
    svc.escalate_overdue()
    overdue.refresh_from_db()
    made["escalated"] = overdue

    late_closed = file(
        30, category="suggestion", description="建议在商圈增设户外劳动者驿站。", work_division="610113"
    )
    svc.request_close(
        actor=_actor(users, late_closed.organisation), request=late_closed, reply="已纳入今年实事项目。"
    )
    worker.request_rate(actor=None, request=late_closed, rating=3, phone=phones[late_closed.pk])
    made["closed_late"] = late_closed

    group = file(
        3,
        category="wage_arrears",
        description="某住宅项目劳务分包拖欠12名农民工工资。",
        work_division="610116",
        employer="陕西某建筑劳务有限公司",
        project="长安区某住宅小区二期",
        amount_owed="186000.00",
        workers_count=12,
        workers=[
            {"name": person()[0], "phone": person()[1], "amount": f"{rng.randint(12, 18) * 1000}.00"}
            for _ in range(4)
        ],
    )
    g_officer = _actor(users, group.organisation)
    svc.request_accept(actor=g_officer, request=group)
    today = timezone.localdate()
    wage_arrears.recovery_add(
        actor=g_officer, request=group, amount="60000.00", recovered_on=today - datetime.timedelta(days=2)
    )
    wage_arrears.recovery_add(
        actor=g_officer, request=group, amount="40000.00", recovered_on=today - datetime.timedelta(days=1)
    )
    made["group_arrears"] = group

    referral = file(
        2,
        category="wage_arrears",
        description="在宝鸡工地务工，回西安后仍未拿到工资。",
        work_division="610113",
        employer="宝鸡某路桥工程队",
        project="宝鸡渭滨区某道路改造工程",
        amount_owed="23000.00",
        workers_count=1,
    )
    r_officer = _actor(users, referral.organisation)
    svc.request_accept(actor=r_officer, request=referral)
    baoji = tree.by_code.get("610300")
    if baoji is not None:
        transfers.request_transfer(
            actor=r_officer,
            request=referral,
            to=baoji,
            reason="工地在宝鸡市渭滨区，按属地管理转办。",
            letter=True,
        )
    made["referral"] = referral

    aid_req = file(
        4,
        category="legal_aid",
        description="被公司以“末位淘汰”为由解除劳动合同。",
        work_division="610113",
        channel="phone",
    )
    aid_officer = _actor(users, aid_req.organisation)
    svc.request_accept(actor=aid_officer, request=aid_req)
    knew = today.replace(year=today.year - 1) + datetime.timedelta(days=12)
    legal_aid.legal_aid_open(
        actor=aid_officer,
        request=aid_req,
        cause="contract",
        form="arbitration",
        monthly_income="3600.00",
        amount_in_dispute="52000.00",
        knew_on=knew,
    )
    made["legal_aid"] = aid_req

    xian = tree.by_code.get("610100")
    if xian is not None:
        n_actor = _actor(users, xian)
        needs.need_create(
            actor=n_actor,
            organisation=xian,
            title="户外劳动者驿站延长开放时间",
            owner="西安市总工会权益保障部",
            deadline=today + datetime.timedelta(days=60),
            request=late_closed if xian.contains(late_closed.organisation) else None,
        )
        done = needs.need_create(
            actor=n_actor,
            organisation=xian,
            title="为快递小哥开设夜间法律咨询",
            owner="西安市总工会法律服务中心",
            deadline=today - datetime.timedelta(days=5),
        )
        needs.need_progress(
            actor=n_actor, need=done, status="done", progress="每周三晚开设，已服务 120 人次。", rating=5
        )
        needs.need_create(
            actor=n_actor,
            organisation=xian,
            title="货车司机之家增设淋浴",
            owner="西安市总工会服务部",
            deadline=today + datetime.timedelta(days=120),
        )
    # The member login "worker" (曾乐, a courier) filed a request from his phone; it was
    # accepted and answered, so his inbox and the bell show both steps (the services notify).
    courier = Member.objects.filter(user__username="worker").select_related("user").first()
    if courier is not None:
        mine = svc.request_file(
            actor=courier.user,
            member=courier,
            channel="app",
            category="help",
            description="送件路上没有可以歇脚、给电动车充电的地方，能否协调附近驿站？",
            work_division="610113",
            employer=courier.employer,
            received_at=now - datetime.timedelta(days=2),
        )
        officer = _actor(users, mine.organisation)
        svc.request_accept(actor=officer, request=mine)
        svc.request_close(
            actor=officer, request=mine, reply="已协调雁塔区驿站延长开放时间并增设充电柜，欢迎前往使用。"
        )
        made["worker_request"] = mine
    return made
