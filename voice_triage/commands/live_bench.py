"""``voice-triage bench --live``: the main job timed as a person meets it.

For each tier, a whole spoken conversation runs through a private PulseAudio server (see
:mod:`voice_triage.commands.live_person`): the assistant is the real ``voice-triage chat --voice``
process; a scripted person listens to it and answers aloud after the listening tone. Printed per run:
seconds from launch to the first word of the advice and to the end of the conversation, answers given,
re-asks, answers lost ("no answer heard"), short replies heard, the tier, and library lines that
reached the terminal; beside them the same answers typed (turns and tier).
"""

from __future__ import annotations

import itertools
import json
import os
import re
import subprocess
import sys
import threading
import time

#: the person's answers per tier, by question id (anything not listed is answered "no")
SCRIPTS: dict[str, dict[str, str]] = {
    "emergency": {"privacy": "yes", "amount": "soaking a pad"},
    "urgent": {"privacy": "yes", "amount": "more like a period", "age": "thirty", "frequency": "this is the first time",
               "contraception": "the pill"},
    "soon": {"privacy": "yes", "amount": "just spotting", "age": "thirty", "frequency": "this is the first time",
             "contraception": "the pill", "worried": "yes"},
    "self_care": {"privacy": "yes", "amount": "just spotting", "age": "thirty", "frequency": "this is the first time",
                  "contraception": "the pill"},
}
#: espeak-ng voices the assistant and the evaluation never use: the first for the tests, the rest fresh
PERSON_VOICES = ["en-us-nyc", "en-029", "en-gb-x-gbclan+f2", "en-gb-x-gbcwmd+m3", "en-us-nyc+f4"]
#: lines from the sound libraries (ALSA, JACK, PulseAudio, PortAudio) that must never reach the terminal
LIBRARY_LINE = re.compile(r"^(ALSA lib|Expression '|Cannot connect to server|JackShm|jack_|Jack:|[EWI]: \[|"
                          r"pa_|PortAudio|bt_audio|Cannot lock down)", re.I)


def typed_turns(content, answers: dict[str, str]) -> tuple[int, str | None]:
    """The same answers typed: (answers needed, tier)."""
    from voice_triage.dialog import Conversation

    conv = Conversation(content, privacy_check=True)
    conv.start()
    n = 0
    while not conv.finished and conv.pending is not None and n < 40:
        n += 1
        conv.hear(answers.get(conv.pending.question_id, "no"), 1.0)
    return n, conv.result.tier if conv.result else None


def run_conversation(rig, content, tier: str, *, voice: str = PERSON_VOICES[0], seed: int = 0,
                     timeout_s: float = 600.0, extra_env: dict | None = None, cwd: str | None = None) -> dict:
    """One live conversation; returns its figures (and the printed lines, under "stdout"/"stderr")."""
    from .live_person import Person

    env = {**rig.env, "VOICE_TRIAGE_LOG": "DEBUG", "PYTHONUNBUFFERED": "1", **(extra_env or {})}
    person = Person(rig, content, SCRIPTS[tier], voice=voice, seed=seed)
    err_lines: list[tuple[float, str]] = []
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "voice_triage", "chat", "--voice", "--asr", "pocketsphinx"],
                            env=env, cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, bufsize=1)

    def read_err() -> None:
        for ln in proc.stderr or ():
            err_lines.append((time.perf_counter(), ln.rstrip("\n")))

    threads = [threading.Thread(target=read_err, daemon=True), *person.follow(proc)]
    threads[0].start()
    try:
        proc.wait(timeout=timeout_s)
        timed_out = False
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        timed_out = True
    t_end = time.perf_counter()
    person.stop()
    for t in threads[:2]:
        t.join(timeout=5)
    return figures(person, err_lines, t0, t_end, tier, content, timed_out, proc.returncode)


