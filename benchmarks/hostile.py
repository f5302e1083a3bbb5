"""Each hostile input of issue 14, run as a real `voice-triage` process: exit status, seconds, peak memory.

    .venv/bin/python benchmarks/hostile.py              # all cases (about a minute)
    .venv/bin/python benchmarks/hostile.py --json out.json

Everything runs in a temporary folder (a sandbox: the ZIPs, WAVs, FIFOs, the copy of /dev/full and the
models/ folder are made there; nothing outside it is named, so even an older version cannot harm the machine). Peak memory is the child's own maximum resident set (``wait4``), so each case is measured alone;
Linux carries the parent's size at fork into it, so small figures are an upper bound (about 45 MB).
The bar: every case under 500 MB and a few seconds, one line on stderr at most, no traceback.
"""

from __future__ import annotations

import argparse
import json
import os
import struct
import subprocess
import sys
import tempfile
import time
import zipfile

VT = [sys.executable, "-m", "voice_triage"]
BENIGN = ["a few drops", "no", "none of those", "no", "29", "first time", "the pill", "no", "yes a bit dry", "no"]


def wav_header(rate: int, data_len: int) -> bytes:
    fmt = struct.pack("<HHIIHH", 1, 1, rate, rate * 2, 2, 16)
    return b"RIFF" + struct.pack("<I", (36 + data_len) & 0xFFFFFFFF) + b"WAVE" + b"fmt " + struct.pack("<I", 16) + fmt + \
        b"data" + struct.pack("<I", data_len & 0xFFFFFFFF)


def make_wav(path: str, rate: int, data_len: int, sparse: bool = True) -> str:
    with open(path, "wb") as fh:
        fh.write(wav_header(rate, data_len))
        if sparse:
            fh.truncate(44 + data_len)
        else:
            fh.write(os.urandom(data_len))
    return path


