"""The background worker: its files job writes the open-data exports, assets and detail
scripts; its pages job renders the event pages' HTML while MkDocs renders the pages."""

from __future__ import annotations

import threading

import pytest

from eventatlas.errors import BuildError, WriteError
from eventatlas.pipeline import prepare
from eventatlas.site.background import BackgroundWork, _ReadAhead
from eventatlas.site.pages import overview
from eventatlas.site.site_files import background_paths, background_texts, event_pages
from eventatlas.site.version import data_version, site_info


@pytest.fixture(scope="module")
def inputs(repo):
    prepared = prepare(repo / "events.yaml", repo / "places.yaml", write_cache=False)
    site = site_info("Atlas", "https://example.org/atlas", "", "CC-BY-4.0")
    return prepared.dataset, prepared.places, site, data_version(prepared.dataset, prepared.places)


def _started(inputs, site_dir, event_ids=()) -> BackgroundWork:
    work = BackgroundWork()
    work.start(*inputs)
    work.write_files(site_dir)
    work.render_event_pages(event_ids)
    return work


def test_the_files_worker_writes_what_background_texts_makes(inputs, tmp_path):
    work = _started(inputs, tmp_path)
    assert sorted(work.finish()) == sorted(background_paths(inputs[0]))
    texts = background_texts(*inputs)
    assert {path: (tmp_path / path).read_bytes() for path in texts} == {
        path: text.encode("utf-8") for path, text in texts.items()
    }


def test_the_pages_worker_renders_what_the_build_would(inputs, tmp_path):
    dataset = inputs[0]
    wanted = [dataset.events[3].id, dataset.events[0].id]  # any order the build asks for
    expected = dict(event_pages(dataset, inputs[1], overview(*inputs), wanted))
    work = _started(inputs, tmp_path, wanted)
    searched = {event_id: work.searched_parts(event_id) for event_id in wanted}
    full = {event_id: work.page_parts(event_id) for event_id in wanted}
    work.finish()
    assert searched == {event_id: expected[event_id].searched_parts() for event_id in wanted}
    assert full == {event_id: expected[event_id].render_parts() for event_id in wanted}


def test_a_page_the_worker_cannot_make_is_one_clear_error(inputs, tmp_path):
    work = _started(inputs, tmp_path, ["no-such-event"])
    with pytest.raises(BuildError, match=r"the page of event 'no-such-event' could not be made"):
        work.searched_parts("no-such-event")
    work.stop()


def test_a_worker_that_cannot_write_is_one_clear_error(inputs, tmp_path):
    (tmp_path / "data").write_text("a file where the folder goes", encoding="utf-8")
    work = _started(inputs, tmp_path)
    with pytest.raises(WriteError, match=r"cannot write .*data.*; the previous site is kept"):
        work.finish()


def test_stopped_workers_leave_no_inputs_behind(inputs, tmp_path, monkeypatch):
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    work = BackgroundWork()
    work.start(*inputs)
    work.write_files(tmp_path / "site")
    work.stop()
    assert not list(tmp_path.glob("eventatlas-background.*"))


def _reading(read_ahead: _ReadAhead, count: int) -> threading.Thread:
    def read() -> None:
        for n in range(count):
            read_ahead.put(f"e{n}", (f"parts of e{n}",))
        read_ahead.end()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    return reader


def test_searched_parts_are_read_only_a_few_pages_ahead_of_the_build():
    read_ahead = _ReadAhead(limit=3)
    reader = _reading(read_ahead, 10)
    reader.join(timeout=0.5)
    assert reader.is_alive() and len(read_ahead.parts) == 3  # waits for the build
    assert [read_ahead.take(f"e{n}") for n in range(10)] == [(f"parts of e{n}",) for n in range(10)]
    reader.join(timeout=5)
    assert not reader.is_alive()


def test_a_page_asked_for_out_of_order_lifts_the_limit():
    read_ahead = _ReadAhead(limit=2)
    reader = _reading(read_ahead, 10)
    assert read_ahead.take("e9") == ("parts of e9",)  # no deadlock: the reader went on
    assert read_ahead.take("no-such-page") is None  # read to the end, and not there
    assert read_ahead.take("e0") == ("parts of e0",)
    reader.join(timeout=5)


def test_a_build_that_takes_no_more_lets_the_reader_finish():
    read_ahead = _ReadAhead(limit=2)
    reader = _reading(read_ahead, 10)
    read_ahead.take_no_more()
    reader.join(timeout=5)
    assert not reader.is_alive() and len(read_ahead.parts) == 10


def test_a_worker_that_died_before_it_was_told_anything_is_one_clear_error(inputs, tmp_path):
    work = BackgroundWork()
    work.start(*inputs)
    assert work._worker is not None
    work._worker.process.kill()
    work._worker.process.wait()
    work.write_files(tmp_path)  # into a dead worker's pipe: no BrokenPipeError
    work.render_event_pages([inputs[0].events[0].id])
    with pytest.raises(BuildError, match=r"could not be made: its process was stopped by signal"):
        work.searched_parts(inputs[0].events[0].id)
    work.stop()  # and no error on the way out
