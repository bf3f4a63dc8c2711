"""Config primitives as Procedure methods: results, refusals, argument checks."""

from __future__ import annotations

import numpy as np
import pytest

import exo
from exo import DRAM, config, proc


@config
class Cfg:
    scale: f32
    on: bool


@proc
def scaled(n: size, x: f32[n] @ DRAM, y: f32[n] @ DRAM, s: f32 @ DRAM):
    for i in seq(0, n):
        y[i] = x[i] * s


@proc
def reuse(n: size, x: f32[n] @ DRAM, y: f32[n] @ DRAM, s: f32 @ DRAM):
    Cfg.scale = s
    for i in seq(0, n):
        y[i] = x[i] * Cfg.scale
    Cfg.scale = 2.0
    for i in seq(0, n):
        y[i] += Cfg.scale


def run(p, n=5):
    x = np.arange(1, n + 1, dtype=np.float32)
    y = np.full(n, -7.0, dtype=np.float32)
    s = np.array([3.0], dtype=np.float32)
    p.interpret(n=n, x=x, y=y, s=s)
    return y


def test_bind_config():
    p = scaled.bind_config("s", Cfg, "scale")
    assert "Cfg.scale = s\n        y[i] = x[i] * Cfg.scale" in str(p)
    np.testing.assert_allclose(run(p), run(scaled))
    # A cursor works as well as a pattern.
    q = scaled.bind_config(scaled.find("s"), Cfg, "scale")
    assert str(q) == str(p)


def test_bind_config_type_mismatch():
    with pytest.raises(exo.SchedulingError, match="has type f32 but config field 'Cfg.on' has type bool"):
        scaled.bind_config("s", Cfg, "on")
    with pytest.raises(ValueError, match="expected 'nope' to be a field of config 'Cfg'"):
        scaled.bind_config("s", Cfg, "nope")
    with pytest.raises(TypeError, match="expected a Config object"):
        scaled.bind_config("s", "Cfg", "scale")


def test_configwrite_root_and_after():
    p = reuse.configwrite_root(Cfg, "scale", 4.5)
    assert str(p).splitlines()[1].strip() == "Cfg.scale = 4.5"
    np.testing.assert_allclose(run(p), run(reuse))
    q = reuse.configwrite_after("for i in _: _ #0", Cfg, "scale", "s")
    assert "Cfg.scale = s\n    Cfg.scale = 2.0" in str(q)
    np.testing.assert_allclose(run(q), run(reuse))


def test_configwrite_after_seen_by_later_read():
    with pytest.raises(exo.SchedulingError, match="would be seen by the marked statement"):
        reuse.configwrite_after("Cfg.scale = s", Cfg, "scale", 5.0)
    # The bound loop writes the field before each read: a root write is free...
    bound = scaled.bind_config("s", Cfg, "scale")
    np.testing.assert_allclose(run(bound.configwrite_root(Cfg, "scale", 1.0)), run(scaled))
    # ...but not once the read comes first.
    @proc
    def reads_first(n: size, x: f32[n] @ DRAM, y: f32[n] @ DRAM, s: f32 @ DRAM):
        for i in seq(0, n):
            y[i] = x[i] * Cfg.scale
        Cfg.scale = s

    with pytest.raises(exo.SchedulingError, match="configwrite_root: the new write of 'Cfg.scale'"):
        reads_first.configwrite_root(Cfg, "scale", 1.0)


def test_delete_config():
    # 2.0 is read by the last loop; the first write is read by the first loop.
    with pytest.raises(exo.SchedulingError, match="cannot delete the write of 'Cfg.scale'"):
        reuse.delete_config("Cfg.scale = 2.0")
    with pytest.raises(exo.SchedulingError, match="cannot delete the write"):
        reuse.delete_config(reuse.find("Cfg.scale = s"))
    # A write that is overwritten before any read goes.
    p = reuse.configwrite_after("for i in _: _ #0", Cfg, "scale", 9.0).delete_config("Cfg.scale = 9.0")
    assert str(p) == str(reuse)
    np.testing.assert_allclose(run(p), run(reuse))


