"""Structural guards (docs/dev/architecture.md): pages and endpoints read data only through
selectors and the scoping module, apps import only in the allowed direction, and the one shape
of the codebase holds (shared plumbing in core, rights in permissions.py, labelled audit codes)."""

import ast
import re
from pathlib import Path

from django.conf import settings

GONGHUI = Path(settings.BASE_DIR) / "gonghui"
# Pages and endpoints: views.py / api.py, and every module of a views/ or api/ package.
ENTRY_MODULES = [
    p
    for p in GONGHUI.rglob("*.py")
    if p.name in {"views.py", "api.py"} or p.parent.name in {"views", "api"} or p.name.startswith("api_")
]

# Who may import whom: core ← search ← accounts ← organisations ← members ← honours ← innovation ←
# competitions ← talent ← assistance ← rights ← stations ← news ← activities ← portal ← demo (the portal composes every app's
# pages for members and each role; the demo loader sits on top of everything it loads).
LAYERS = [
    "core",
    "search",
    "accounts",
    "notifications",
    "organisations",
    "members",
    "honours",
    "innovation",
    "competitions",
    "talent",
    "assistance",
    "rights",
    "stations",
    "news",
    "activities",
    "portal",
    "demo",
]


def test_views_and_endpoints_do_not_query_models_directly():
    offenders = []
    for path in ENTRY_MODULES:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if re.search(r"\.objects\b|get_object_or_404\(|get_list_or_404\(", line):
                offenders.append(f"{path.relative_to(GONGHUI)}:{number}: {line.strip()}")
    assert offenders == [], "use a selector or scoping.restrict():\n" + "\n".join(offenders)


def test_every_form_speaks_natural_chinese():
    # A class built directly on a Django form class (forms.Form, forms.ModelForm,
    # AuthenticationForm …) must call core.forms.natural_messages; the others derive from
    # core.forms.Form or from such a class, and inherit its messages.
    offenders: dict[str, list[str]] = {}
    for path in GONGHUI.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        from_django = {
            (alias.asname or alias.name).split(".")[0]
            for node in ast.walk(tree)
            if isinstance(node, ast.Import | ast.ImportFrom)
            and (getattr(node, "module", None) or node.names[0].name).startswith("django")
            for alias in node.names
        }
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef) and any(
                ast.unparse(b).split(".")[0] in from_django and ast.unparse(b).endswith("Form")
                for b in node.bases
            ):
                calls = {
                    n.func.id
                    for n in ast.walk(node)
                    if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)
                }
                if "natural_messages" not in calls:
                    offenders.setdefault(str(path.relative_to(GONGHUI)), []).append(node.name)
    assert offenders == {}, "derive from gonghui.core.forms.Form or call natural_messages(self)"


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


def test_apps_import_only_downwards():
    offenders = []
    for layer in LAYERS:
        allowed = set(LAYERS[: LAYERS.index(layer) + 1])
        for path in (GONGHUI / layer).rglob("*.py"):
            if "tests" in path.parts or "migrations" in path.parts:
                continue
            for module in _imports(path):
                parts = module.split(".")
                if (
                    parts[0] == "gonghui"
                    and len(parts) > 1
                    and parts[1] in LAYERS
                    and parts[1] not in allowed
                ):
                    offenders.append(f"{path.relative_to(GONGHUI)} imports {module}")
    assert offenders == [], "\n".join(offenders)


def _api_operations():
    """Every operation of the HTTP API, nested routers included, as mounted."""
    from config.api import api

    for bound_router in api._get_bound_routers():
        for path, path_view in bound_router.path_operations.items():
            for operation in path_view.operations:
                yield f"/{bound_router.prefix}/{path}".replace("//", "/"), operation


def _models_in(annotation, found: set) -> None:
    """The pydantic models in a type annotation, and the models their fields use, recursively."""
    import typing

    import pydantic

    if isinstance(annotation, type) and issubclass(annotation, pydantic.BaseModel):
        if annotation in found:
            return
        # ninja's own wrappers (one per operation: BodyParams, NinjaResponseSchema...) are
        # inlined in the document, not named components; what they wrap is
        if not hasattr(annotation, "__ninja_param_source__") and annotation.__name__ != "NinjaResponseSchema":
            found.add(annotation)
        for field in annotation.model_fields.values():
            _models_in(field.annotation, found)
        return
    for arg in typing.get_args(annotation):
        _models_in(arg, found)


def test_api_schema_names_are_unique():
    # The OpenAPI document names each schema by its class name: two classes with one name
    # make one component, and the document describes the wrong body for one of them.
    models: set = set()
    for _path, operation in _api_operations():
        for model in [*operation.models, *operation.response_models.values()]:
            _models_in(model, models)
    by_name: dict[str, list[str]] = {}
    for model in models:
        by_name.setdefault(model.__name__, []).append(f"{model.__module__}.{model.__qualname__}")
    duplicates = {name: sorted(where) for name, where in by_name.items() if len(where) > 1}
    assert duplicates == {}, "rename so each API schema name is used once:\n" + "\n".join(
        f"{name}: {', '.join(where)}" for name, where in sorted(duplicates.items())
    )


