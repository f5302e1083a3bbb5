"""Fuzz the three places where outside input enters: the slot filler, the protocol reader, the audio reader.

    .venv/bin/python benchmarks/fuzz.py                 # 10^5 inputs in all (the benchmark run)
    .venv/bin/python benchmarks/fuzz.py --total 3000    # quicker
    .venv/bin/python benchmarks/fuzz.py --json out.json

Properties (hypothesis; any failure is shrunk to a minimal input and printed):

* **slot filler / dialog** — any text, heard at any point of a conversation whose earlier answers were
  serious, never raises, and never lowers the tier the answers so far call for (except the commands
  that undo answers on purpose: go back, start over). A misunderstood answer never makes things look
  safer than what was already said.
* **protocol reader** — any bytes on stdin of ``chat --jsonl`` (invalid UTF-8, over-long lines, JSON of
  any shape, audio paths that are not audio) never raise; every output line is a JSON object; the
  last one is ``end``.
* **audio reader** — any file (random bytes, WAV headers with random sizes/rates/channels, truncated
  and mutated real WAVs) is either read as 16 kHz mono int16 or refused with an ``AudioError``; the
  end-of-speech finder accepts any samples.
* **hostile families (issue 14)** — ZIP archives for ``models install`` (dangerous names, flat and
  nested, bombs by ratio and by count, directories that lie about sizes): installed strictly inside
  ``models/`` or refused, nothing outside touched, nothing left behind; WAV headers claiming any rate,
  channel count and length; ``assess`` documents with duplicate keys, lone surrogates, huge numbers,
  BOMs and control characters (a result, or one line of at most 600 characters); and text with
  terminal control sequences echoed on the kiosk screen (none reaches the terminal). Protocol lines
  also carry surrogates, duplicate keys and control sequences, and the output must encode as UTF-8.

Prints inputs per second and the peak resident memory (VmHWM, reset before each part) for each part. ``tests/kiosk/test_fuzz_small.py`` runs the same
properties with a few hundred inputs in CI.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import struct
import sys
import tempfile
import time

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from voice_triage.content import load_content
from voice_triage.dialog import Conversation, Heard
from voice_triage.dialog.planner import tier_so_far
from voice_triage.triage.tiers import RANK

CONTENT = load_content("en")

# serious openings: (answers in order) that set facts above self-care before the fuzzed answer
PREFIXES = [
    [],
    ["more like a period"],
    ["a few drops", "no", "I have a fever"],
    ["a few drops", "no", "none of those", "I might be pregnant"],
    ["a few drops", "no", "none of those", "no", "fifty five"],
    ["a few drops", "no", "none of those", "no", "29", "it keeps happening"],
    ["a few drops", "a bit dizzy"],
]
UNDO = {"back", "restart"}

# words the assistant knows, so that random answers often mean something
_VOCAB = sorted({w for q in CONTENT.questions for w in q.text.lower().replace("?", " ").replace(",", " ").split()}
                | {"no", "yes", "not", "never", "don't", "know", "heavy", "spotting", "drops", "soaking", "pad",
                   "dizzy", "faint", "pain", "severe", "fever", "pregnant", "menopause", "coil", "iud", "pill",
                   "none", "first", "again", "repeat", "help", "stop", "back", "maybe", "thirty", "300", "-1",
                   "quieter", "discreet", "text", "private", "😀", "\u200b", "\x00", "ß", "İ"})
answers = st.one_of(
    st.text(max_size=200),
    st.lists(st.sampled_from(_VOCAB), max_size=12).map(" ".join),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=200, max_size=2000),
)


def _rank(facts) -> int:  # noqa: ANN001
    return RANK[tier_so_far(facts)]


_UNDERSTANDER = Conversation(CONTENT).understander
_STATES: dict[int, object] = {}


def _conversation_at(idx: int) -> Conversation:
    """A conversation after the answers of PREFIXES[idx] (played once, then restored from a snapshot)."""
    conv = Conversation(CONTENT, understander=_UNDERSTANDER)
    if idx not in _STATES:
        conv.start()
        for a in PREFIXES[idx]:
            if conv.finished:
                break
            conv.hear(a)
        _STATES[idx] = conv.state.snapshot()
    conv.state = _STATES[idx].snapshot()  # type: ignore[attr-defined]
    return conv


@st.composite
def dialog_case(draw):  # noqa: ANN001, ANN201
    return draw(st.sampled_from(range(len(PREFIXES)))), draw(st.lists(answers, min_size=1, max_size=3))


def check_dialog(case) -> None:  # noqa: ANN001
    idx, texts = case
    conv = _conversation_at(idx)
    for text in texts:
        if conv.finished:
            break
        before = _rank(conv.state.facts)
        events = conv.hear(text, 1.0)
        undone = any(isinstance(e, Heard) and e.command in UNDO for e in events)
        after = _rank(conv.state.facts)
        if not undone:
            assert after >= before, (text, before, after)
        if conv.result is not None and not undone:
            assert RANK[conv.result.tier] >= before, (text, conv.result.tier)


# -- protocol reader ---------------------------------------------------------------------------------------
json_values = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
                           lambda c: st.lists(c, max_size=4) | st.dictionaries(st.text(max_size=8), c, max_size=4),
                           max_leaves=10)
protocol_line = st.one_of(
    st.binary(max_size=300),
    answers.map(lambda t: t.encode("utf-8", "surrogatepass")),
    answers.map(lambda t: json.dumps({"text": t}).encode()),
    json_values.map(lambda v: json.dumps(v).encode()),
    st.sampled_from(["/nonexistent.wav", "/dev/null", "/", "", "x" * 5000, "/etc/hostname"]).map(
        lambda p: json.dumps({"audio": p}).encode()),
    st.integers(8000, 20000).map(lambda n: b"a" * n),  # over-long lines
    st.integers(0xD800, 0xDFFF).map(lambda c: f'{{"text": "spotting \\u{c:04x}"}}'.encode()),  # lone surrogates
    st.sampled_from(["text", "audio"]).map(lambda k: f'{{"{k}": "a", "{k}": "b"}}'.encode()),  # duplicate keys
    st.builds(lambda seq, t: json.dumps({"text": seq + t}).encode(), st.sampled_from(
        ["\x1b]0;PWNED\x07", "\x1b(0", "\x1b[2J", "\x9b31m", "\u202e", "\x1bc"]), answers),
    st.integers(4000, 6000).map(lambda n: b'{"text": ' + b"9" * n + b"}"),  # a number too long for int()
    st.just(b"\xef\xbb\xbf" + b'{"text": "a few drops"}'),  # a byte-order mark
)


_AUDIO: dict = {}


def check_protocol(lines: list[bytes]) -> None:
    from voice_triage.frontends.jsonl import JsonlSession, make_audio_handler

    data = b"".join(l.replace(b"\n", b" ") + b"\n" for l in lines)
    out = io.StringIO()
    if "handler" not in _AUDIO:
        _AUDIO["handler"] = make_audio_handler(CONTENT, "pocketsphinx", None)
    handler, problem = _AUDIO["handler"]
    import voice_triage.frontends.jsonl as jsonl

    # the same dialog, with its phrase index built once per process instead of once per session
    jsonl.Conversation = lambda content, **kw: Conversation(content, understander=_UNDERSTANDER, **kw)
    JsonlSession(CONTENT, out, io.BytesIO(data), handler, problem).run()
    out.getvalue().encode("utf-8")  # strict: stdout stays valid UTF-8 (no lone surrogate written)
    events = [json.loads(x) for x in out.getvalue().split("\n") if x]  # JSON Lines: split on \n only
    assert events and all(isinstance(e, dict) and "event" in e for e in events)
    assert events[-1]["event"] == "end"


# -- audio reader ------------------------------------------------------------------------------------------
def _wav_header(rate: int, channels: int, bits: int, data_len: int, riff_len: int | None = None) -> bytes:
    block = channels * max(1, bits // 8)
    fmt = struct.pack("<HHIIHH", 1, channels, rate, (rate * block) & 0xFFFFFFFF, block, bits)
    riff = riff_len if riff_len is not None else 4 + 8 + len(fmt) + 8 + data_len
    return b"RIFF" + struct.pack("<I", riff & 0xFFFFFFFF) + b"WAVE" + b"fmt " + struct.pack("<I", len(fmt)) + fmt + \
        b"data" + struct.pack("<I", data_len & 0xFFFFFFFF)


def _real_wav() -> bytes:
    import soundfile as sf

    t = np.arange(8000) / 16000
    x = (0.3 * np.sin(2 * np.pi * 220 * t)).astype(np.float32)
    buf = io.BytesIO()
    sf.write(buf, x, 16000, format="WAV", subtype="PCM_16")
    return buf.getvalue()


REAL = _real_wav()
audio_bytes = st.one_of(
    st.binary(max_size=2000),
    st.builds(lambda r, c, b, n, body, riff: _wav_header(r, c, b, n, riff) + body,
              st.sampled_from([0, 1, 2, 7999, 8000, 16000, 22050, 44100, 48000, 192000, 192001, 2**31 - 1])
              | st.integers(0, 2**32 - 1), st.integers(0, 9),
              st.sampled_from([0, 8, 16, 24, 32, 7]), st.integers(0, 2**32 - 1), st.binary(max_size=800),
              st.none() | st.integers(0, 2**32 - 1)),
    st.integers(0, len(REAL)).map(lambda n: REAL[:n]),
    st.tuples(st.integers(0, len(REAL) - 1), st.binary(min_size=1, max_size=8)).map(
        lambda t: REAL[: t[0]] + t[1] + REAL[t[0] + len(t[1]):]),
)


def check_audio(data: bytes, path: str) -> None:
    from voice_triage.audio_in import AudioError, find_speech, read_audio

    with open(path, "wb") as fh:
        fh.write(data)
    try:
        x = read_audio(path)
    except AudioError as e:
        assert str(e) and "\n" not in str(e)
        return
    assert x.dtype == np.int16 and x.ndim == 1
    find_speech(x)


samples = st.lists(st.integers(-32768, 32767), max_size=4000).map(lambda v: np.array(v, dtype=np.int16))


def check_samples(x: np.ndarray) -> None:
    from voice_triage.audio_in import find_speech

    find_speech(x)


# -- hostile families (issue 14) ------------------------------------------------------------------------------
MODEL_FILES = {"am/final.mdl": b"m" * 2048, "conf/model.conf": b"--x=1\n", "conf/mfcc.conf": b"--y=2\n",
               "graph/HCLr.fst": b"h" * 128, "graph/Gr.fst": b"g" * 128, "graph/phones/word_boundary.int": b"1 x\n",
               "ivector/final.ie": b"i" * 64}
_ZEROS = bytes(3 * 2**20)
member_name = st.one_of(st.sampled_from(["..", ".", "", "/abs", "a/../../b", "a\\..\\b", "C:/x", "a//b", "./a",
                                         "x\x00y", "am/", "conf/../..", "\u202eevil"]),
                        st.text(min_size=1, max_size=20))


@st.composite
def zip_case(draw):  # noqa: ANN001, ANN201
    """(zip file name, archive bytes): a model-like tree, flat or in a folder, plus hostile members."""
    zip_name = draw(st.sampled_from(["..zip", "...zip", ".zip", "m.zip", "vosk-model-x.zip", "a b.zip", "-rf.zip"])
                    | st.text(alphabet="abc.-_/ ", min_size=1, max_size=12).map(lambda t: t.replace("/", "") + ".zip"))
    prefix = draw(st.sampled_from(["", "vosk-model-small-en-us-0.15/", "../", "./", "..", "a/b/"]))
    files = {prefix + k: v for k, v in MODEL_FILES.items()}
    for _ in range(draw(st.sampled_from([0, 0, 0, 1, 2, 3]))):
        files[draw(member_name)] = draw(st.binary(max_size=64))
    if draw(st.integers(0, 3)) == 0:  # a bomb: zeros, just under the per-entry floor (many) or over it
        size = draw(st.sampled_from([900_000, 1_100_000, 3 * 2**20]))
        for i in range(draw(st.integers(1, 12))):
            files[f"{prefix}graph/z{i}.bin"] = _ZEROS[:size]
    buf = io.BytesIO()
    import zipfile

    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in files.items():
            try:
                z.writestr(name, data)
            except (ValueError, UnicodeEncodeError, IndexError):  # names zipfile itself cannot write
                pass
    data = buf.getvalue()
    if draw(st.integers(0, 3)) == 0:  # lie in the directory, or flip bytes anywhere
        i = draw(st.integers(0, max(0, len(data) - 4)))
        data = data[:i] + draw(st.binary(min_size=1, max_size=4)) + data[i + 4:]
    return zip_name, data


def _tree(root: str) -> list[tuple[str, int]]:
    out = []
    for d, dirs, files in os.walk(root):
        for n in dirs + files:
            p = os.path.join(d, n)
            out.append((os.path.relpath(p, root), os.lstat(p).st_ino))
    return sorted(out)


def check_zip(case, sandbox: str) -> None:  # noqa: ANN001
    """Install into sandbox/models: a folder strictly inside models/, or InstallError; nothing outside
    models/ changes, and nothing but the one model is added inside it."""
    import shutil

    from voice_triage.commands.speech import InstallError, install_model_zip

    zip_name, data = case
    models = os.path.join(sandbox, "models")
    shutil.rmtree(sandbox, ignore_errors=True)
    os.makedirs(os.path.join(models, "vosk-model-small-en-us-0.15", "am"))
    with open(os.path.join(sandbox, "keep.txt"), "w") as fh:
        fh.write("keep")
    zpath = os.path.join(sandbox, zip_name)
    with open(zpath, "wb") as fh:
        fh.write(data)
    outside = [t for t in _tree(sandbox) if not t[0].startswith("models")]
    before = set(os.listdir(models))
    try:
        final = install_model_zip(zpath, dest_root=__import__("pathlib").Path(models), force=True)
    except InstallError as e:
        assert str(e) and "\n" not in str(e)
        assert set(os.listdir(models)) == before, os.listdir(models)
    else:
        assert os.path.dirname(os.path.realpath(final)) == os.path.realpath(models), final
        assert set(os.listdir(models)) <= before | {final.name}
    assert [t for t in _tree(sandbox) if not t[0].startswith("models")] == outside


slot_names = st.sampled_from(["amount", "pain", "age", "dizzy_or_faint", "fever", "pregnant", "colour", "\ud800", ""])
slot_values = st.one_of(st.sampled_from(["soaking", "spotting", "unknown", "none", "severe", "³⁶", "٣٦", "36", " 36 ",
                                         "\x1b]0;x\x07", "\udc80"]),
                        st.integers(-10**30, 10**30), st.text(max_size=40), st.text(min_size=2000, max_size=5000),
                        st.none(), st.booleans(), st.floats())


@st.composite
def assess_doc(draw):  # noqa: ANN001, ANN201
    pairs = draw(st.lists(st.tuples(slot_names, slot_values), max_size=6))
    body = "{" + ", ".join(f"{json.dumps(k)}: {json.dumps(v)}" for k, v in pairs) + "}"
    if draw(st.booleans()):
        body = body.replace("0", "0" * draw(st.integers(1, 6000)), 1)  # very long numbers
    raw = body.encode("utf-8", "surrogatepass")
    if draw(st.booleans()):
        raw = b"\xef\xbb\xbf" + raw
    return raw


def check_assess(raw: bytes) -> None:
    from voice_triage.commands.assess import AssessInputError, assess_json, parse_facts

    try:
        facts = parse_facts(raw)
    except AssessInputError as e:
        msg = str(e)
        assert msg and "\n" not in msg and len(msg) <= 600, msg[:200]
        msg.encode("utf-8")
        return
    from voice_triage.frontends.events_json import dumps_line

    dumps_line(assess_json(facts, CONTENT)).encode("utf-8")


control_text = st.lists(st.one_of(
    st.sampled_from(["\x1b]0;PWNED\x07", "\x1b]2;x\x1b\\", "\x1b(0", "\x1b)0", "\x0e", "\x1b[?1049l", "\x1b[3J",
                     "\x1bc", "\x9b2J", "\x9d0;x\x9c", "\x1bP+q\x1b\\", "\x1b[8m", "\u202e", "\x07", "\x1b", "\x9b"]),
    st.text(max_size=20)), max_size=10).map("".join)
_FORBIDDEN = ("\x1b]", "\x1b(", "\x1b)", "\x1bc", "\x1bP", "\x0e", "\x07", "\u202e", "\x9b", "\x9d", "\x90")


def check_echo(text: str) -> None:
    """On the kiosk screen and in chat --text, none of the person's control sequences reaches the terminal."""
    from voice_triage.frontends.kiosk_screen import Block, Screen
    from voice_triage.safe_text import clean

    c = clean(text)
    assert not any(ch in c for ch in "\x1b\x07\x0e\x0f\x9b\x9c\x9d\u202e"), repr(c)
    out = io.StringIO()
    screen = Screen(out, columns=30, rows=4, size="normal")
    screen.show([Block("you", "You: " + text), Block("question", text)], text, keep="head")
    while screen.has_more():
        screen.page_down()
    drawn = out.getvalue()
    assert not any(seq in drawn for seq in _FORBIDDEN), repr(drawn[:200])


