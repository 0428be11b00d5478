"""What a daily run reports: the digest of its briefed articles (numbered, merged, costed)
and the `DailyReport` of what it wrote and where, with the exit code.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from summarizer.backends.cost import add_costs, cost_usd
from summarizer.daily.merge import SourceRef
from summarizer.daily.note import ArticleInfo, Digest, FailedArticle
from summarizer.schema import Briefing, Usage

if TYPE_CHECKING:
    from summarizer.daily.run import ArticleResult, DailyRun

EXIT_OK = 0
EXIT_FAILURES = 4  # the run completed, but some articles failed (listed in the note)


@dataclass(frozen=True, repr=False)
class DailyReport:
    """What a run produced and where it was written.

    `kept_previous` is set (to how many briefed articles they hold) when the day's files
    were kept because this run briefed fewer with some failed; then nothing was written.
    `from_record`: the day was answered from its record (`daily.record`): the files are the
    recorded ones, byte for byte; `digest` is theirs as this run saw it (every article
    cached, no tokens spent) and `results` is empty (no article was loaded or briefed).
    """

    digest: Digest
    note: str
    note_path: Path
    results: list[ArticleResult]
    kept_previous: int | None = None
    from_record: bool = False
    pages: dict[str, Path] = field(default_factory=dict)  # where each of `config.pages` went

    def __repr__(self) -> str:
        # Short: `asyncio.run` reprs the result it returns (twice, restoring the SIGINT
        # handler); the full one, every article and briefing, took ~0.2 s at 500 articles.
        done = len(self.digest.articles)
        return f"DailyReport({self.note_path}, {done} briefed, {len(self.digest.failed)} failed)"

    @property
    def kept_edited_note(self) -> bool:
        """True when the user's edited note was kept and ours went to `.new.md`."""
        return self.note_path.name.endswith(".new.md")

    @property
    def exit_code(self) -> int:
        """0 when every article was briefed, 4 when some failed (or the files were kept)."""
        return EXIT_FAILURES if self.digest.failed else EXIT_OK

    def kept_line(self) -> str:
        """The one line saying the previous files were kept ('' when they were replaced)."""
        if self.kept_previous is None:
            return ""
        d = self.digest
        first = d.failed[0].error if d.failed else "none"
        return (
            f"kept the previous {d.date.isoformat()}.md, .jsonl and .digest.json "
            f"({self.kept_previous} briefed): this run briefed {len(d.articles)} and "
            f"{len(d.failed)} failed (first: {first}) — fix the failures and run again"
        )


def source_ref(n: int, briefing: Briefing) -> SourceRef:
    """The briefing as the note's source number `n`."""
    return SourceRef(n=n, title=briefing.source.title, url=briefing.source.url)


def build_digest(results: list[ArticleResult], run: DailyRun) -> Digest:
    """Number the briefed articles, merge their meetings and tensions (going on from the
    run's `premerged`: what it merged as entries finished), total the cost.
    """
    done = [(r, r.briefing) for r in results if r.briefing is not None]
    held = run.premerged.items
    refs = [(_ref(n, b, held), b) for n, (_, b) in enumerate(done, 1)]
    articles = _made_ahead(run, done)
    rest = zip(refs[len(articles) :], done[len(articles) :], strict=True)
    articles += [article_info(ref.n, r, b, run) for (ref, b), (r, _) in rest]
    failed = [_failure(r) for r in results if r.briefing is None]
    cost = add_costs([r.cost for r in results])
    model = run.backend.model
    merge = run.premerged.resume(refs)
    meetings, tensions = merge.meetings(), merge.tensions()
    return Digest(
        date=run.config.day,
        model=model,
        prompt_hash=run.prompt_hash,
        strategy=run.strategy,
        meetings=meetings,
        tensions=tensions,
        articles=articles,
        failed=failed,
        usage=sum((r.usage for r in results), Usage()),
        cost_usd=cost,
        cost_note=None if run.price else f"no price known for model {model!r}; see --price-table",
    )


def _ref(n: int, briefing: Briefing, held: list[tuple[SourceRef, Briefing]]) -> SourceRef:
    """`source_ref(n, briefing)`: the one the merge made ahead for this very briefing, if so."""
    if n <= len(held) and held[n - 1][1] is briefing and held[n - 1][0].n == n:
        return held[n - 1][0]
    return source_ref(n, briefing)


def _made_ahead(run: DailyRun, done: list[tuple[ArticleResult, Briefing]]) -> list[ArticleInfo]:
    """The leading articles' lines the run made ahead (`DailyRun.infos`, with their note
    lines), as long as they are of the very results numbered the same here.
    """
    ahead: list[ArticleInfo] = []
    for (result, info), (r, _) in zip(run.infos, done, strict=False):
        if result is not r or info.n != len(ahead) + 1:
            break
        ahead.append(info)
    return ahead


def article_info(n: int, r: ArticleResult, b: Briefing, run: DailyRun) -> ArticleInfo:
    """The note's line about article `n`: its source, origin, cache hit, tokens and cost."""
    usage = b.provenance.usage
    return ArticleInfo(
        n=n,
        title=b.source.title,
        url=b.source.url,
        published=b.source.published,
        origin=r.entry.origin,
        cached=r.cached,
        usage=usage,
        cost_usd=cost_usd(usage, run.price),
    )


def _failure(r: ArticleResult) -> FailedArticle:
    title = r.article.title if r.article else r.entry.title
    url = r.article.url if r.article else r.entry.url
    return FailedArticle(origin=r.entry.origin, title=title, url=url, error=r.error or "failed")