def figures(person, err_lines, t0: float, t_end: float, tier: str, content, timed_out: bool, rc) -> dict:
    out = [ln for _, ln in person.lines]
    err = [ln for _, ln in err_lines]
    advice_at = next((t for t, ln in err_lines if "say advice" in ln), None)
    if advice_at is None:  # a version without that debug line: the first line printed after the last answer heard
        last_heard = max((i for i, (_, ln) in enumerate(person.lines) if ln.startswith(person.heard_prefix)),
                         default=None)
        if last_heard is not None and last_heard + 1 < len(person.lines):
            advice_at = person.lines[last_heard + 1][0]
    first_word = next((t for t in person.heard.onsets if advice_at is not None and t >= advice_at), None)
    if first_word is None and advice_at is not None:
        # the log line is timed when it is read: on a busy machine the advice may already be sounding (one
        # stretch of sound, no new onset): its first word is the last onset after the person's last answer
        answered = max((t.at for t in person.turns if t.at < advice_at), default=t0)
        first_word = max((t for t in person.heard.onsets if answered < t < advice_at), default=None)
    # the advice is over with the last sound before the next listening tone (or the last sound at all)
    next_tone = next((t for t in person.heard.tones if first_word is not None and t > first_word), None)
    advice_end = max((e for e in person.heard.ends if first_word is not None and first_word <= e
                      and (next_tone is None or e < next_tone - 0.3)), default=None)
    from voice_triage.frontends.text_chat import screen_words

    words = screen_words(person.content)
    shown = words["result"].split("{")[0]  # "Result: " and the tier's label
    got = next((t for t, label in words["tiers"].items() for ln in out if ln.startswith(shown + label)), None)
    turns = person.turns
    reasks = sum(1 for a, b in itertools.pairwise(turns) if a.asked == b.asked)
    short = [t for t in turns if t.short]
    typed_n, typed_tier = typed_turns(content, SCRIPTS[tier])
    return {
        "tier_expected": tier, "tier": got,
        "launch_to_advice_s": round(first_word - t0, 1) if first_word else None,
        "launch_to_advice_end_s": round(advice_end - t0, 1) if advice_end else None,
        "launch_to_end_s": round(t_end - t0, 1), "timed_out": timed_out, "exit_code": rc,
        "answers": len(turns), "reasks": reasks, "lost": sum(t.heard is False for t in turns),
        "no_tone": sum(not t.after_tone for t in turns),
        "short_replies": len(short), "short_heard": sum(bool(t.heard) for t in short),
        "typed_answers": typed_n, "typed_tier": typed_tier,
        "library_lines": [ln for ln in out + err if LIBRARY_LINE.search(ln)],
        "stdout": out, "stderr": err,
    }


def run_live(tiers=tuple(SCRIPTS), voices=PERSON_VOICES[:1], seed: int = 0, echo=print,
             runtime_dir: str | None = None) -> dict:
    """Every tier with every voice; prints a line per conversation and the totals."""
    from voice_triage.content import load_content

    from .live_rig import PulseRig

    content = load_content("en")
    rig = PulseRig(runtime_dir)
    why = rig.start()
    if why:
        rig.stop()
        echo(f"Live benchmark not run: {why}.")
        return {"error": why}
    runs = []
    try:
        for v_i, voice in enumerate(voices):
            for tier in tiers:
                r = run_conversation(rig, content, tier, voice=voice, seed=seed + 97 * v_i)
                r["voice"] = voice
                runs.append(r)
                echo(line(r))
        trials = []
        for v_i, voice in enumerate(voices):
            t = short_replies(rig, SHORT_TRIALS, voice, seed + v_i, rate=SHORT_RATE)
            t["voice"] = voice
            trials.append(t)
            echo(f"bare yes/no/yep/nope after the tone ({voice}, {SHORT_RATE} words a minute, "
                 f"0.15-0.25 s of speech): {t.get('started')}/{t.get('trials')} started an answer, "
                 f"{t.get('recognized')} recognized as said" + (f" ({t['error']})" if "error" in t else ""))
    finally:
        rig.stop()
    short = sum(r["short_replies"] for r in runs)
    heard = sum(r["short_heard"] for r in runs)
    total = {"conversations": len(runs), "short_replies": short, "short_heard": heard,
             "short_heard_pct": round(100 * heard / short, 1) if short else None,
             "lost": sum(r["lost"] for r in runs), "answers": sum(r["answers"] for r in runs),
             "library_lines": sum(len(r["library_lines"]) for r in runs),
             "tiers_right": sum(r["tier"] == r["tier_expected"] for r in runs)}
    echo(f"short replies heard {heard}/{short} ({total['short_heard_pct']}%, target >= 95); answers lost "
         f"{total['lost']}/{total['answers']}; tiers right {total['tiers_right']}/{len(runs)}; "
         f"library lines in the terminal {total['library_lines']}")
    for r in runs:
        r.pop("stdout", None)
        r.pop("stderr", None)
    return {"runs": runs, "total": total, "short_reply_trials": trials}


def line(r: dict) -> str:
    adv = f"{r['launch_to_advice_s']:.0f} s" if r["launch_to_advice_s"] is not None else "never"
    over = f", over {r['launch_to_advice_end_s']:.0f} s" if r.get("launch_to_advice_end_s") is not None else ""
    return (f"{r['tier_expected']:<9} ({r.get('voice', '')}): advice begins {adv}{over}, "
            f"end {r['launch_to_end_s']:.0f} s; "
            f"{r['answers']} answers ({r['typed_answers']} typed), {r['reasks']} re-asks, {r['lost']} lost, "
            f"short replies heard {r['short_heard']}/{r['short_replies']}, "
            f"{r.get('no_tone', 0)} answered with no tone heard; tier {r['tier']} (typed {r['typed_tier']})"
            + (" TIMED OUT" if r["timed_out"] else ""))


