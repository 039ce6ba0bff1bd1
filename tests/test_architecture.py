"""The layout's rules, checked on every import statement (function-level ones included):
the base layer (``harness.core``) imports nothing above it; the run layer (``harness.runs``)
stands on it alone; the two tracks (``harness.evaluation``, ``harness.restoration``) stand on the
run layer and never import the corpus side (nor the report, which stands on them); baselines
see only the base layer and the model contracts. No module imports another package's private
name, and no import circle exists anywhere (deferred imports count: they hide one, they do not
break it), benchmarks included.

Baselines may read five base-layer modules: the tokenizer, the lexical resources, the WordNet
reader (the restorers' back-off), the GloVe reader (the restorers' candidates), and the word-piece mapping (``harness.core.wordpieces``), which the ``transformer`` baseline shares with
the ``hf:`` wrapper so that an exported model scores the same through both."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def imports_of(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return {name for name in found if name.split(".")[0] in ("harness", "baselines")}


def modules(package: str) -> list[Path]:
    return sorted((ROOT / package.replace(".", "/")).rglob("*.py"))


RULES = {
    # package: (allowed prefixes of spinbench imports); harness.cli may import anything
    "harness.core": ("harness.core",),
    "harness.corpus": ("harness.core", "harness.corpus"),
    "harness.runs": ("harness.core", "harness.runs", "harness"),
    "harness.evaluation": ("harness.core", "harness.runs", "harness.evaluation", "harness"),
    # the report stands on both tracks: detection's results and restoration's (its restoration pages)
    "harness.report": ("harness.core", "harness.runs", "harness.evaluation", "harness.restoration", "harness.report", "harness"),
    # the restoration track stands on the run layer, and reads detection's results for the spans a detector flags
    "harness.restoration": ("harness.core", "harness.runs", "harness.evaluation", "harness.restoration", "harness"),
    # baselines read the ground floor's text tools, report progress on a long fit as the harness does,
    # and check their input with the two contracts they implement (a detector's, a restorer's)
    "baselines": ("harness.core.tokens", "harness.core.lexical", "harness.core.wordpieces", "harness.core.wordnet_db", "harness.core.glove", "harness.core.progress",
                  "harness.evaluation.contract", "harness.restoration.contract", "baselines"),
}
# Single modules allowed one import more than their package, each for a stated reason.
EXCEPTIONS = {
    # reverse-rules reads the phrasebook's rule tables (data only) when phrasebook=True, the
    # restoration track's own ablation says what that knowledge of the spinner is worth
    "baselines/restorers.py": ("harness.corpus.spin.phrasebook_rules",),
}


def _allowed(name: str, prefixes: tuple[str, ...]) -> bool:
    # "harness" alone (the package, for __version__) is allowed only where listed as such.
    return any(name == p or name.startswith(p + ".") for p in prefixes if p != "harness") or (name == "harness" and "harness" in prefixes)


@pytest.mark.parametrize("package", sorted(RULES))
def test_layers_import_only_what_they_may(package):
    bad = []
    for path in modules(package):
        for name in sorted(imports_of(path)):
            if not _allowed(name, RULES[package]) and name not in EXCEPTIONS.get(str(path.relative_to(ROOT)), ()):
                bad.append(f"{path.relative_to(ROOT)} imports {name}")
    assert not bad, "\n".join(bad)


def test_the_rules_catch_a_violation(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from harness.corpus.spin import engine\n")
    assert not _allowed(next(iter(imports_of(module))), RULES["baselines"])


def test_ground_floor_imports_without_pyarrow():
    code = (
        "import sys; sys.modules['pyarrow'] = None; sys.modules['datasets'] = None\n"
        "import harness, harness.core.tokens, harness.core.schema, harness.core.configs, harness.core.lexical, harness.core.fingerprints\n"
        "print([t.text for t in harness.tokenize('Heavy rain.')])"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "['Heavy', 'rain', '.']"


def _module_name(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
    return ".".join(parts)


def _graph() -> dict[str, set[str]]:
    """Every module of harness/, baselines/ and benchmarks/ -> the modules of those it imports
    (a ``from package import name`` counts the submodule when ``name`` is one)."""
    paths = [*modules("harness"), *modules("baselines"), *sorted((ROOT / "benchmarks").glob("*.py"))]
    names = {_module_name(p) if p.parent.name != "benchmarks" else p.stem: p for p in paths}
    graph: dict[str, set[str]] = {}
    for name, path in names.items():
        out = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets = []
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                targets = [f"{node.module}.{a.name}" for a in node.names] + [node.module]
            for target in targets:
                if target in names and target != name:
                    out.add(target)
                    break
        graph[name] = out
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm)."""
    index, low, stack, on, found, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_no_import_circle_anywhere():
    assert _cycles(_graph()) == []


def test_the_circle_finder_finds_a_circle_behind_a_deferred_import():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def _package(module: str) -> str:
    return module.rsplit(".", 1)[0]


def test_no_module_imports_another_packages_private_name():
    bad = []
    for path in [*modules("harness"), *modules("baselines"), *sorted((ROOT / "benchmarks").glob("*.py"))]:
        here = _module_name(path) if path.parent.name != "benchmarks" else path.stem
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0 and node.module.split(".")[0] in ("harness", "baselines"):
                private = [a.name for a in node.names if a.name.startswith("_") and not a.name.startswith("__")]
                if private and _package(node.module) != _package(here):
                    bad.append(f"{path.relative_to(ROOT)} imports {', '.join(private)} from {node.module}")
    assert not bad, "\n".join(bad)
