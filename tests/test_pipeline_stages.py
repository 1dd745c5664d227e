"""The ingest stages every engine shares: one article failing in analysis is named and its batch
goes on; a batch run twice stores the same rows once; the in-process and batch paths agree."""
from __future__ import annotations

import pytest

from components import analysis
from components.analysis import analyze_missing, pipeline_version
from components.pipeline import stages
from components.records import Article, Span
from components.store import Store

pytestmark = pytest.mark.slow


def _article(text: str) -> Article:
    import hashlib

    return Article(id=hashlib.sha256(text.encode()).hexdigest()[:16], text=text, title=text[:20],
                   paragraphs=(Span(0, len(text)),))


TEXTS = [
    "“We will act,” the minister said in Paris on Monday.",
    "Officials in Berlin said the BROKEN talks would go on.",
    "The mayor of Rome told reporters that the bridge would reopen.",
]


def test_a_failing_article_is_named_and_the_rest_of_its_batch_is_stored(nlp, tmp_path, monkeypatch):
    real = analysis.extract_with_notices

    def fragile(doc, groups):
        if "BROKEN" in doc.text:
            raise ValueError("a rule met something it cannot handle")
        return real(doc, groups)

    monkeypatch.setattr(analysis, "extract_with_notices", fragile)
    store = Store(str(tmp_path / "s.db"))
    articles = [_article(t) for t in TEXTS]
    store.add_articles(articles)
    result = stages.run_batch(store, nlp, None, articles)
    assert [i for i, _ in result.failed] == [articles[1].id]
    assert "ValueError" in result.failed[0][1] and "cannot handle" in result.failed[0][1]
    version = pipeline_version(nlp)
    assert store.analysed_ids(version) == {articles[0].id, articles[2].id}
    assert [a.id for a in stages.pending(store, version, articles, embed=False)] == [articles[1].id]


def test_batch_stage_stores_what_the_in_process_engine_stores(nlp, tmp_path):
    articles = [_article(t) for t in TEXTS]
    local, batch = Store(str(tmp_path / "local.db")), Store(str(tmp_path / "batch.db"))
    for s in (local, batch):
        s.add_articles(articles)
    assert analyze_missing(local, nlp) == 3
    stages.run_batch(batch, nlp, None, articles[:2])
    stages.run_batch(batch, nlp, None, articles)  # again, overlapping: replaced, not doubled
    version = pipeline_version(nlp)
    for a in articles:
        assert batch.get_analysis(a.id, version) == local.get_analysis(a.id, version)
    assert stages.pending(batch, version, articles, embed=False) == []


@pytest.mark.parametrize("resources, embed, gpus", [
    ({"CPU": 16.0}, True, 0),  # a CPU-only cluster: the encoder stays in the analysis actors
    ({"CPU": 2.0, "GPU": 0.0}, True, 0),
    ({"CPU": 16.0, "GPU": 2.0}, True, 2),  # one GPU encoder actor per GPU
    ({"CPU": 16.0, "GPU": 2.0}, False, 0),  # --no-embed: no GPU actor at all
    ({"CPU": 16.0, "GPU": 0.5}, True, 0),  # a fraction of a GPU is not a whole one
])
def test_gpu_encoders_only_where_the_cluster_has_gpus(resources, embed, gpus):
    from components.pipeline.ray_engine import gpu_encoders

    assert gpu_encoders(resources, embed) == gpus


@pytest.mark.slow
def test_the_version_key_of_the_installed_model_is_the_loaded_pipelines_without_importing_spacy(nlp):
    """A page finds stored analyses by this key before (or without) loading spaCy: it must be the
    key the loaded pipeline gives, and reading it must not import spaCy (seconds on a first start)."""
    import subprocess
    import sys

    from components.nlp import model_name

    assert stages.version_of_installed(model_name()) == pipeline_version(nlp)
    code = ("import sys; from components.pipeline.stages import version_of_installed; "
            f"version_of_installed({model_name()!r}); print('spacy' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
    from components.errors import ModelNotInstalled

    with pytest.raises(ModelNotInstalled):
        stages.version_of_installed("no_such_pipeline_xyz")
