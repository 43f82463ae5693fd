"""The portal's part of the URL walk (gonghui/tests/urlwalk.py). The home page shows each role
its own work; it holds no 西安 objects of its own (the apps whose rows it lists contribute
them), so a sibling walking it must simply see none of theirs."""
