"""Pick one of a few named options from a short answer ("text only", "quieter", "yes, I'm alone")."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from rapidfuzz import fuzz, process

from voice_triage.content.normalize import normalize

CHOICE_SCORE = 85.0


def choose(text: str, options: Mapping[str, Sequence[str]]) -> str | None:
    """The option whose phrase best matches the answer (whole answer, or a phrase inside it), or None."""
    said = normalize(text, drop_fillers=False)
    if not said:
        return None
    table = {normalize(p, drop_fillers=False): name for name, phrases in options.items() for p in phrases}
    if said in table:
        return table[said]
    words = said.split()
    best: tuple[float, int, str] | None = None
    for size in range(1, min(4, len(words)) + 1):
        for start in range(len(words) - size + 1):
            window = " ".join(words[start : start + size])
            hit = process.extractOne(window, list(table), scorer=fuzz.ratio, score_cutoff=CHOICE_SCORE)
            if hit and (len(hit[0]) > 4 or hit[0] == window):
                cand = (hit[1], size, table[hit[0]])
                if best is None or cand[:2] > best[:2]:
                    best = cand
    return best[2] if best else None