# ---- one shape ---------------------------------------------------------------------------
# One obvious way to do each thing: every app was brought into this shape at once, and these
# guards keep it (no exceptions are listed).

SOURCE = [
    p
    for p in GONGHUI.rglob("*.py")
    if "tests" not in p.parts and "migrations" not in p.parts and "__pycache__" not in p.parts
]


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(GONGHUI.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _rel(path: Path) -> str:
    return str(path.relative_to(GONGHUI))


def _private_uses(path: Path) -> set[str]:
    """``_name``s of other gonghui modules this file imports or reads (``module._name``)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    own = _module_name(path)
    modules: set[str] = set()
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("gonghui"):
            for alias in node.names:
                if alias.name.startswith("_") and not alias.name.startswith("__") and node.module != own:
                    found.add(f"{node.module}.{alias.name}")
                else:
                    modules.add(alias.asname or alias.name)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("gonghui"):
                    modules.add(alias.asname or alias.name.split(".")[0])
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in modules
            and node.attr.startswith("_")
            and not node.attr.startswith("__")
            and node.attr != "_meta"
        ):
            found.add(f"{node.value.id}.{node.attr}")
    return found


def test_no_private_name_is_used_across_modules():
    # A leading underscore means "this module's own": another module reaching for it couples
    # the two through a name that was never meant to be kept stable. Make it public, or move it.
    offenders = {_rel(p): sorted(uses) for p in SOURCE if (uses := _private_uses(p))}
    assert offenders == {}, "private names used across modules"


def _import_graph() -> dict[str, set[str]]:
    modules = {_module_name(p): p for p in SOURCE}
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        for imported in _imports(path):
            # ``from gonghui.x import y`` may name the module gonghui.x.y or an object of gonghui.x.
            for candidate in (imported, *(f"{imported}.{a}" for a in _imported_names(path, imported))):
                if candidate in modules and candidate != name:
                    graph[name].add(candidate)
    return graph


def _imported_names(path: Path, module: str) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module == module
        for alias in node.names
    }


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []
    counter = [0]

    def visit(node: str) -> None:
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for nxt in graph[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                item = stack.pop()
                on_stack.discard(item)
                group.append(item)
                if item == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return groups


def test_modules_import_each_other_in_one_direction_only():
    # A cycle (even through an import inside a function) means two modules are one module in
    # two files, or a third module is missing.
    assert _cycles(_import_graph()) == []


# Tree comparisons (``path.startswith``, ``path__startswith``) and role checks belong to
# organisations/scoping.py (and Organisation.contains) and each app's permissions.py.
TREE_CHECK = re.compile(r"(?<!request)\.path\.startswith\(|path__startswith")
TREE_CHECK_HOMES = {"organisations/scoping.py", "organisations/models.py", "organisations/counters.py"}


def test_tree_comparisons_live_in_scoping_and_permissions():
    offenders = {
        _rel(p)
        for p in SOURCE
        if TREE_CHECK.search(p.read_text(encoding="utf-8"))
        and _rel(p) not in TREE_CHECK_HOMES
        and p.name != "permissions.py"
    }
    assert offenders == set(), "use scoping / Organisation.contains / permissions.py"


def test_users_are_asked_whether_they_are_signed_in_directly():
    # request.user is always a user object (AnonymousUser when signed out): getattr with a
    # default hides a missing middleware or a wrong object instead of failing.
    pattern = re.compile(r"getattr\([^)]*is_authenticated")
    offenders = {_rel(p) for p in SOURCE if pattern.search(p.read_text(encoding="utf-8"))}
    assert offenders == set()


AUDIT_CODE = re.compile(r"[\"']([a-z]+\.[a-z_]+\.[a-z_]+)[\"']")


def test_every_audit_action_has_a_label():
    # Officers read the audit log in words: every code an app writes is declared, with its
    # label, in the app's AuditAction (choices.py), named by its AppConfig. Codes built with an
    # f-string are checked when written (GONGHUI_AUDIT_STRICT in the test settings).
    from django.apps import apps

    from gonghui.core import audit

    app_labels = {c.label for c in apps.get_app_configs() if c.name.startswith("gonghui.")}
    written = {
        code
        for p in SOURCE
        for code in AUDIT_CODE.findall(p.read_text(encoding="utf-8"))
        if code.split(".")[0] in app_labels and "audit" in p.read_text(encoding="utf-8")
    }
    writers = {code.split(".")[0] for code in written}
    declaring = {c.label for c in apps.get_app_configs() if getattr(c, "audit_actions", None)}
    assert writers - declaring == set(), "declare AuditAction and audit_actions"
    unlabelled = sorted(c for c in written if c.split(".")[0] in declaring and not audit.declared(c))
    assert unlabelled == []


# core.web.form_action is the one place a service's ValidationError becomes form errors or
# messages on a page (docs/dev/architecture.md): nothing else calls add_service_error.
def _calls(path: Path, name: str) -> bool:
    return any(
        isinstance(node, ast.Call)
        and name in (getattr(node.func, "id", None), getattr(node.func, "attr", None))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
    )


def test_service_errors_reach_forms_only_through_form_action():
    offenders = {_rel(p) for p in SOURCE if _calls(p, "add_service_error")} - {"core/web.py"}
    assert offenders == set(), "use core.web.form_action"
