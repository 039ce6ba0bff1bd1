"""Both lazy registries (detectors, spinner engines) answer an unknown name the same way, and
import nothing until a name is chosen."""

import subprocess
import sys

import pytest

from harness.core.errors import SpinbenchError


def test_an_unknown_engine_gets_did_you_mean():
    from harness.corpus.spin import engine_class

    with pytest.raises(SpinbenchError, match="unknown spinner engine 'thesauros'; did you mean 'thesaurus'"):
        engine_class("thesauros")
    with pytest.raises(KeyError):  # still a KeyError for callers that catch one
        engine_class("nope")


def test_an_unknown_model_gets_did_you_mean_and_what_else_is_accepted():
    from harness.evaluation.registry import resolve_class

    with pytest.raises(SpinbenchError, match=r"unknown model 'clasifier'; did you mean 'classifier'\? Known models: .* or a predictions file"):
        resolve_class("clasifier")


def test_choosing_a_name_imports_only_its_module():
    code = (
        "import sys\n"
        "from harness.evaluation.registry import resolve_class\n"
        "from harness.corpus.spin import engine_class\n"
        "resolve_class('random'); engine_class('numbers')\n"
        "print(sorted(m for m in ('torch', 'baselines.lexicon', 'harness.corpus.spin.thesaurus') if m in sys.modules))"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "[]"
