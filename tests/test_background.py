"""The open-data exports, written by a second process while MkDocs renders the pages."""

from __future__ import annotations

import pytest

from eventatlas.errors import WriteError
from eventatlas.pipeline import prepare
from eventatlas.site.background import EXPORT_PATHS, ExportWriter
from eventatlas.site.exports import export_texts
from eventatlas.site.version import data_version, site_info


@pytest.fixture(scope="module")
def inputs(repo):
    prepared = prepare(repo / "events.yaml", repo / "places.yaml", write_cache=False)
    site = site_info("Atlas", "https://example.org/atlas", "", "CC-BY-4.0")
    return prepared.dataset, prepared.places, site, data_version(prepared.dataset, prepared.places)


def test_the_worker_writes_what_export_texts_makes(inputs, tmp_path):
    writer = ExportWriter()
    writer.start(*inputs, tmp_path)
    assert sorted(writer.finish()) == EXPORT_PATHS
    texts = export_texts(*inputs)
    assert {path: (tmp_path / path).read_bytes() for path in texts} == {
        path: text.encode("utf-8") for path, text in texts.items()
    }


def test_a_worker_that_cannot_write_is_one_clear_error(inputs, tmp_path):
    (tmp_path / "data").write_text("a file where the folder goes", encoding="utf-8")
    writer = ExportWriter()
    writer.start(*inputs, tmp_path)
    with pytest.raises(WriteError, match=r"cannot write .*data.*; the previous site is kept"):
        writer.finish()


def test_a_stopped_worker_leaves_no_inputs_behind(inputs, tmp_path, monkeypatch):
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    writer = ExportWriter()
    writer.start(*inputs, tmp_path / "site")
    writer.stop()
    assert not list(tmp_path.glob("eventatlas-exports-*"))
