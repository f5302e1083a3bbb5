"""Content: every word the assistant says or understands, loaded from prompts/<lang>/ as typed data."""

from voice_triage.content.loader import ContentError, load_content, prompts_root
from voice_triage.content.model import Advice, Content, Phrases, Question, Source

__all__ = ["ContentError", "load_content", "prompts_root", "Advice", "Content", "Phrases", "Question", "Source"]