def run(args: list[str], stdin: bytes | None = None, stdin_cmd: list[str] | None = None, env: dict | None = None,
        cwd: str | None = None) -> dict:
    """One child: exit status, seconds, its own peak RSS (from wait4), stdout and stderr."""
    import threading

    t = time.perf_counter()
    feeder = subprocess.Popen(stdin_cmd, stdout=subprocess.PIPE) if stdin_cmd else None
    p = subprocess.Popen([*VT, *args], stdin=feeder.stdout if feeder else subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, env={**os.environ, **(env or {})}, cwd=cwd)
    got: dict[str, bytes] = {}

    def read(name: str, f) -> None:
        got[name] = f.read()

    def write() -> None:
        try:
            p.stdin.write(stdin or b"")
            p.stdin.close()
        except BrokenPipeError:
            pass

    threads = [threading.Thread(target=read, args=("out", p.stdout)), threading.Thread(target=read, args=("err", p.stderr))]
    if not feeder:
        threads.append(threading.Thread(target=write))
    for th in threads:
        th.start()
    _, status, usage = os.wait4(p.pid, 0)
    p.returncode = os.waitstatus_to_exitcode(status)
    for th in threads:
        th.join()
    if feeder:
        feeder.kill()
        feeder.wait()
    return {"exit": p.returncode, "seconds": round(time.perf_counter() - t, 2), "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),
            "out": got.get("out", b""), "err": got.get("err", b"")}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--json", help="also write the figures here")
    args = ap.parse_args(argv)
    tmp = tempfile.mkdtemp(prefix="vt-hostile-")
    one_hz = make_wav(os.path.join(tmp, "1hz.wav"), 1, 40_000, sparse=False)
    two_hz = make_wav(os.path.join(tmp, "2hz.wav"), 2, 40_000, sparse=False)
    giga = make_wav(os.path.join(tmp, "1gb.wav"), 16000, 2**30)
    fifo = os.path.join(tmp, "fifo.wav")
    os.mkfifo(fifo)
    bomb = os.path.join(tmp, "vosk-model-bomb.zip")
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("vosk-model-bomb/am/final.mdl", bytes(400 * 2**20))
    full_dev = os.path.join(tmp, "full")  # a copy of /dev/full here: the real one is never at risk
    try:
        os.mknod(full_dev, 0o666 | 0o020000, os.makedev(1, 7))
    except OSError:
        with open(full_dev, "w") as fh:  # not root: a regular file stands in (it must not be replaced either)
            fh.write("keep")
    models = os.path.join(tmp, "models")
    os.mkdir(models)
    flat = os.path.join(tmp, "...zip")
    with zipfile.ZipFile(flat, "w") as z:
        for rel in ("am/final.mdl", "conf/model.conf", "graph/HCLG.fst"):
            z.writestr(rel, os.urandom(2048))
    jsonl = lambda *lines: "".join(l + "\n" for l in lines).encode()
    audio = lambda p: json.dumps({"audio": p})
    ascii_env = {"LC_ALL": "C", "LANG": "C", "PYTHONUTF8": "0", "PYTHONCOERCECLOCALE": "0"}
    cases = [
        ("assess /dev/zero", ["assess", "/dev/zero"], {}),
        ("assess /dev/urandom", ["assess", "/dev/urandom"], {}),
        ("yes | assess -", ["assess", "-"], {"stdin_cmd": ["yes"]}),
        ("assess: 5,000-digit age", ["assess"], {"stdin": b'{"age": ' + b"9" * 5000 + b"}"}),
        ("assess: duplicate keys", ["assess"], {"stdin": b'{"amount":"soaking","amount":"spotting"}'}),
        ("assess: 900 kB bad value", ["assess"], {"stdin": json.dumps({"amount": "x" * 900_000}).encode()}),
        ("assess: a folder", ["assess", tmp], {}),
        ("chat --jsonl: 1 Hz, 2 Hz, 1 GB WAVs, /dev/zero, FIFO, /proc",
         ["chat", "--jsonl", "--asr", "pocketsphinx"],
         {"stdin": jsonl(audio(one_hz), audio(two_hz), audio(giga), audio("/dev/zero"), audio(fifo),
                         audio("/proc/self/status"), "stop")}),
        ("chat --jsonl: surrogates, duplicate keys, 10 MB line",
         ["chat", "--jsonl"], {"stdin": jsonl('{"text": "\\ud800"}', '{"text": "spotting \\udc80"}',
                                              '{"text": "a", "text": "b"}', "x" * 10_000_000, "stop")}),
        ("chat --jsonl in an ASCII locale", ["chat", "--jsonl"],
         {"stdin": jsonl('{"text": "très peu é"}', "stop"), "env": ascii_env}),
        ("chat --text: control sequences", ["chat", "--text"],
         {"stdin": jsonl("\x1b]0;PWNED\x07\x1b(0 a few drops", "stop")}),
        ("chat --save-summary <a copy of /dev/full>", ["chat", "--jsonl", "--save-summary", full_dev],
         {"stdin": jsonl(*BENIGN)}),
        ("models install: 400 MB of zeros (ZIP bomb)", ["models", "install", bomb],
         {"env": {"VOICE_TRIAGE_MODELS_DIR": models}}),
        ("models install --force: flat '...zip'", ["models", "install", "--force", flat],
         {"env": {"VOICE_TRIAGE_MODELS_DIR": models}}),
    ]
    rows = []
    for name, cmd, kw in cases:
        r = run(cmd, stdin=kw.get("stdin"), stdin_cmd=kw.get("stdin_cmd"), env=kw.get("env"), cwd=tmp)
        err = r.pop("err").decode("utf-8", "replace").strip().splitlines()
        out = r.pop("out")
        r.update(case=name, stderr_lines=len(err), stderr_first=err[0][:110] if err else "", stdout_utf8=_is_utf8(out),
                 traceback=any("Traceback" in e for e in err))
        rows.append(r)
        print(f"{name:58s} exit {r['exit']:>3}  {r['seconds']:>6.2f} s  {r['peak_rss_mb']:>6.1f} MB  "
              f"{r['stderr_first'][:90]}", flush=True)
    ok = all(r["peak_rss_mb"] < 500 and r["seconds"] < 30 and not r["traceback"] and r["stdout_utf8"] for r in rows)
    print("all under 500 MB and 30 s, no traceback, stdout UTF-8:", "yes" if ok else "NO")
    survivors = sorted(os.listdir(tmp))
    print("sandbox after the runs:", survivors)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump(rows, fh, indent=2)
    import shutil

    shutil.rmtree(tmp, ignore_errors=True)
    return 0 if ok else 1


def _is_utf8(b: bytes) -> bool:
    try:
        b.decode("utf-8")
        return True
    except UnicodeDecodeError:
        return False


if __name__ == "__main__":
    sys.exit(main())
