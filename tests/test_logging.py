"""Library code logs; the command line shows spinbench's own INFO records on stderr, the message
alone, as the ``print(..., file=sys.stderr)`` lines they replace looked."""

import logging

from harness.cli.main import configure_logging, main


def test_library_records_reach_the_current_stderr_once(capsys):
    configure_logging()
    configure_logging()  # every entry point calls it: no second handler
    logging.getLogger("baselines.classifier").info("classifier: fitting logistic regression on %s tokens", "1,000")
    logging.getLogger("harness.corpus.build").warning("a warning")
    logging.getLogger("harness.corpus.build").debug("not shown")
    assert capsys.readouterr().err == "classifier: fitting logistic regression on 1,000 tokens\na warning\n"


def test_other_libraries_loggers_are_left_alone(capsys):
    main(["profile", "--dataset", "/nonexistent-spinbench-folder"])
    logging.getLogger("some_library").info("library chatter")
    assert "library chatter" not in capsys.readouterr().err