SHORT_WORDS = ("yes", "no", "yep", "nope")
SHORT_TRIALS = 20
SHORT_RATE = 260  # espeak-ng words a minute: a bare yes/no of 0.15-0.25 s, as people say it


def child_short_replies(n: int, voice: str, seed: int, rate: int = 165) -> dict:
    """Run inside the rig's environment: ``n`` times the assistant asks "Is that right?", plays the tone
    and listens (the voice front-end's own capture); the person answers a bare yes/no/yep/nope after a
    reaction time drawn from 0.2-1.5 s. Counts the replies that started an utterance and were recognized."""
    import itertools

    from voice_triage.content import load_content
    from voice_triage.dialog import Ask, Conversation
    from voice_triage.frontends.voice import VoiceChat
    from voice_triage.triage.slots import SLOTS

    from .live_person import Person

    content = load_content("en")
    chat = VoiceChat(content, asr="pocketsphinx", out=lambda m: None, err=lambda m: None)
    if not chat.open_microphone():
        return {"error": "no microphone"}
    first = next(e for e in Conversation(content).start() if isinstance(e, Ask))
    # a check of the first question ("Is that right?"): the recognizer listens as it does at a check
    ask = Ask("Is that right?", first.slots, "confirm", confirm={s: SLOTS[s].values[0] for s in first.slots})
    person = Person(_RigEnv(), content, {}, voice=voice, seed=seed, rate=rate)  # type: ignore[arg-type]
    words = itertools.cycle(SHORT_WORDS)
    person.reply = lambda: ("confirm", next(words))  # type: ignore[method-assign]
    threads = [threading.Thread(target=person._listen, daemon=True),
               threading.Thread(target=person._answer, args=(_Alive(),), daemon=True)]
    for t in threads:
        t.start()
    rows = []
    time.sleep(1.0)  # the person's listener is connected before the first tone
    try:
        for _ in range(n):
            chat.speaker.say("Is that right?")
            k = len(person.turns)
            utt, tr, _t = chat.capture(ask)  # type: ignore[arg-type]
            deadline = time.perf_counter() + 3
            while len(person.turns) == k and time.perf_counter() < deadline:
                time.sleep(0.05)
            said = person.turns[-1] if len(person.turns) > k else None
            rows.append({"word": said.answer if said else None, "reaction_s": round(said.reaction_s, 2) if said else None,
                         "started": utt.reason != "timeout", "speech_s": round(utt.speech_s, 2),
                         "heard": (tr.text if tr else None)})
            time.sleep(0.3)
    finally:
        person.stop()
        chat.close()
    ok = sum(1 for r in rows if r["word"] and r["heard"] and r["heard"].split()[0] in _SAME[r["word"]])
    given = [r for r in rows if r["word"]]  # a trial where the person missed the tone has no reply to lose
    return {"trials": len(given), "started": sum(r["started"] for r in given), "recognized": ok, "rows": rows}


_SAME = {"yes": ("yes", "yeah", "yep", "yup"), "yep": ("yes", "yeah", "yep", "yup"), "no": ("no", "nope"),
         "nope": ("no", "nope")}


class _RigEnv:
    """The rig as seen from a child process that runs inside its environment."""

    env = dict(os.environ)


class _Alive:
    @staticmethod
    def poll():
        return None


def short_replies(rig, n: int = 20, voice: str = PERSON_VOICES[0], seed: int = 0, rate: int = 165) -> dict:
    p = subprocess.run([sys.executable, "-m", "voice_triage.commands.live_bench", "short", str(n), voice, str(seed),
                        str(rate)],
                       env={**rig.env, "PYTHONUNBUFFERED": "1"}, capture_output=True, text=True, timeout=60 + 15 * n)
    if p.returncode != 0:
        return {"error": (p.stderr.strip().splitlines() or ["failed"])[-1]}
    return json.loads(p.stdout.strip().splitlines()[-1])


if __name__ == "__main__":  # python -m voice_triage.commands.live_bench [tier ...] | short N VOICE SEED
    if sys.argv[1:2] == ["short"]:
        print(json.dumps(child_short_replies(int(sys.argv[2]), sys.argv[3], int(sys.argv[4]), int(sys.argv[5]))))
    else:
        run_live(tiers=tuple(sys.argv[1:]) or tuple(SCRIPTS), runtime_dir=os.environ.get("VT_LIVE_RUNTIME"))
