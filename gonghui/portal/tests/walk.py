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
