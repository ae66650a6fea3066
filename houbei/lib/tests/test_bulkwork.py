import gc

import pytest

from houbei.lib.bulkwork import collection_paused


@pytest.fixture(autouse=True)
def _collector_enabled():
    gc.enable()
    yield
    gc.enable()


def test_the_collector_pauses_inside_and_resumes_after():
    with collection_paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_a_nested_block_leaves_the_collector_paused_until_the_outer_one_ends():
    with collection_paused():
        with collection_paused():
            pass
        assert not gc.isenabled()
    assert gc.isenabled()


def test_the_collector_resumes_after_an_error():
    with pytest.raises(ValueError), collection_paused():
        raise ValueError("row 7")
    assert gc.isenabled()


def test_a_collector_paused_before_stays_paused():
    gc.disable()
    with collection_paused():
        pass
    assert not gc.isenabled()


def test_it_decorates_a_function():
    @collection_paused()
    def work() -> bool:
        return gc.isenabled()

    assert work() is False
    assert gc.isenabled()
