"""Kept tables (``linli.core.cache.Table``): read from memory while the shared token holds, and
reloaded in every process once any process writes."""

from linli.core.cache import Table


def test_a_table_is_loaded_once_and_reloaded_after_forget_anywhere():
    loads = []

    def load():
        loads.append(1)
        return {"n": len(loads)}

    here = Table("test.shared", load, seconds=60)
    there = Table("test.shared", load, seconds=60)  # the same table in another worker
    assert here.get() == {"n": 1}
    assert here.get() == {"n": 1} and len(loads) == 1  # from memory, no reload
    assert there.get() == {"n": 2}  # the other process loads its own copy once
    assert there.get() == {"n": 2} and len(loads) == 2
    there.forget()  # an edit through the other worker
    assert here.get() == {"n": 3}  # seen here on the next read
    assert there.get() == {"n": 4}


def test_a_table_is_reloaded_after_its_time(monkeypatch):
    import linli.core.cache as module

    clock = [1000.0]
    monkeypatch.setattr(module.time, "monotonic", lambda: clock[0])
    loads = []
    table = Table("test.timed", lambda: loads.append(1) or len(loads), seconds=60)
    assert table.get() == 1
    clock[0] += 59
    assert table.get() == 1
    clock[0] += 2
    assert table.get() == 2