def _vm_hwm_kb() -> int:
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return -1


def _reset_hwm() -> None:
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")  # resets the peak resident set size (Linux >= 4.0)
    except OSError:
        pass


# -- running -----------------------------------------------------------------------------------------------
CHUNK = 1000


def run_property(name: str, strategy, check, n: int, budget_s: float | None = None) -> dict:  # noqa: ANN001
    """Run ``check`` on ``n`` generated inputs (in hypothesis runs of CHUNK), or until ``budget_s``."""
    count = [0]

    def one_run(k: int) -> None:
        @settings(max_examples=k, deadline=None, database=None, print_blob=True,
                  suppress_health_check=list(HealthCheck))
        @given(strategy)
        def prop(value):  # noqa: ANN001
            count[0] += 1
            check(value)

        prop()

    _reset_hwm()
    t = time.perf_counter()
    while count[0] < n:
        one_run(min(CHUNK, n - count[0]))
        if budget_s is not None and time.perf_counter() - t > budget_s:
            break
    dt = time.perf_counter() - t
    return {"part": name, "inputs": count[0], "seconds": round(dt, 2), "per_second": round(count[0] / dt, 1),
            "peak_rss_mb": round(_vm_hwm_kb() / 1024, 1)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--total", type=int, default=100_000, help="inputs in all (split over the parts)")
    ap.add_argument("--json", help="also write the figures here")
    ap.add_argument("--minutes", type=float, default=None, help="time budget in all (split like the inputs)")
    ap.add_argument("--counts", default=None, metavar="slot=N,protocol=N,audio=N,samples=N,zip=N,assess=N,echo=N",
                    help="inputs per part instead of the default split of --total (parts left out are skipped)")
    args = ap.parse_args(argv)
    n = args.total
    tmp = tempfile.mkdtemp(prefix="vt-fuzz-", dir="/dev/shm" if os.path.isdir("/dev/shm") else None)
    path = os.path.join(tmp, "a.wav")
    sandbox = os.path.join(tmp, "sandbox")
    split = {"slot": 0.35, "protocol": 0.15, "audio": 0.20, "samples": 0.08, "zip": 0.02, "assess": 0.10, "echo": 0.10}
    count = {k: int(n * f) for k, f in split.items()}
    count["slot"] += n - sum(count.values())
    parts = [
        ("slot", "slot filler (answers in a conversation)", dialog_case(), check_dialog),
        ("protocol", "protocol reader (chat --jsonl stdin)", st.lists(protocol_line, min_size=1, max_size=6), check_protocol),
        ("audio", "audio reader (files, WAV headers)", audio_bytes, lambda d: check_audio(d, path)),
        ("samples", "end-of-speech finder (samples)", samples, check_samples),
        ("zip", "model ZIPs (models install, sandboxed)", zip_case(), lambda c: check_zip(c, sandbox)),
        ("assess", "assess documents (keys, numbers, surrogates)", assess_doc(), check_assess),
        ("echo", "control sequences (kiosk screen, 30x4)", control_text, check_echo),
    ]
    if args.counts:
        want = {k: int(v) for k, v in (kv.split("=") for kv in args.counts.split(","))}
        count = {k: want.get(k, 0) for k in count}
        n = sum(count.values())
    parts = [(name, strat, check, count[key]) for key, name, strat, check in parts if count[key] > 0]
    results = []
    t0 = time.perf_counter()
    try:
        for name, strat, check, k in parts:
            r = run_property(name, strat, check, k, None if args.minutes is None else args.minutes * 60 * k / n)
            results.append(r)
            print(f"{r['part']:45s} {r['inputs']:>7d} inputs  {r['seconds']:>8.1f} s  {r['per_second']:>8.1f}/s"
                  f"  peak RSS {r['peak_rss_mb']:>6.1f} MB", flush=True)
    finally:
        import shutil

        shutil.rmtree(tmp, ignore_errors=True)
    total = sum(r["inputs"] for r in results)
    dt = time.perf_counter() - t0
    summary = {"total_inputs": total, "seconds": round(dt, 1), "per_second": round(total / dt, 1), "parts": results,
               "crashes": 0, "tier_lowered": 0}
    print(f"{'total':45s} {total:>7d} inputs  {dt:>8.1f} s  {total / dt:>8.1f}/s  - no crash, no tier lowered")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump(summary, fh, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
