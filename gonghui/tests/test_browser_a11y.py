"""Accessibility of the member pages on a 375 px phone, in Debian's Chromium: axe-core finds no
serious or critical violation, every tap target is at least 44 px, and each page still works at
200 % zoom (the layout viewport of a 375 px phone zoomed to 200 % is 187 px wide) without
scrolling sideways.

axe-core comes from the npm registry (package.json's devDependencies, installed by ``make``)
and is injected with ``page.evaluate``, which the page's Content-Security-Policy does not
govern — the pages are tested with their real CSP. Skipped without Chromium
(gonghui/tests/browser.py) or without node_modules/axe-core (run ``npm ci``), unless
GONGHUI_REQUIRE_BROWSER=1, where both fail instead.
"""

from pathlib import Path

import pytest
from django.conf import settings

from gonghui.notifications.services import notify
from gonghui.rights.tests.helpers import file_request
from gonghui.testing import make_user
from gonghui.tests import browser
from gonghui.tests.test_browser import sign_in

chromium = browser.chromium
phone = browser.phone

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"

# What axe reports that fails the test: the two impacts WCAG conformance cannot live with.
BLOCKING = ("serious", "critical")

# A 375 px phone at 200 % zoom lays pages out in half its width.
ZOOMED_WIDTH = 187

# The member pages, by who sees them: None is an anonymous visitor, "worker" a signed-in
# visitor (a phone account with no member record), "member" a member.
PAGES = [
    (None, "/", "landing"),
    (None, "/join/", "join"),
    (None, "/stations/", "station finder"),
    (None, "/accounts/login/", "sign-in"),
    ("member", "/", "service hall"),
    ("worker", "/", "visitor's service hall"),
    ("member", "/me/overview/", "my overview"),
    ("member", "/me/requests/", "my requests"),
    ("member", "/me/notifications/", "my notifications"),
    ("member", "/me/card/", "my card"),
]

RUN_AXE = """async () => {
    const result = await axe.run(document, {resultTypes: ["violations"]});
    return result.violations.map((v) => ({
        id: v.id, impact: v.impact, help: v.help,
        targets: v.nodes.map((n) => n.target.join(" ")).slice(0, 6),
    }));
}"""

# Every visible control a finger must hit, with its size. A link inside running text is
# exempt (WCAG 2.5.5/2.5.8: "inline" targets are sized by the line of text); a checkbox or
# radio is measured by its label, which is what a finger taps.
SMALL_TARGETS = """(minimum) => {
    const controls = document.querySelectorAll(
        "a[href], button, input:not([type=hidden]), select, textarea, summary, [role=button]");
    const inline = (el) => {
        if (el.tagName !== "A" || getComputedStyle(el).display !== "inline") return false;
        const block = el.closest("p, li, dd, td, th, span.help, .help, small");
        return block !== null && block.textContent.trim() !== el.textContent.trim();
    };
    const small = [];
    for (const el of controls) {
        let box = el;
        if (el.type === "checkbox" || el.type === "radio") box = el.closest("label") || (el.labels && el.labels[0]) || el;
        const r = box.getBoundingClientRect();  // sizes are fractional: 43.99 is 44
        if (r.width === 0 || r.height === 0) continue;  // not shown (a closed menu, the skip link)
        const style = getComputedStyle(box);
        if (style.visibility === "hidden" || box.closest("[hidden], [aria-hidden=true]")) continue;
        if (inline(el)) continue;
        if (Math.round(r.height) < minimum || Math.round(r.width) < minimum) {
            const name = (el.getAttribute("aria-label") || el.textContent || el.name || el.id || "").trim().slice(0, 30);
            small.push(`${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""}${el.className ? "." + String(el.className).split(" ").join(".") : ""} "${name}" ${Math.round(r.width)}×${Math.round(r.height)}`);
        }
    }
    return small;
}"""


@pytest.fixture(scope="module")
def axe_source():
    if not AXE.exists():
        browser._unavailable(
            f"{AXE} not found: run `npm ci` (or `make install`) to install axe-core from the npm registry"
        )
    return AXE.read_text(encoding="utf-8")


@pytest.fixture
def people(world):
    """Something on each page: the member has a request being handled and unread
    notifications; the visitor account has a notification too."""
    member = world.users["member"]
    file_request(actor=member, member=world.members["xian_worker"], name="张伟")
    for title in ("您的诉求已受理", "入会申请已批准"):
        notify(
            kind="request.accepted",
            user=member,
            title=title,
            body="请在“我的诉求”中查看。",
            params={"number": "R-1", "due": "2026-03-10"},
            link="/me/requests/",
        )
    visitor = make_user("worker")
    notify(
        kind="request.accepted",
        user=visitor,
        title="您的诉求已受理",
        body="",
        params={"number": "R-2", "due": "2026-03-10"},
        link="/",
    )
    return {"member": member, "worker": visitor}


def _pages_by_person(phone, people):
    """Yield (name, url, page) for every member page, one signed-in browser context per person."""
    contexts = {}
    for person, url, name in PAGES:
        if person not in contexts:
            page = phone.new_page()
            if person is not None:
                sign_in(page, person)
            contexts[person] = page
        page = contexts[person]
        page.goto(url)
        page.wait_for_load_state("networkidle")
        yield name, url, page


def test_axe_finds_no_serious_or_critical_violation_on_the_member_pages(axe_source, world, phone, people):
    problems = []
    for name, url, page in _pages_by_person(phone, people):
        page.evaluate(axe_source)
        for v in page.evaluate(RUN_AXE):
            if v["impact"] in BLOCKING:
                problems.append(f"{name} ({url}): {v['id']} [{v['impact']}] {v['help']} — {v['targets']}")
    assert not problems, "axe-core found:\n" + "\n".join(problems)
    assert not phone.errors, phone.errors


def test_every_tap_target_on_the_member_pages_is_at_least_44_px(world, phone, people):
    problems = []
    for name, url, page in _pages_by_person(phone, people):
        small = page.evaluate(SMALL_TARGETS, 44)
        if small:
            problems.append(f"{name} ({url}): {small}")
    assert not problems, "tap targets under 44 px:\n" + "\n".join(problems)


def test_the_member_pages_work_at_200_percent_zoom_without_sideways_scroll(world, phone, people):
    problems = []
    for name, url, page in _pages_by_person(phone, people):
        page.set_viewport_size({"width": ZOOMED_WIDTH, "height": 406})
        page.goto(url)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > ZOOMED_WIDTH:
            culprits = page.evaluate(
                """(limit) => [...document.querySelectorAll("body *")]
                    .filter((el) => !el.closest(".table-wrap") && el.getBoundingClientRect().right > limit + 0.5)
                    .slice(0, 5).map((el) => `${el.tagName.toLowerCase()}.${el.className} ${Math.round(el.getBoundingClientRect().right)}px`)""",
                ZOOMED_WIDTH,
            )
            problems.append(f"{name} ({url}) is {width}px wide: {culprits}")
        page.set_viewport_size(browser.PHONE_VIEWPORT)
    assert not problems, f"pages that scroll sideways at 200 % zoom ({ZOOMED_WIDTH}px):\n" + "\n".join(
        problems
    )
