"""Closed-class English words: left to the phrasebook engine, never given to the content-word
engines (a thesaurus that swaps ``the`` for ``thee`` is no spinner anyone uses)."""

FUNCTION_WORDS = frozenset(
    """
    a an the this that these those some any each every either neither no all both few many much
    more most other another such what which who whom whose where when why how whether
    i me my mine we us our ours you your yours he him his she her hers it its they them their
    theirs myself yourself himself herself itself ourselves themselves
    and or but nor so yet for if because since although though while unless until than as
    of in on at by to from with without within into onto upon over under about above below
    across after before behind between beyond during except inside outside near off out
    through throughout toward towards up down around against among along amid via per
    is am are was were be been being have has had having do does did doing done
    will would shall should can could may might must ought
    not also too very just only even still already ever never again here there then now
    one two three four five six seven eight nine ten
    mr mrs ms dr st
    """.split()
)
