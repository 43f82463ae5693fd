"""The portal's part of the URL walk (gonghui/tests/urlwalk.py). The home page shows each role
its own work; it holds no 西安 objects of its own (the apps whose rows it lists contribute
them, with their markers), so a sibling walking it must simply see none of theirs — its
queues count none of them (gonghui/portal/tests/test_home.py checks the counts too)."""

# Open to everyone by design (docs/modules/portal.md): the home page is the public landing
# page for anonymous visitors, the dues rule is public, and browsers fetch the manifest and
# the service worker before anyone signs in.
PUBLIC_PAGES = {
    "dashboard",
    "portal:manifest",
    "portal:service_worker",
    "portal:dues",
}

# 我的 (test_mine.py): a person's own pages. Every selector behind them takes the signed-in
# user and nothing else; another person's request, transfer or competition answers 404 there.
_OWN = "a user's own pages (我的, test_mine.py)"
NOT_WALKED = {
    "portal:mine": _OWN,
    "portal:mine_applications": _OWN,
    "portal:mine_requests": _OWN,
    "portal:mine_request": _OWN,
    "portal:mine_request_action": _OWN,
    "portal:mine_hardship": _OWN,
    "portal:mine_transfers": _OWN,
    "portal:mine_transfer_confirm": _OWN + "; the union chosen is public, like its name",
    "portal:mine_transfer_cancel": _OWN,
    "portal:mine_competitions": _OWN,
    "portal:mine_competition_enter": _OWN + "; the competition is looked up in the member's view (404)",
    "portal:mine_ideas": _OWN,
    "portal:mine_verify": _OWN,
    "portal:mine_phone": _OWN,
}
