"""The layout's rules, checked on every import statement (function-level ones included):
the ground floor imports nothing above it, the evaluation side never imports the corpus side (nor
the report, which stands on it), and baselines see only the ground floor and the detector contract.

Baselines may read five ground-floor modules: the tokenizer, the lexical resources, the WordNet
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
    # package: (allowed prefixes of spinbench imports)
    "harness.core": ("harness.core",),
    "harness.corpus": ("harness.core", "harness.corpus"),
    "harness.evaluation": ("harness.core", "harness.evaluation", "harness"),
    # the report stands on both tracks: detection's results and restoration's (its restoration pages)
    "harness.report": ("harness.core", "harness.evaluation", "harness.restoration", "harness.report", "harness"),
    # the restoration track stands on the evaluation side (its bootstrap, provenance, files)
    "harness.restoration": ("harness.core", "harness.evaluation", "harness.restoration", "harness"),
    "baselines": ("harness.core.tokens", "harness.core.lexical", "harness.core.wordpieces", "harness.core.wordnet_db", "harness.core.glove", "harness.evaluation.contract", "baselines"),
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
