"""ttai-guard: a security linter for code that uses the ToughTongue AI API."""

__version__ = "0.1.0"
