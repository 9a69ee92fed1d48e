"""The tree shows the architecture: faces translate, use cases do what officers and admins
do, the worker polls and sends, stages are plain functions, the ground is shared words.
Nothing imports upward and no stage imports another sideways; a new import that breaks
this fails here, before it becomes a habit."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

GROUND = {"klachtenbus"}
STAGES = {"intake", "rules", "classify", "procedures", "outbox", "storage"}
OFFICE = {"office"}  # what the worker and the use cases share
WORKER = {"bot"}
CASEWORK = {"casework"}
FACES = {"cli", "web"}
ROOT_PACKAGE = {"bootstrap"}

# who may import whom (besides itself)
ALLOWED: dict[str, set[str]] = {
    **{stage: GROUND for stage in STAGES},
    "klachtenbus": set(),
    "office": GROUND | STAGES,
    "bot": GROUND | STAGES | OFFICE,
    "casework": GROUND | STAGES | OFFICE,
    "bootstrap": GROUND | STAGES | OFFICE | WORKER | CASEWORK,
    "cli": GROUND | STAGES | OFFICE | WORKER | CASEWORK | ROOT_PACKAGE | {"web"},
    "web": GROUND | STAGES | OFFICE | CASEWORK | ROOT_PACKAGE,
}
OURS = set(ALLOWED)
FACE_LIBRARIES = {"typer", "rich", "starlette", "uvicorn", "click"}


def imports_of(path: Path) -> set[str]:
    """The top-level packages a module imports, at any depth of the file."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


def modules() -> list[tuple[str, Path]]:
    return [
        (package, path)
        for package in sorted(OURS)
        if (ROOT / package).is_dir()
        for path in sorted((ROOT / package).rglob("*.py"))
        if "migrations" not in path.parts
    ]


@pytest.mark.parametrize(
    ("package", "path"),
    modules(),
    ids=lambda v: str(v.relative_to(ROOT)) if isinstance(v, Path) else v,
)
def test_nothing_imports_upward_or_sideways(package: str, path: Path) -> None:
    wrong = {name for name in imports_of(path) & OURS if name != package} - ALLOWED[package]
    assert not wrong, f"{path.relative_to(ROOT)} imports {sorted(wrong)}"


@pytest.mark.parametrize(
    ("package", "path"),
    [(p, m) for p, m in modules() if p not in FACES],
    ids=lambda v: str(v.relative_to(ROOT)) if isinstance(v, Path) else v,
)
def test_only_the_faces_talk_to_terminals_and_browsers(package: str, path: Path) -> None:
    wrong = imports_of(path) & FACE_LIBRARIES
    assert not wrong, f"{path.relative_to(ROOT)} imports {sorted(wrong)}, which belong to a face"
