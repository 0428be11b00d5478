"""Token counts (`backends.tokens`): the fallback without weights, and the real Qwen tokenizer."""

from __future__ import annotations

from pathlib import Path

import pytest

from summarizer.backends.tokens import CharCount, LlamaTokenizer, smallest_model, tokenizer


def test_without_a_model_file_it_counts_characters_and_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SUMMARIZER_MODELS_DIR", str(tmp_path))
    assert smallest_model() is None
    with tokenizer() as t:
        assert isinstance(t, CharCount) and t.name == "characters / 4"
        assert (t.count(""), t.count("abcd"), t.count("abcde")) == (0, 1, 2)
        assert t.template([{"role": "user", "content": "Hi"}], None) == "Hi"
        assert t.template([{"role": "user", "content": "Hi"}], [{"a": 1}]) == '[{"a": 1}]\nHi'


@pytest.mark.slow
@pytest.mark.usefixtures("small_model")
def test_the_embedded_models_tokenizer_counts_qwen_tokens() -> None:
    with tokenizer("0.5b") as t:
        assert isinstance(t, LlamaTokenizer) and "qwen2.5" in t.name
        assert t.count("Hello world") == 2  # Qwen2.5: "Hello", " world"
        assert t.count("<|im_start|>") == 1  # special-token text is the special token
        tool = {"type": "function", "function": {"name": "f", "parameters": {"type": "object"}}}
        prompt = t.template([{"role": "user", "content": "Hi"}], [tool])
    assert prompt.startswith("<|im_start|>system") and '"name": "f"' in prompt
    assert prompt.endswith("<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n")
