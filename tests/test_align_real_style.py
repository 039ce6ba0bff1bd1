"""The aligner against hand labels on spinner-style rewrites the project wrote itself, in the
manner of real spun news (multiword swaps, name parts swapped, numbers rewritten)."""

from harness.corpus.align import align_texts
from harness.evaluation.metrics import prf, token_counts

ORIGINAL = """Shares in the carmaker fell sharply on Monday after it warned that profits would be lower than expected this year. The Bank of England said in a statement that it would keep a close eye on the market. Heavy rain in the north has also hit sales, and three of its factories were closed for two days."""

SPUN = """Offers in the automaker tumbled pointedly on Monday after it cautioned that benefits would be lower than anticipated this year. The Financial institution of England stated in an announcement that it would keep a shut eye on the marketplace. Weighty rain in the north has likewise hit deals, and 3 of its manufacturing plants were shut for 2 days."""

# Hand labels: the spun words, in order of appearance.
HAND_SPUN = ["Offers", "automaker", "tumbled", "pointedly", "cautioned", "benefits", "anticipated", "Financial", "institution",
             "stated", "an", "announcement", "shut", "marketplace", "Weighty", "likewise", "deals", "3", "manufacturing", "plants", "shut", "2"]


def test_hand_labelled_spun_paragraph():
    a = align_texts(ORIGINAL, SPUN)
    hand = []
    queue = list(HAND_SPUN)
    for t in a.tokens:
        is_spun = bool(queue) and t.text == queue[0]
        hand.append(int(is_spun))
        if is_spun:
            queue.pop(0)
    assert not queue, "hand labels did not all match tokens"
    p, r, f = prf(*token_counts(hand, a.labels))
    assert f >= 0.95, (p, r, f)
