"""The demo's attendance (loaded after the activities' demo, built through the services): at
西安's 党史学习 session of last month, the organiser's phone scanned both members' cards in and
one out; the first has the hours of their times certified, the second (who forgot to check out)
a corrected figure with its reason; and the session's photo report waits as a news draft of
西安市总工会 for 初审."""

import datetime
import random
import struct
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile

from gonghui.activities.checkin import reports, services
from gonghui.activities.demo import PAST_TITLE
from gonghui.activities.models import Activity, Signup
from gonghui.members.demo import actor_for
from gonghui.members.models import Member
from gonghui.members.services import cards
from gonghui.organisations.scoping import Action

SUMMARY = (
    "西安市总工会在总工会报告厅举办党史学习教育专题报告会，来自基层工会的职工代表参加。\n"
    "报告会回顾了中国工人运动的光辉历程，与会职工表示要把学习成果转化为做好本职工作的实际行动。"
)


def _png(width: int, height: int, colour: tuple[int, int, int]) -> bytes:
    """A plain PNG of one colour (the demo ships no binary files)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    row = b"\x00" + bytes(colour) * width
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(row * height))
        + chunk(b"IEND", b"")
    )


def build(*, tree, users: dict, rng: random.Random) -> None:
    xian = tree.by_code["610100"]
    actor = actor_for(users, xian, Action.MANAGE_ACTIVITIES)
    past = Activity.objects.filter(organisation=xian, title=PAST_TITLE).first()
    if past is None:
        return
    signups = list(
        Signup.objects.filter(activity=past).select_related("member", "user").order_by("created_at")[:2]
    )
    scans = []
    for i, signup in enumerate(signups):
        member = signup.member or Member.objects.filter(user=signup.user).first()
        token = cards.card_token(member)
        arrived = past.starts_at - datetime.timedelta(minutes=10 - 7 * i)
        scans.append(
            {
                "nonce": f"demo-{past.pk.hex[:12]}-in-{i}",
                "token": token,
                "direction": "in",
                "at": arrived.isoformat(),
            }
        )
        if i == 0:
            left = past.ends_at - datetime.timedelta(minutes=5)
            scans.append(
                {
                    "nonce": f"demo-{past.pk.hex[:12]}-out-{i}",
                    "token": token,
                    "direction": "out",
                    "at": left.isoformat(),
                }
            )
    services.checkins_sync(actor=actor, activity=past, scans=scans)
    if signups:
        services.attendance_certify(actor=actor, signup=signups[0])
    if len(signups) > 1:
        services.attendance_certify(
            actor=actor, signup=signups[1], minutes=120, reason="忘记签退，组织者现场核实全程参加"
        )
    reports.report_submit(
        actor=actor,
        activity=past,
        summary=SUMMARY,
        photos=[
            SimpleUploadedFile("报告会现场.png", _png(64, 48, (192, 57, 43)), content_type="image/png"),
            SimpleUploadedFile("职工代表.png", _png(64, 48, (46, 125, 50)), content_type="image/png"),
        ],
    )
