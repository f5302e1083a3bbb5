import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(__file__))

from speech_testkit import HAVE_ESPEAK, Pulse  # noqa: E402


@pytest.fixture(scope="session")
def pulse():
    p = Pulse()
    why = p.start()
    if why:
        p.stop()
        pytest.skip(why)
    yield p
    p.stop()


@pytest.fixture(scope="session")
def pocketsphinx_rec():
    from voice_triage.recognition.pocketsphinx_engine import PocketsphinxRecognizer

    return PocketsphinxRecognizer()


@pytest.fixture(autouse=True)
def _need_espeak(request):
    if request.node.get_closest_marker("audio") and not HAVE_ESPEAK:
        pytest.skip("espeak-ng is not installed (scripts/setup installs it)")