@proc
def local(n: size, x: f32[n] @ DRAM):
    t: f32 @ DRAM
    t = 4.0
    for i in seq(0, n):
        x[i] = t


def test_write_config_value_sees_the_names_at_the_gap():
    from exo.API_scheduling import write_config

    # `t` is allocated before the gap: the value may read it.
    p = write_config(local, local.find("t = _").after(), Cfg, "scale", "t")
    assert "Cfg.scale = t" in str(p)
    with pytest.raises(exo.ParseFragmentError, match="u not found in the current environment"):
        write_config(local, local.find("t = _").after(), Cfg, "scale", "u")


def test_write_config_takes_a_constant_a_stride_or_a_scalar_variable():
    from exo.API_scheduling import write_config

    gap = local.find("t = _").after()
    assert "Cfg.scale = 2.5" in str(write_config(local, gap, Cfg, "scale", "2.5"))
    with pytest.raises(TypeError, match="cannot write non-real-scalar non-boolean value x\\[0\\]"):
        write_config(local, gap, Cfg, "scale", "x[0]")
    with pytest.raises(TypeError, match="expected the rhs to be read, stride expression, or constant"):
        write_config(local, gap, Cfg, "scale", "t * 2.0")


def test_config_value_varying_with_the_loop_through_a_variable_is_refused():
    with pytest.raises(TypeError, match="may depend on the loop iterator 'i'.*does not depend on loop iterations"):

        @proc
        def f(n: size, x: f32[n] @ DRAM):
            for i in seq(0, n):
                t: f32 @ DRAM
                t = x[i]
                Cfg.scale = t


@config
class Gain:
    g: f32


@proc
def double_it(n: size, x: f32[n] @ DRAM):
    for i in seq(0, n):
        x[i] = x[i] * 2.0


# The same loop, also leaving Gain.g = 2.0 for whoever runs next.
double_it_cfg = exo.stdlib.scheduling.write_config(double_it, double_it.body().before(), Gain, "g", "2.0")


@proc
def reads_after(n: size, x: f32[n] @ DRAM, y: f32[1] @ DRAM):
    double_it(n, x)
    y[0] = Gain.g


@proc
def writes_after(n: size, x: f32[n] @ DRAM, y: f32[1] @ DRAM):
    double_it(n, x)
    Gain.g = 3.0
    y[0] = Gain.g


@proc
def leaves_it(n: size, x: f32[n] @ DRAM):
    double_it(n, x)


@proc
def calls_leaves_it(n: size, x: f32[n] @ DRAM, y: f32[1] @ DRAM):
    leaves_it(n, x)
    y[0] = Gain.g


def test_call_eqv_modulo_the_config_fields_a_proc_changes():
    from exo.stdlib.scheduling import call_eqv

    # Equivalent but for Gain.g: swapped only where no one reads Gain.g next.
    assert double_it_cfg.is_eq(double_it)
    with pytest.raises(exo.SchedulingError, match="may leave 'Gain.g' different") as e:
        call_eqv(reads_after, "double_it(_)", double_it_cfg)
    assert ">   y[0] = Gain.g  # <-- here" in str(e.value)
    p = call_eqv(writes_after, "double_it(_)", double_it_cfg)
    x = np.arange(1, 6, dtype=np.float32)
    want, got = (x.copy(), np.zeros(1, np.float32)), (x.copy(), np.zeros(1, np.float32))
    writes_after.interpret(n=5, x=want[0], y=want[1])
    p.interpret(n=5, x=got[0], y=got[1])
    np.testing.assert_array_equal(want[0], got[0])
    np.testing.assert_array_equal(want[1], got[1])
    # Nothing after the call reads Gain.g, but leaves_it's own caller may: the
    # swap is accepted and leaves_it is now equivalent to its original only
    # modulo Gain.g, which its caller reads.
    q = call_eqv(leaves_it, "double_it(_)", double_it_cfg)
    assert q.is_eq(leaves_it)
    with pytest.raises(exo.SchedulingError, match="may leave 'Gain.g' different"):
        call_eqv(calls_leaves_it, "leaves_it(_)", q)


