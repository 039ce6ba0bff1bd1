"""spinbench's harness: the tokenizer, aligner, dataset loader, metrics and evaluation.

>>> import harness
>>> [t.text for t in harness.tokenize("Heavy rain fell.")]
['Heavy', 'rain', 'fell', '.']
"""

from harness.align import Alignment, Edit, align_texts, align_tokens
from harness.dataset import Split, load
from harness.tokens import Token, tokenize

__version__ = "0.1.0"
__all__ = ["Alignment", "Edit", "Split", "Token", "align_texts", "align_tokens", "load", "tokenize", "__version__"]
