"""Talent's part of the URL walk (gonghui/tests/urlwalk.py): a member's talent profile takes
the members app's 西安 member; "my talent profile" is left out."""

NOT_WALKED = {
    "talent:me": (
        "the signed-in member's own page (404 for officers without a member record): its own tests cover it"
    ),
}
