"""Pronunciations from a cmudict-format file, looked up where the file lies (memory-mapped), not loaded.

pocketsphinx keeps a dictionary it loads in memory (the wheel's 134,000 words take about 22 MB in each
decoder), while an answer's grammar needs a few hundred words. The decoders are made with only the words
their searches use; this finds those words' pronunciations. The file is sorted by word (a word's second
pronunciation, "word(2)", follows it), so a lookup is a binary search over the line starts.
"""

from __future__ import annotations

import mmap

import numpy as np


class Pronouncing:
    def __init__(self, path: str, extra: str | None = None):
        with open(path, "rb") as fh:
            self._mm = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
        ends = np.flatnonzero(np.frombuffer(self._mm, dtype=np.uint8) == 10)
        self._starts = np.concatenate(([0], ends + 1))[:-1] if len(ends) else np.zeros(1, dtype=np.int64)
        self._seen: dict[str, list[str]] = {}
        self._extra: dict[str, list[str]] = {}  # pronunciations ``extra`` adds (words or variants the file lacks)
        try:
            lines = open(extra, encoding="utf-8").read().splitlines() if extra else []
        except OSError:
            lines = []
        for ln in lines:
            parts = ln.split(None, 1)
            if len(parts) != 2 or ln.startswith("#"):
                continue
            word, phones = parts[0].split("(")[0].lower(), " ".join(parts[1].split())
            if phones not in self._from_file(word) and phones not in self._extra.get(word, ()):
                self._extra.setdefault(word, []).append(phones)
        self.added = sum(len(v) for v in self._extra.values())

    def _word_at(self, i: int) -> bytes:
        start = int(self._starts[i])
        end = self._mm.find(b" ", start)
        nl = self._mm.find(b"\n", start)
        if end < 0 or (0 <= nl < end):
            end = nl if nl >= 0 else len(self._mm)
        return self._mm[start:end].split(b"(")[0]

    def _from_file(self, word: str) -> list[str]:
        key = word.encode("utf-8")
        lo, hi = 0, len(self._starts)
        while lo < hi:  # the first line whose word is not below ``key``
            mid = (lo + hi) // 2
            if self._word_at(mid) < key:
                lo = mid + 1
            else:
                hi = mid
        out = []
        while lo < len(self._starts) and self._word_at(lo) == key:
            start = int(self._starts[lo])
            nl = self._mm.find(b"\n", start)
            line = self._mm[start:nl if nl >= 0 else len(self._mm)].decode("utf-8", "replace")
            out.append(" ".join(line.split()[1:]))
            lo += 1
        return [p for p in out if p]

    def lookup(self, word: str) -> list[str]:
        """Every pronunciation of ``word`` (lower case), the dictionary's first; [] when it has none."""
        if not word or any(c.isspace() for c in word):
            return []
        got = self._seen.get(word)
        if got is None:  # (grammars ask about the same few thousand words again and again)
            got = self._seen[word] = self._from_file(word) + self._extra.get(word, [])
        return list(got)

    def knows(self, word: str) -> bool:
        return bool(self.lookup(word))
