"""Speech recognition: one interface (Recognizer), two offline engines (vosk, pocketsphinx),
per-question grammars, and the automatic choice between engines."""

from .base import Recognizer, RecognizerStream, Transcript
from .book import GrammarBook
from .grammar import Grammar, build_grammar, normalize_phrase, number_words
from .select import ENGINES, Choice, create_recognizer, find_vosk_model, installed_models, model_language, models_dir
from .vosk_engine import ModelError, check_model_dir

__all__ = [
    "Recognizer", "RecognizerStream", "Transcript", "GrammarBook", "Grammar", "build_grammar",
    "normalize_phrase", "number_words", "ENGINES", "Choice", "create_recognizer", "find_vosk_model",
    "installed_models", "model_language", "models_dir", "ModelError", "check_model_dir",
]
