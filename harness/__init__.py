"""spinbench's harness: the tokenizer, aligner, dataset loader, metrics and evaluation.

>>> import harness
>>> [t.text for t in harness.tokenize("Heavy rain fell.")]
['Heavy', 'rain', 'fell', '.']
"""

from harness.align import Alignment, Edit, align_texts, align_tokens
from harness.dataset import Split, load
from harness.tokens import Token, tokenize

try:
    from importlib.metadata import PackageNotFoundError, version

    __version__ = version("spinbench")
except PackageNotFoundError:  # running from a checkout that was not installed
    __version__ = "0.0.0+unknown"
__all__ = ["Alignment", "Edit", "Split", "Token", "align_texts", "align_tokens", "load", "tokenize", "__version__"]
