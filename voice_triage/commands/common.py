"""What every command shares: loading the assistant's words, or one line and exit 1."""

from __future__ import annotations

import sys

import click

from voice_triage.content import Content, ContentError, load_content

EXIT_BAD_INPUT = 2  # bad input or a bad option: one line on stderr


def content_or_exit(lang: str) -> Content:
    """The words for ``lang``; a broken or missing prompts/ folder is one line on stderr and exit 1."""
    try:
        return load_content(lang)
    except ContentError as e:
        click.echo(f"voice-triage: cannot load the assistant's words: {e}", err=True)
        sys.exit(1)