@proc
def sets_then_reads(n: size, x: f32[n] @ DRAM, y: f32[1] @ DRAM):
    Gain.g = 2.0
    double_it(n, x)
    y[0] = Gain.g


def test_call_eqv_where_the_field_keeps_its_value():
    # double_it_cfg writes Gain.g = 2.0, the value it already holds here: the
    # later read sees no difference.
    from exo.stdlib.scheduling import call_eqv

    p = call_eqv(sets_then_reads, "double_it(_)", double_it_cfg)
    x = np.arange(1, 4, dtype=np.float32)
    want, got = (x.copy(), np.zeros(1, np.float32)), (x.copy(), np.zeros(1, np.float32))
    sets_then_reads.interpret(n=3, x=want[0], y=want[1])
    p.interpret(n=3, x=got[0], y=got[1])
    np.testing.assert_array_equal(want[1], got[1])
    # With another value held there, the read would see the change.
    q = exo.stdlib.scheduling.write_config(double_it, double_it.body().before(), Gain, "g", "5.0")
    with pytest.raises(exo.SchedulingError, match="may leave 'Gain.g' different"):
        call_eqv(sets_then_reads, "double_it(_)", q)


@config
class Unit:
    scale: f32
    stride: index


@proc
def set_unit(s: f32, st: index):
    Unit.scale = s
    Unit.stride = st


@proc
def scaled_copy(n: size, s: f32, x: f32[n] @ DRAM, y: f32[n] @ DRAM):
    set_unit(s, 1)
    for i in seq(0, n):
        y[i] = x[i] * Unit.scale
    set_unit(s, 1)
    for i in seq(0, n):
        y[i] += x[i] * Unit.scale


def test_delete_config_of_a_call_that_only_writes_configs():
    from exo.stdlib.scheduling import delete_config

    # The second set_unit writes what the fields already hold (s, 1): gone.
    p = delete_config(scaled_copy, "set_unit(_) #1")
    assert str(p).count("set_unit(") == 1
    x = np.arange(1, 6, dtype=np.float32)
    s = np.array([1.5], np.float32)
    want, got = np.zeros(5, np.float32), np.zeros(5, np.float32)
    scaled_copy.interpret(n=5, s=s, x=x, y=want)
    p.interpret(n=5, s=s, x=x, y=got)
    np.testing.assert_array_equal(want, got)
    # The first one's values are read by the loop after it: refused.
    with pytest.raises(exo.SchedulingError, match="cannot delete the call: it writes 'Unit.scale'"):
        delete_config(scaled_copy, "set_unit(_) #0")
    # A call that also computes is not a config write.
    with pytest.raises(exo.SchedulingError, match="only writes config fields"):
        delete_config(reads_after, "double_it(_)")


@config
class Mode:
    j: index


def test_fuse_loops_that_write_one_constant_to_a_field():
    from exo.stdlib.scheduling import fuse

    @proc
    def both_zero(n: size, x: f32[n] @ DRAM):
        for i in seq(0, n):
            Mode.j = 0
            x[i] = 1.0
        for j in seq(0, n):
            Mode.j = 0

    p = fuse(both_zero, "for i in _:_", "for j in _:_")
    assert str(p).count("Mode.j = 0") == 2 and str(p).count("for ") == 1

    # Different values: the last write wins, and fusion would change which.
    @proc
    def zero_then_one(n: size):
        for i in seq(0, n):
            Mode.j = 0
        for j in seq(0, n):
            Mode.j = 1

    with pytest.raises(exo.SchedulingError, match="cannot fuse loops"):
        fuse(zero_then_one, "for i in _:_", "for j in _:_")

    # A read of the field sees the order (only x[0] is set before fusion,
    # every x[i] after): refused.
    @proc
    def zero_then_read(n: size, x: f32[n] @ DRAM):
        for i in seq(0, n):
            Mode.j = 0
        for j in seq(0, n):
            if Mode.j == 0:
                x[j] = 2.0
            Mode.j = 1

    with pytest.raises(exo.SchedulingError, match="cannot fuse loops"):
        fuse(zero_then_read, "for i in _:_", "for j in _:_")
