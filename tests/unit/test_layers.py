"""Dependencies point one way: a feature imports only the features below it.

The order (lowest first) is the README's (development section). Every import statement
that runs counts, inside functions too; imports under ``if TYPE_CHECKING:`` do not run
(relationships name the models above them). The test fails on any import against the
order and on any import cycle between modules.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "compliance"

#: Lowest first. The kernel's modules may import each other (without cycles).
LAYERS: list[tuple[str, ...]] = [
    ("db", "extensions", "config", "clock", "signals", "i18n", "profile", "forms", "links",
     "panels", "scoring", "csv_export", "errors", "audit", "revisions", "workflow",
     "form_posts", "mail", "observability", "static_files"),
    ("manual",),
    ("auth",),
    ("permissions",),
    ("members",),
    ("users",),
    ("tokens",),
    ("evidence",),
    ("campaigns",),
    ("assessments",),
    ("actions",),
    ("reviews",),
    ("requests_",),
    ("history",),
    ("reminders",),
    ("notifications",),
    ("dashboard",),
    ("reports",),
    ("devices",),  # statements from practice programs; adds facts to checklists
    ("home",),
    ("api",),
    ("audit_cli", "demo", "models", "cli", "commands", "wsgi", "backup", "__init__"),  # the app
]
SHARED = {0, len(LAYERS) - 1}  # the kernel's and the application's modules
LAYER_OF = {name: index for index, names in enumerate(LAYERS) for name in names}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _type_checking_block(node: ast.AST) -> bool:
    test = getattr(node, "test", None)
    return isinstance(node, ast.If) and (
        (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING")
        or (isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"))


def imports_of(tree: ast.AST, module: str) -> set[str]:
    """The compliance modules a module imports when it runs. ``from a import b`` counts as
    importing ``a.b`` when that is a module, else ``a`` (see :func:`graph`)."""
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if _type_checking_block(node):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("compliance"))
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0 \
                and node.module.startswith("compliance"):
            found.update(f"{node.module}.{a.name}" for a in node.names)
            found.add(node.module + ".")  # the module itself, unless a submodule was meant
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return found


def graph() -> dict[str, set[str]]:
    modules = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    edges = {}
    for name, path in modules.items():
        imported = imports_of(ast.parse(path.read_text(encoding="utf-8")), name)
        named = {m for m in imported if m in modules}
        parents = {m[:-1] for m in imported if m.endswith(".")}
        named |= {p for p in parents if p in modules
                  and not any(m.startswith(p + ".") for m in named)}
        edges[name] = named - {name}
    return edges


def layer(module: str) -> int:
    parts = module.split(".")
    key = parts[1] if len(parts) > 1 else "__init__"
    assert key in LAYER_OF, f"{module}: add its feature to LAYERS (and to the README)"
    return LAYER_OF[key]


def feature(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def test_every_import_points_down():
    wrong = sorted(f"{a} imports {b}" for a, targets in graph().items() for b in targets
                   if feature(a) != feature(b) and layer(b) >= layer(a)
                   and not (layer(a) == layer(b) and layer(a) in SHARED))
    assert not wrong, "imports against the layer order:\n" + "\n".join(wrong)


def test_no_import_cycles():
    edges = graph()
    cycles: list[list[str]] = []
    state: dict[str, int] = {}

    def walk(node: str, path: list[str]) -> None:
        state[node] = 1
        for target in sorted(edges.get(node, ())):
            if state.get(target) == 1:
                cycles.append(path[path.index(target):] + [target])
            elif target not in state:
                walk(target, path + [target])
        state[node] = 2

    for start in sorted(edges):
        if start not in state:
            walk(start, [start])
    assert not cycles, "import cycles:\n" + "\n".join(" → ".join(c) for c in cycles)


@pytest.mark.parametrize("source, expected", [
    ("from compliance.a import b", {"compliance.a.", "compliance.a.b"}),
    ("if TYPE_CHECKING:\n    from compliance.a import b", set()),
    ("def f():\n    import compliance.c", {"compliance.c"}),
])
def test_the_reader_sees_what_runs(source, expected):
    assert imports_of(ast.parse(source), "compliance.x") == expected
