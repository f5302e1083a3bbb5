"""Input limits, in one place: every size, length and rate the program accepts from outside.

Each front-end refuses input beyond these with one clear line (and the conversation goes on); nothing
is read past them, so hostile input (``/dev/zero``, a WAV header claiming 1 Hz, a ZIP bomb) cannot take
the machine's memory or disk.
"""

from __future__ import annotations

# -- typed and protocol input --------------------------------------------------------------------------
MAX_LINE_BYTES = 8192  # one answer line (chat --text, chat --jsonl, kiosk); the rest of a longer line is skipped
MAX_ASSESS_BYTES = 1_000_000  # `assess` input; at most this plus one byte is ever read
MAX_NUMBER_DIGITS = 20  # a number in `assess` input longer than this is refused before it is converted
MAX_ECHO_CHARS = 80  # a bad value quoted back in an error message is cut to this many characters

# -- audio answers (WAV/FLAC/OGG files) --------------------------------------------------------------------
MIN_AUDIO_RATE = 8000  # Hz; telephone quality
MAX_AUDIO_RATE = 192000  # Hz; studio recorders
MAX_AUDIO_CHANNELS = 8
MAX_AUDIO_SECONDS = 120.0  # one spoken answer; a longer recording is refused before it is decoded
MAX_AUDIO_FILE_BYTES = 256 * 1024 * 1024  # 2 min of 8-channel 64-bit 192 kHz audio would be larger: refused

# -- vosk model ZIPs (`models install`) -----------------------------------------------------------------
MAX_MODEL_BYTES = 16 * 1024**3  # unpacked; the largest English vosk model (gigaspeech) is about 4 GB
MAX_MODEL_ENTRIES = 20_000  # files in the archive; real models hold fewer than 200
MAX_ENTRY_RATIO = 100  # unpacked/packed size of one entry over 1 MiB; real model files are at most ~6
MAX_ARCHIVE_RATIO = 20  # unpacked size / archive size over all; real models are about 3
RATIO_FLOOR_BYTES = 1024 * 1024  # ratios are checked above this size (tiny text files compress well)
