"""The documents tell the truth about the code and stand alone: every page the README names
exists, every API operation its tables list is in the API, every link between documents leads
to a file, and nothing points at a specification or notes outside the repository."""

import re
import uuid
from pathlib import Path

from django.conf import settings
from django.urls import Resolver404, resolve

ROOT = Path(settings.BASE_DIR)
README = ROOT / "README.md"
DOCUMENTS = [README, *sorted((ROOT / "docs").rglob("*.md"))]
# Everything a reader or a tool opens: code, configuration and documents.
SOURCES = [
    *DOCUMENTS,
    *(
        p
        for folder in ("gonghui", "config", "bench")
        for p in (ROOT / folder).rglob("*")
        if p.is_file() and "vendor" not in p.parts and "__pycache__" not in p.parts
    ),
    *(ROOT / name for name in ("conftest.py", "manage.py", "Makefile", "pyproject.toml", ".env.example")),
]
TEXT_SUFFIXES = {".py", ".md", ".html", ".txt", ".toml", ".js", ".css", ".po", ".example", ""}
# Written in two parts so that this file does not match itself.
OUTSIDE = ["SPEC" + " §", "../" + "shared", "/work/" + "shared"]
OUTSIDE_IN_DOCUMENTS = [*OUTSIDE, "STYLE" + ".md", "STYLE" + " §", "NOTES" + ".md"]

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
PLACEHOLDER = re.compile(r"<[^>/]+>")


def _readme_parts() -> tuple[str, str]:
    text = README.read_text(encoding="utf-8")
    pages, _, api = text.partition("\n## API\n")
    return pages, api


def _resolves(path: str) -> bool:
    """Does ``path`` (with ``<id>``-style placeholders) name one of the site's pages?"""
    for stand_in in (str(uuid.uuid4()), "1"):
        try:
            resolve(PLACEHOLDER.sub(stand_in, path))
        except Resolver404:
            continue
        return True
    return False


def test_every_page_path_in_the_readme_resolves():
    pages, _ = _readme_parts()
    # The site's pages end with a slash; `/usr/bin` and the like are files on the machine.
    paths = {p.split("?")[0] for p in re.findall(r"`(/[^`\s]*/)`", pages)}
    assert paths, "the README names no page"
    missing = sorted(p for p in paths if not _resolves(p))
    assert missing == [], f"the README names pages that do not exist: {missing}"


def _operations() -> dict[tuple[str, ...], set[str]]:
    """The API's operations: path segments under /api/v1 (a parameter as None) → methods."""
    from config.api import api

    document = api.get_openapi_schema()
    operations = {}
    for path, item in document["paths"].items():
        segments = tuple(
            None if s.startswith("{") else s for s in path.removeprefix("/api/v1").strip("/").split("/")
        )
        operations[segments] = {method.upper() for method in item}
    return operations


def _in_api(method: str, path: str, operations) -> bool:
    segments = [s for s in path.split("?")[0].strip("/").split("/")]
    for known, methods in operations.items():
        if (
            method in methods
            and len(known) == len(segments)
            and all(
                (k is None) == bool(PLACEHOLDER.fullmatch(s)) and (k is None or k == s)
                for k, s in zip(known, segments, strict=True)
            )
        ):
            return True
    return False


def _bases(path: str) -> list[str]:
    """Where a continuation such as `/accept` or `…/workers` may hang: under the previous path
    written in full, or beside it."""
    return [path, path.rsplit("/", 1)[0]]


def _api_entries(api_text: str):
    """(what the README wrote, method, candidate paths) for every operation it lists: table rows
    such as `GET /members/<id>`, `/accept` (a sibling of the previous path), `POST …/workers`
    (under it), and operations named in full (`POST /api/v1/auth/token`) anywhere in the text."""
    for line in api_text.splitlines():
        if not line.startswith("| `"):
            continue
        cell = line[1:].split(" | ")[0]
        methods: list[str] = []
        pending: list[str] = []
        full = ""
        for chunk in re.findall(r"`([^`]+)`", cell):
            words = chunk.split()
            if words == [words[0]] and words[0] in METHODS:  # `GET`/`POST …/workers`
                pending.append(words[0])
                continue
            if words[0] in METHODS:
                methods, pending = [*pending, words[0]], []
                path = words[1].split("?")[0]
            else:
                path = words[0].split("?")[0]
            if path.startswith("…"):
                candidates = [prefix + path[1:] for prefix in _bases(full)]
            elif words[0] not in METHODS and full:
                candidates = [prefix + path for prefix in _bases(full)]
            else:
                full, candidates = path, [path]
            for method in methods:
                yield chunk, method, candidates
    for method, path in re.findall(r"`(GET|POST|PUT|PATCH|DELETE) /api/v1(/[^`\s]*)`", api_text):
        yield f"{method} /api/v1{path}", method, [path.split("?")[0]]


def test_every_api_operation_in_the_readme_exists():
    _, api_text = _readme_parts()
    operations = _operations()
    entries = list(_api_entries(api_text))
    assert len(entries) > 100, "the README's API tables were not read"
    missing = sorted(
        {
            f"{method} {written}"
            for written, method, candidates in entries
            if not any(_in_api(method, c, operations) for c in candidates)
        }
    )
    assert missing == [], f"the README lists API operations that do not exist: {missing}"


def test_every_link_between_documents_leads_to_a_file():
    broken = []
    for document in DOCUMENTS:
        text = document.read_text(encoding="utf-8")
        for target in re.findall(r"\]\(([^)\s]+)\)", text):
            if target.startswith(("http://", "https://", "mailto:", "#")):
                continue
            if not (document.parent / target.split("#")[0]).exists():
                broken.append(f"{document.relative_to(ROOT)} → {target}")
    assert broken == [], "\n".join(broken)


def test_nothing_points_at_a_specification_or_notes_outside_the_repository():
    offenders = []
    for path in SOURCES:
        if path.suffix not in TEXT_SUFFIXES:
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        words = OUTSIDE_IN_DOCUMENTS if path in DOCUMENTS else OUTSIDE
        offenders += [f"{path.relative_to(ROOT)}: {word}" for word in words if word in text]
    assert offenders == [], "cite docs/product.md or docs/dev/architecture.md instead:\n" + "\n".join(
        offenders
    )
