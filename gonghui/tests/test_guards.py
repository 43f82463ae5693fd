"""Structural guards (STYLE.md): pages and endpoints read data only through selectors and
the scoping module, and apps import only in the allowed direction."""

import ast
import re
from pathlib import Path

from django.conf import settings

GONGHUI = Path(settings.BASE_DIR) / "gonghui"
ENTRY_MODULES = [
    p for p in GONGHUI.rglob("*.py") if p.name in {"views.py", "api.py"} or p.parent.name == "views"
]

# Who may import whom: core ← accounts ← organisations ← members ← honours ← innovation ←
# competitions ← talent ← assistance ← rights ← stations ← demo (the demo loader sits on top of everything it
# loads).
LAYERS = [
    "core",
    "accounts",
    "organisations",
    "members",
    "honours",
    "innovation",
    "competitions",
    "talent",
    "assistance",
    "rights",
    "stations",
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
