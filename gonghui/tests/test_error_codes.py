"""docs/dev/error-codes.md tells the truth: every code of the input vocabulary, every code the
checked apps raise and every code the API's error handlers answer is documented, and every code
the page lists is still raised somewhere."""

import ast
import re
from pathlib import Path

from django.conf import settings

from gonghui.core.inputs import InputCode

ROOT = Path(settings.BASE_DIR)
DOCUMENT = ROOT / "docs" / "dev" / "error-codes.md"
# The apps whose codes are checked against their section of the page ("## <app>"). Adding an
# app is adding its name here and its section there.
CHECKED_APPS = {
    "core",
    "accounts",
    "organisations",
    "talent",
    "competitions",
    "honours",
    "innovation",
    "rights",
    "members",
    "stations",
    "assistance",
    "news",
    "activities",
}
API_SECTION = "The API error shape"
INPUT_SECTION = "Input"
CODE = re.compile(r"^[a-z][a-z0-9_]*$")
ROW = re.compile(r"^\|\s*`([a-z][a-z0-9_]*)`\s*\|", re.MULTILINE)
TABLE_CELL = re.compile(r"\|\s*`([a-z][a-z0-9_]*)`\s*\|")


def _sections() -> dict[str, str]:
    sections, name = {}, ""
    for line in DOCUMENT.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            name = line[3:].strip()
            sections[name] = ""
        elif name:
            sections[name] += line + "\n"
    return sections


def _documented(section: str) -> set[str]:
    """The codes a section's tables list in their first column."""
    return set(ROW.findall(_sections().get(section, "")))


def _sources(app: str):
    for path in sorted((ROOT / "gonghui" / app).rglob("*.py")):
        if "tests" not in path.parts and "migrations" not in path.parts:
            yield path, ast.parse(path.read_text(encoding="utf-8"))


def _strings(node) -> set[str]:
    return {n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str)}


def _values(node) -> set[str]:
    """The texts an expression can evaluate to: a literal, either branch of a conditional."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    if isinstance(node, ast.IfExp):
        return _values(node.body) | _values(node.orelse)
    if isinstance(node, ast.BoolOp):
        return set().union(*(_values(v) for v in node.values))
    return set()


def _name(func) -> str:
    return getattr(func, "id", getattr(func, "attr", ""))


def _code_builders() -> dict[str, int]:
    """The callables that make an error from a ``code`` parameter, by name → the position of
    that parameter: ``ValidationError(message, code)``, ``field_error(field, message, code)``,
    and every function or exception class of the project built on one of them (an app's own
    ``_scheme_error(where, message, code)``, the spreadsheet reader's ``FileError(message,
    code)``, stations' ``FileRefused(message, code)`` …). A helper whose ``code`` parameter is
    something else (an organisation's code) does not pass it to an error, so it is not one."""
    definitions = []
    for path in sorted((ROOT / "gonghui").rglob("*.py")):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef):
                init = next(
                    (f for f in node.body if isinstance(f, ast.FunctionDef) and f.name == "__init__"), None
                )
                if init is not None:
                    bases = {_name(b) for b in node.bases}
                    definitions.append((node.name, init, True, bases))
            elif isinstance(node, ast.FunctionDef):
                definitions.append((node.name, node, False, set()))
    builders = {"ValidationError": 1}
    changed = True
    while changed:  # a builder built on a builder is one too
        changed = False
        for name, function, is_class, bases in definitions:
            parameters = [a.arg for a in function.args.args if a.arg not in ("self", "cls")]
            if name in builders or "code" not in parameters:
                continue
            # An exception made of a message for people and a code (not the parser's internal
            # ``ParseError(code, limit)``, which the reader turns into a FileError).
            exception = (
                is_class
                and "message" in parameters
                and (bases & set(builders) or any(b.endswith(("Error", "Exception")) for b in bases))
            )
            if exception or any(_passes_code(call, builders) for call in ast.walk(function)):
                builders[name] = parameters.index("code")
                changed = True
    return builders


def _passes_code(call, builders: dict[str, int]) -> bool:
    """Whether ``call`` hands the enclosing function's ``code`` parameter to a builder."""
    if not isinstance(call, ast.Call) or _name(call.func) not in builders:
        return False
    place = builders[_name(call.func)]
    given = [k.value for k in call.keywords if k.arg == "code"]
    given += call.args[place : place + 1]
    return any(isinstance(v, ast.Name) and v.id == "code" for v in given)


_BUILDERS: dict[str, int] = {}


def _positional_code(node) -> ast.expr | None:
    """The code given by position to a callable that makes an error of it (``_code_builders``)."""
    if not isinstance(node, ast.Call):
        return None
    if not _BUILDERS:
        _BUILDERS.update(_code_builders())
    place = _BUILDERS.get(_name(node.func))
    return node.args[place] if place is not None and len(node.args) > place else None


def _raised(app: str) -> dict[str, str]:
    """Every code the app's code gives an error: ``code="…"``, ``code = "…"`` and a code by
    position (either branch of a conditional too) → where."""
    found = {}
    for path, tree in _sources(app):
        for node in ast.walk(tree):
            if isinstance(node, ast.keyword) and node.arg == "code":
                values = _values(node.value)
            elif isinstance(node, ast.Assign) and any(
                getattr(t, "id", getattr(t, "attr", None)) == "code" for t in node.targets
            ):
                values = _values(node.value)
            elif (argument := _positional_code(node)) is not None:
                values = _values(argument)
            else:
                continue
            for value in values:
                if CODE.match(value):
                    found.setdefault(value, f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def test_the_page_has_a_section_for_the_api_the_input_vocabulary_and_every_checked_app():
    sections = _sections()
    assert {API_SECTION, INPUT_SECTION} <= sections.keys()
    assert CHECKED_APPS <= sections.keys(), f"add a section: {sorted(CHECKED_APPS - sections.keys())}"


def test_every_input_code_is_documented():
    assert InputCode.all() - _documented(INPUT_SECTION) == set()
    assert _documented(INPUT_SECTION) - InputCode.all() == set(), "no longer an InputCode"


def test_every_code_a_checked_app_raises_is_documented_in_its_section():
    vocabulary = _documented(INPUT_SECTION)
    missing = {
        f"{app}: `{code}` ({where})"
        for app in sorted(CHECKED_APPS)
        for code, where in _raised(app).items()
        if code not in _documented(app) and code not in vocabulary
    }
    assert missing == set(), "document in docs/dev/error-codes.md:\n" + "\n".join(sorted(missing))


def test_every_code_an_app_section_lists_is_still_raised_by_that_app():
    stale = set()
    for app in sorted(CHECKED_APPS):
        literals = set().union(*(_strings(tree) for _path, tree in _sources(app)))
        stale |= {f"{app}: `{code}`" for code in _documented(app) - literals}
    assert stale == set(), "no longer raised: remove from docs/dev/error-codes.md"


def test_every_code_the_api_answers_with_is_in_the_error_shape_table():
    tree = ast.parse((ROOT / "gonghui" / "core" / "api.py").read_text(encoding="utf-8"))
    answered = set()
    for node in ast.walk(tree):
        # error_response(status, detail, code), bad_input(items, code)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            place = {"error_response": 2, "bad_input": 1}.get(node.func.id)
            if place is not None and len(node.args) > place:
                answered |= _values(node.args[place])
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "codes" for t in node.targets):
            answered |= _strings(node.value)
    answered.discard("error")  # the fallback for a status no handler names
    assert answered, "the scan of core/api.py found nothing: is it still right?"
    table = set(TABLE_CELL.findall(_sections()[API_SECTION]))
    assert answered - table == set()
