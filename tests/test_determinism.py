"""The same answers give the same conversation in every run: nothing the dialog says or decides follows the
order of a set, which Python changes from run to run (string hashing is seeded per process)."""

import json
import os
import subprocess
import sys

SCRIPT = r"""
import json
from voice_triage.content import load_content
from voice_triage.dialog import Conversation
from voice_triage.dialog.events import Ask
conv = Conversation(load_content("en"))
asks = [e.text for e in conv.start() if isinstance(e, Ask)]
for text, conf in [("just spotting", 0.9), ("no, I feel fine", 0.9),
                   ("yes a couple of ulcers and it was unclear to wee", 0.2), ("no", 0.9),
                   ("not sure about a fever or a discharge or burning", 0.3), ("yes", 0.9)]:
    asks += [e.text for e in conv.hear(text, conf, spoken=True) if isinstance(e, Ask)]
    asks.append(json.dumps(conv.state.facts, sort_keys=False))
print(json.dumps(asks))
"""


def test_a_conversation_does_not_depend_on_string_hashing():
    runs = []
    for seed in ("0", "1", "2", "3"):
        out = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, check=True,
                             env={**os.environ, "PYTHONHASHSEED": seed})
        runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
    assert all(r == runs[0] for r in runs[1:]), [r for r in runs if r != runs[0]][0]
