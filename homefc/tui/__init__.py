"""The Textual TUI of `homefc chat`."""
