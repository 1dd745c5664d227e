"""The load report: what a load produced (articles added, inputs skipped or rejected, warnings).

May import components.records; never the loaders that fill it.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from components.records import Article


@dataclass
class LoadReport:
    """What a load produced: articles added, inputs skipped or rejected, and warnings.

    Iterating, indexing and ``len()`` go over ``articles``, so a report can be used where a list
    of articles is expected. ``skipped`` and ``rejected`` hold ``(name, reason)`` pairs; a name is
    a file, a corpus line (``"corpus.jsonl line 3"``) or a URL. ``warnings`` are
    ``"name: problem"`` lines for articles that loaded despite a problem.
    """

    articles: list[Article] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    rejected: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    _origin_by_id: dict[str, str] = field(default_factory=dict, repr=False, compare=False)

    def add(self, article: Article, name: str | None = None) -> bool:
        """Add ``article`` unless one with the same id is already here (then skip it).

        Returns:
            True when added, False when skipped as a duplicate.
        """
        name = name or article.origin or article.id
        if article.id in self._origin_by_id:
            first = self._origin_by_id[article.id]
            self.skipped.append((name, f"same text as {first} (id {article.id})"))
            return False
        self._origin_by_id[article.id] = name
        self.articles.append(article)
        self.warnings.extend(f"{name}: {w}" for w in article.warnings)
        return True

    def reject(self, name: str, reason: str) -> None:
        """Record that ``name`` could not be loaded, and why."""
        self.rejected.append((name, reason))

    def summary(self) -> str:
        """One line: how many articles were added, skipped and rejected."""
        return (
            f"added {len(self.articles)}, skipped {len(self.skipped)}, "
            f"rejected {len(self.rejected)}, warnings {len(self.warnings)}"
        )

    def __iter__(self) -> Iterator[Article]:
        return iter(self.articles)

    def __len__(self) -> int:
        return len(self.articles)

    def __getitem__(self, index: int) -> Article:
        return self.articles[index]
