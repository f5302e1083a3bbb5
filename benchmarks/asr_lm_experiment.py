"""Experiment (not used by the product yet): a small per-question language model (ARPA bigram) built from the phrase data, for open answers.

A one-phrase grammar forces a whole sentence ("well, I'm bleeding through a pad every hour") onto one
listed phrase, usually a wrong one. A bigram model trained on the question's phrases, joined the way people
join them ("no, it didn't hurt", "just a few drops and no pain") lets the recognizer follow a free sentence
made of known words, and the understander then spots the phrases in it. This is what vosk does with a
runtime grammar (it turns the phrase list into a bigram model); pocketsphinx needs the model as ARPA text.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable, Sequence

BOS, EOS = "<s>", "</s>"
# how people wrap and join answers; only words the recognizer knows are kept
CARRIERS = ("", "um", "well", "so", "okay", "yes", "no", "yeah", "i think", "i have", "i am", "it is", "it was",
            "there is", "i do not", "i did not", "it did not", "i feel", "just", "only", "maybe", "not", "a bit",
            "really", "some")
JOINERS = ("and", "but", "also", "and no", "but no", "and i", "and it")


def corpus(phrases: Sequence[str], core: Sequence[str], *, pairs: int = 4) -> list[list[str]]:
    """Sentences: each phrase alone and after each carrier, plus phrases joined to a few others."""
    out: list[list[str]] = []
    ph = [p.split() for p in phrases if p]
    cr = [c.split() for c in CARRIERS]
    for p in ph:
        for c in cr:
            out.append(c + p)
    for i, p in enumerate(ph):
        for k in range(1, pairs + 1):
            q = ph[(i * 7 + k * 13) % len(ph)]
            j = JOINERS[(i + k) % len(JOINERS)].split()
            out.append(p + j + q)
    for c in core:
        out.append(c.split())
    return out


def arpa(sentences: Iterable[list[str]], *, discount: float = 0.5) -> str:
    """A bigram ARPA model with absolute discounting and back-off to unigrams."""
    uni: Counter[str] = Counter()
    bi: Counter[tuple[str, str]] = Counter()
    for s in sentences:
        toks = [BOS, *s, EOS]
        uni.update(toks)
        bi.update(zip(toks, toks[1:]))
    total = sum(c for w, c in uni.items() if w != BOS)
    vocab = sorted(uni)
    p_uni = {w: (uni[w] / total if w != BOS else 0.0) for w in vocab}
    followers: dict[str, list[tuple[str, int]]] = {}
    for (a, b), c in bi.items():
        followers.setdefault(a, []).append((b, c))
    lines_bi: list[str] = []
    backoff: dict[str, float] = {}
    for a, fol in followers.items():
        ca = sum(c for _, c in fol)
        left = discount * len(fol) / ca  # probability mass left for back-off
        seen_uni = sum(p_uni[b] for b, _ in fol)
        backoff[a] = left / max(1e-9, 1.0 - seen_uni)
        for b, c in fol:
            p = (c - discount) / ca
            lines_bi.append(f"{math.log10(p):.4f} {a} {b}")
    out = ["\\data\\", f"ngram 1={len(vocab)}", f"ngram 2={len(lines_bi)}", "", "\\1-grams:"]
    for w in vocab:
        lp = -99.0 if p_uni[w] == 0.0 else math.log10(p_uni[w])
        bo = backoff.get(w)
        out.append(f"{lp:.4f} {w}" + (f" {math.log10(bo):.4f}" if bo else ""))
    out += ["", "\\2-grams:", *lines_bi, "", "\\end\\", ""]
    return "\n".join(out)


def question_model(phrases: Sequence[str], core: Sequence[str], knows: Callable[[str], bool]) -> str:
    """The ARPA text for one question: phrases (and core answers) whose every word the engine knows."""
    keep = [p for p in dict.fromkeys(phrases) if p and all(knows(w) for w in p.split())]
    core_kept = [c for c in dict.fromkeys(core) if c and all(knows(w) for w in c.split())]
    sents = [[w for w in s if knows(w)] for s in corpus(keep, core_kept)]
    return arpa(s for s in sents if s)


# ---- the experiment: per-question bigram LMs + a pocketsphinx dictionary cut down to the phrase words ----
def main() -> None:
    """Decode espeak-ng renderings of tests/understanding/phrasings.txt with per-question LMs and compare the
    understood facts with those of the typed answer. Usage: python benchmarks/asr_lm_experiment.py [SEED] [N]"""
    import os
    import random
    import subprocess
    import sys
    import tempfile
    import time

    import numpy as np
    import pocketsphinx
    import soundfile as sf
    import soxr
    from pocketsphinx import Decoder

    from voice_triage.content import load_content
    from voice_triage.recognition.grammar import number_words
    from voice_triage.understanding import Understander
    from voice_triage.understanding.normalize import normalize

    c = load_content("en")
    u = Understander(c)

    def phrases_for(q):  # noqa: ANN001, ANN202
        out = []
        for p in c.grammar_phrases(q.slots):
            p = normalize(p, drop_fillers=False)
            out.append(" ".join(number_words(int(w)) if w.isdigit() else w for w in p.split()))
        return out + [normalize(p, drop_fillers=False) for p in c.command_phrases()]

    words: set[str] = set()
    for q in c.questions:
        for p in phrases_for(q):
            words.update(p.split())
    for x in CARRIERS + JOINERS:
        words.update(x.split())
    tmp = tempfile.mkdtemp(prefix="vt-lm-")  # derived data only (no answers), removed at the end
    full = os.path.join(pocketsphinx.get_model_path(), "en-us", "cmudict-en-us.dict")
    sub = os.path.join(tmp, "sub.dict")
    with open(full) as f, open(sub, "w") as g:
        for line in f:
            if line.split(" ", 1)[0].split("(")[0] in words:
                g.write(line)
    t0 = time.perf_counter()
    dec = Decoder(samprate=16000, loglevel="FATAL", lm=None, dict=sub)
    knows = lambda w: dec.lookup_word(w) is not None  # noqa: E731
    for q in c.questions:
        path = os.path.join(tmp, q.id + ".arpa")
        with open(path, "w") as f:
            f.write(question_model(phrases_for(q), [], knows))
        dec.add_lm_file(q.id, path)
        os.unlink(path)
    print(f"decoder + {len(c.questions)} LMs ready in {time.perf_counter() - t0:.2f} s")
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    lines = [ln.split("|") for ln in open(os.path.join(root, "tests", "understanding", "phrasings.txt"))
             if ln.strip() and not ln.startswith("#")]
    random.seed(int(sys.argv[1]) if len(sys.argv) > 1 else 1)
    random.shuffle(lines)
    lines = lines[: int(sys.argv[2]) if len(sys.argv) > 2 else 100]
    voices = ["en-us", "en", "en+f3", "en-us+f4"]
    ok, times, durs = 0, [], []
    for i, (qid, said, _) in enumerate(lines):
        wav = os.path.join(tmp, "a.wav")
        subprocess.run(["espeak-ng", "-v", voices[i % 4], "-s", str(140 + 10 * (i % 3)), "-w", wav, said],
                       check=True, capture_output=True)
        data, sr = sf.read(wav, dtype="int16")
        os.unlink(wav)
        audio = soxr.resample(data, sr, 16000).astype("int16")
        dec.activate_search(qid)
        t = time.perf_counter()
        dec.start_utt()
        dec.process_raw(audio.tobytes(), full_utt=True)
        dec.end_utt()
        times.append(time.perf_counter() - t)
        durs.append(len(audio) / 16000)
        hyp = dec.hyp().hypstr if dec.hyp() else ""
        q = c.question(qid)
        want = {k: v.value for k, v in u.read(said, asked=q.slots, question=q).fills.items()}
        got = {k: v.value for k, v in u.read(hyp, asked=q.slots, question=q).fills.items()}
        ok += want == got
    os.unlink(sub)
    os.rmdir(tmp)
    print(f"{ok}/{len(lines)} answers understood as typed; decode mean {np.mean(times) * 1000:.0f} ms, "
          f"RTF {sum(times) / sum(durs):.2f}")


if __name__ == "__main__":
    main()
