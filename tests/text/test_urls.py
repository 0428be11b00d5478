"""`summarizer.text.urls`: a URL's `user:password@` is masked wherever it is shown."""

from __future__ import annotations

import pytest

from summarizer.text.urls import redact_url, redact_urls, split_userinfo


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("http://user:secret@host:8080/v1", "http://***@host:8080/v1"),
        ("https://token@api.example.org/v1?x=1", "https://***@api.example.org/v1?x=1"),
        ("http://u:p@ss@host/v1", "http://***@host/v1"),  # a raw "@" in the password
        ("http://host:8080/v1", "http://host:8080/v1"),
        ("http://host/v1?next=a@b", "http://host/v1?next=a@b"),  # "@" past the authority
        ("http://host/a@b", "http://host/a@b"),
        ("not a url", "not a url"),
    ],
)
def test_redact_url(url: str, shown: str) -> None:
    assert redact_url(url) == shown


def test_redact_urls_masks_every_url_in_a_text() -> None:
    text = "POST http://a:b@h1/v1 then https://c@h2/x failed; mail me@example.org"
    shown = "POST http://***@h1/v1 then https://***@h2/x failed; mail me@example.org"
    assert redact_urls(text) == shown


def test_split_userinfo() -> None:
    assert split_userinfo("http://user:p%40ss@host/v1") == ("http://host/v1", "user:p%40ss")
    assert split_userinfo("http://host/v1") == ("http://host/v1", None)
