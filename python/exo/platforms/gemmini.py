"""Gemmini (a 16x16 int8 systolic-array matrix accelerator) as Exo instructions
and configs, with its scratchpad and accumulator memories, and the scheduling
helpers of exo-lang's `exo.platforms.gemmini` that Gemmini kernels use.

The instructions written directly are defined in gemmini.exo and parsed by the
core. The others are made here by scheduling one of those, as exo-lang makes
them: `do_ld_i8` from `ld_i8_prototype`, `zero_acc_i32` from `zero_i8`, the
`_v2` forms by writing the configuration at the top and replacing that write
and the loops by the `config_*` and `do_*` instructions. So each is known to be
equivalent to what it was made from, and `call_eqv` / `replace` can swap one
for another.

Like exo-lang's module, this one also re-exports `proc`, `instr`, `config`,
`DRAM`, the memories, `select` / `relu` and the scheduling library, which the
Gemmini applications pick up with `from exo.platforms.gemmini import *`."""

from __future__ import annotations

from .. import ExoError, SchedulingError, config, instr, proc
from ..libs.externs import relu, select
from ..memory import DRAM
from ..stdlib.scheduling import *  # noqa: F401,F403 (re-exported, as exo-lang's module does)
from . import _library
from .gemmini_memories import GEMM_ACCUM, GEMM_SCRATCH

_procs, _configs = _library.load("gemmini")
_library.export(globals(), _procs, _configs)


# --------------------------------------------------------------------------- #
#   Scheduling helpers used by the Gemmini kernels
# --------------------------------------------------------------------------- #


def lift_config(p, config_str):
    """Moves the statement `config_str` (a config write or config_* call) as far
    out as it goes: to the top of its block, then out of the enclosing loop by
    fissioning the loop after it and removing the loop left around it, and so
    on until a step is refused."""
    config = p.find(config_str)
    while True:
        while True:  # to the top of the block
            try:
                p = reorder_stmts(p, p.forward(config).expand(1, 0))
            except ExoError:
                break
        try:  # out of the loop
            p = fission(p, p.forward(config).after(), unsafe_disable_checks=True)
            p = remove_loop(p, p.forward(config).parent())
        except ExoError:
            return p


def _inline_window(p, pattern):
    """inline_window(p, pattern) on the window statement exo-lang's inline
    leaves for a window argument. Our inline puts the window into the inlined
    body directly, leaving no such statement: then there is nothing to do."""
    try:
        p.find(pattern)
    except SchedulingError:
        return p
    return inline_window(p, pattern)


def set_prec_mem(p, bufname, precision, memory):
    p = set_memory(p, bufname, memory)
    p = set_precision(p, bufname, precision)
    return p


old_split = repeat(divide_loop)
old_reorder = repeat(reorder_loops)
old_unroll = repeat(unroll_loop)


def old_fission_after(proc, stmt_pattern, n_lifts=1):
    def find_stmts(p):
        return [c.after() for c in p.find_all(stmt_pattern)]

    return loop_hack(autofission, find_stmts)(proc, n_lifts)


def old_lift_alloc(proc, stmt_pat, n_lifts=1, mode="row", size=None, keep_dims=True):
    def find_stmts(p):
        return p.find_all(stmt_pat)

    return loop_hack(autolift_alloc, find_stmts)(proc, n_lifts, mode, size, keep_dims)


def split_fission_dim(conv):
    conv = old_split(conv, "ocol", 16, ["ocol_o", "ocol_i"], tail="cut_and_guard")
    conv = old_split(conv, "och", 16, ["och_o", "och_i"], perfect=True)
    conv = old_split(conv, "kch", 16, ["kch_o", "kch_i"], perfect=True)
    conv = old_reorder(conv, "ocol_i och_o")
    conv = old_lift_alloc(conv, "res : _", n_lifts=3)
    conv = old_fission_after(conv, "res[_] = _", n_lifts=3)
    conv = old_fission_after(conv, "for krow in _:_", n_lifts=3)
    conv = old_reorder(conv, "och_i krow")
    conv = old_reorder(conv, "och_i kcol")
    conv = old_reorder(conv, "och_i kch_o")
    conv = old_reorder(conv, "ocol_i krow")
    conv = old_reorder(conv, "ocol_i kcol")
    conv = old_reorder(conv, "ocol_i kch_o")
    conv = old_reorder(conv, "och_o krow")
    conv = simplify(conv)
    conv = old_lift_alloc(conv, "i_s : _", n_lifts=6)
    conv = old_lift_alloc(conv, "w_s : _", n_lifts=1)
    conv = old_lift_alloc(conv, "w_s : _", n_lifts=1, mode="col")
    conv = old_reorder(conv, "och_o kcol")
    conv = old_reorder(conv, "och_o kch_o")
    conv = old_lift_alloc(conv, "w_s : _", n_lifts=3)
    conv = old_fission_after(conv, "w_s = _", n_lifts=5)
    conv = old_fission_after(conv, "i_s = _", n_lifts=5)
    return conv


def replace_div_part(conv):
    conv = replace(conv, "for ocol_i in _:_ #0", ld_acc_i32_vector)
    conv = old_reorder(conv, "och_i kch_i")
    conv = old_reorder(conv, "och_o kch_i")
    conv = replace(conv, "for kch_i in _:_ #0", ld_i8_block_id1)
    conv = old_reorder(conv, "kch_o ocol_i")
    conv = replace(conv, "for ocol_i in _:_ #0", ld_i8_block_id2)
    conv = old_reorder(conv, "kch_i och_i")
    conv = replace(conv, "for ocol_i in _:_ #0", matmul_acc_i8)
    conv = replace(conv, "for ocol_i in _:_ #0", st_acc_i8)
    return conv


def replace_mod_part(conv):
    conv = replace(conv, "for ocol_i in _:_ #0", ld_acc_i32_vector)
    conv = old_reorder(conv, "och_i kch_i")
    conv = replace(conv, "for kch_i in _:_ #0", ld_i8_block_id1)
    conv = replace(conv, "for ocol_i in _:_ #0", ld_i8_block_id2)
    conv = old_reorder(conv, "kch_i och_i")
    conv = replace(conv, "for ocol_i in _:_ #0", matmul_acc_i8)
    conv = replace(conv, "for ocol_i in _:_ #0", st_acc_i8)
    return conv


def matmul_tile(gemmini):
    gemmini = divide_loop(gemmini, "j", 4, ["jo", "ji"], perfect=True)
    gemmini = divide_loop(gemmini, "i", 8, ["io", "i"], perfect=True)
    gemmini = divide_loop(gemmini, "io", 2, ["ioo", "io"], perfect=True)
    gemmini = old_reorder(gemmini, "i jo")
    gemmini = old_reorder(gemmini, "io jo")
    return gemmini


def inline_lift_config(gemmini):
    """Swaps each Gemmini call for its `_v2` form, inlines it and hoists its
    config_* call out of the loops."""
    gemmini = call_eqv(gemmini, "zero_acc_i32(_, _, _)", zero_acc_i32_v2)
    gemmini = inline(gemmini, "zero_acc_i32_v2(_, _, _)")
    gemmini = _inline_window(gemmini, "dst = res[_]")
    gemmini = lift_config(gemmini, "config_zero()")

    gemmini = call_eqv(gemmini, "ld_i8_block_id1(_)", ld_i8_block_id1_v2)
    gemmini = inline(gemmini, "ld_i8_block_id1_v2(_, _, _, _, _)")
    gemmini = _inline_window(gemmini, "src = A[_]")
    gemmini = _inline_window(gemmini, "dst = a[_]")
    gemmini = lift_config(gemmini, "config_ld_i8_id1()")

    gemmini = call_eqv(gemmini, "ld_i8_block_id2(_)", ld_i8_block_id2_v2)
    gemmini = inline(gemmini, "ld_i8_block_id2_v2(_, _, _, _, _)")
    gemmini = _inline_window(gemmini, "src = B[_]")
    gemmini = _inline_window(gemmini, "dst = b[_]")
    gemmini = lift_config(gemmini, "config_ld_i8_id2()")

    gemmini = call_eqv(gemmini, "matmul_acc_i8(_, _, _, _, _)", matmul_acc_i8_v2)
    gemmini = inline(gemmini, "matmul_acc_i8_v2(_, _, _, _, _)")
    gemmini = _inline_window(gemmini, "A = a[_]")
    gemmini = _inline_window(gemmini, "B = b[_]")
    gemmini = _inline_window(gemmini, "C = res[_]")
    gemmini = lift_config(gemmini, "config_matmul()")

    gemmini = call_eqv(gemmini, "st_acc_i8(_, _, _, _, _, _)", st_acc_i8_v2)
    gemmini = inline(gemmini, "st_acc_i8_v2(_, _, _, _, _, _)")
    gemmini = _inline_window(gemmini, "src = res[_]")
    gemmini = _inline_window(gemmini, "dst = C[_]")
    gemmini = lift_config(gemmini, "config_st_acc_i8(_)")
    return gemmini


def replace_gemmini_calls(gemmini):
    gemmini = replace(gemmini, "for i_in in _:_ #0", zero_acc_i32)
    gemmini = replace(gemmini, "for i_in in _:_ #0", ld_i8_block_id1)
    gemmini = replace(gemmini, "for ki in _:_ #0", ld_i8_block_id2)
    gemmini = replace(gemmini, "for i_in in _:_ #0", matmul_acc_i8)
    gemmini = replace(gemmini, "for i_in in _:_ #0", st_acc_i8)
    return gemmini


def fission_inner_blocks(gemmini):
    gemmini = divide_loop(gemmini, "k", 64, ["ko", "k"], perfect=True)
    gemmini = divide_loop(gemmini, "k", 16, ["k", "ki"], perfect=True)
    gemmini = old_lift_alloc(gemmini, "a : i8", n_lifts=3)
    gemmini = old_lift_alloc(gemmini, "a : _ #0", n_lifts=1, mode="col")
    gemmini = old_lift_alloc(gemmini, "a : _", n_lifts=2)
    gemmini = old_reorder(gemmini, "ki j_in_o")
    gemmini = old_reorder(gemmini, "ki j_in_i")
    gemmini = old_lift_alloc(gemmini, "b : i8", n_lifts=2)
    gemmini = old_lift_alloc(gemmini, "b : i8", n_lifts=1, mode="col")
    gemmini = old_lift_alloc(gemmini, "b : _", n_lifts=3)
    gemmini = old_fission_after(gemmini, "a[_] = _", n_lifts=5)
    gemmini = old_fission_after(gemmini, "b[_] = _", n_lifts=5)
    gemmini = old_reorder(gemmini, "j_in_i i_in")
    gemmini = old_reorder(gemmini, "ki i_in")
    gemmini = old_reorder(gemmini, "k i_in")
    gemmini = old_reorder(gemmini, "j_in_i ki")
    gemmini = old_reorder(gemmini, "j_in_o ki")
    gemmini = old_reorder(gemmini, "j_in_i i_in")
    return gemmini


def inline_div_part(conv):
    conv = inline_vector(conv)
    conv = lift_config(conv, "config_ld_acc_i32_vector(_)")
    conv = inline_ld_id1(conv)
    conv = lift_config(conv, "config_ld_i8_id1(_)")
    conv = inline_matmul(conv)
    conv = lift_config(conv, "config_matmul(_)")
    conv = inline_st(conv)
    conv = lift_config(conv, "config_st_acc_i8(_)")
    return conv


def inline_mod_part(conv):
    conv = inline_vector(conv)
    conv = inline_ld_id1(conv)
    conv = inline_matmul(conv)
    conv = inline_st(conv)
    conv = delete_config(conv, "config_ld_acc_i32_vector(_) #1")
    conv = delete_config(conv, "config_ld_i8_id1(_) #1")
    conv = delete_config(conv, "config_matmul(_) #1")
    conv = delete_config(conv, "config_st_acc_i8(_) #1")
    conv = simplify(conv)
    return conv


def set_gemm_memories(conv):
    conv = set_memory(conv, "res", GEMM_ACCUM)
    conv = set_memory(conv, "i_s", GEMM_SCRATCH)
    conv = set_memory(conv, "w_s", GEMM_SCRATCH)
    try:
        conv = set_memory(conv, "res #1", GEMM_ACCUM)
        conv = set_memory(conv, "i_s #1", GEMM_SCRATCH)
        conv = set_memory(conv, "w_s #1", GEMM_SCRATCH)
    except Exception:
        pass  # a kernel with a single part
    return conv


def fission_outer_blocks(gemmini):
    gemmini = old_fission_after(gemmini, "res[_] = 0.0 #0", n_lifts=3)
    gemmini = old_fission_after(gemmini, "for k in _:_ #0", n_lifts=3)
    gemmini = old_reorder(gemmini, "j_in_i j_in_o")
    gemmini = old_reorder(gemmini, "i_in k")
    gemmini = old_reorder(gemmini, "j_in_i k")
    gemmini = old_reorder(gemmini, "j_in_o k")
    return gemmini


def tile_outer_loops(gemmini):
    gemmini = divide_loop(gemmini, "i", 16, ["i", "i_in"], perfect=True)
    gemmini = old_reorder(gemmini, "i_in j")
    gemmini = divide_loop(gemmini, "j", 64, ["j", "j_in"], perfect=True)
    gemmini = divide_loop(gemmini, "j_in", 16, ["j_in_o", "j_in_i"], perfect=True)
    gemmini = old_reorder(gemmini, "j_in_o j_in_i")
    return gemmini


def inline_vector(conv):
    conv = call_eqv(conv, "ld_acc_i32_vector(_)", ld_acc_i32_vector_v2)
    conv = inline(conv, "ld_acc_i32_vector_v2(_)")
    conv = _inline_window(conv, "src = bias[_]")
    conv = _inline_window(conv, "dst = res[_]")
    return conv


def inline_ld_id1(conv):
    conv = call_eqv(conv, "ld_i8_block_id1(_)", ld_i8_block_id1_s2_v2)
    conv = inline(conv, "ld_i8_block_id1_s2_v2(_)")
    conv = _inline_window(conv, "src = weights[_]")
    conv = _inline_window(conv, "dst = w_s[_]")
    return conv


def inline_matmul(conv):
    conv = call_eqv(conv, "matmul_acc_i8(_)", matmul_acc_i8_v2)
    conv = inline(conv, "matmul_acc_i8_v2(_)")
    conv = _inline_window(conv, "A = i_s[_]")
    conv = _inline_window(conv, "B = w_s[_]")
    conv = _inline_window(conv, "C = res[_]")
    return conv


def inline_st(conv):
    conv = call_eqv(conv, "st_acc_i8(_)", st_acc_i8_s2_v2)
    conv = inline(conv, "st_acc_i8_s2_v2(_)")
    conv = _inline_window(conv, "src = res[_]")
    conv = _inline_window(conv, "dst = output[_]")
    return conv


# --------------------------------------------------------------------------- #
#   Loads made from ld_i8_prototype and ld_i8_block
# --------------------------------------------------------------------------- #


def make_do_ld_i8(name, instr_str, assert_str=None, add_pass=False, p=ld_i8_prototype):
    """The load prototype as an instruction `name`; `assert_str` (a
    precondition that may read the load configs) is added, and `add_pass`
    puts a `pass` before the loops."""
    p = make_instr(p, instr_str)
    if assert_str:
        p = p.add_assertion(assert_str, configs=[ConfigLoad, ConfigLoad_id1, ConfigLoad_id2])
    if add_pass:
        p = insert_pass(p, p.find("for i in _: _").before())
    p = rename(p, name)
    return p


_mvin = "gemmini_extended_mvin( &{src_data}, ((uint64_t) &{dst_data}), {m}, {n} );"
_mvin2 = "gemmini_extended_mvin2( &{src_data}, ((uint64_t) &{dst_data}), {m}, {n} );"
_mvin3 = "gemmini_extended_mvin3( &{src_data}, ((uint64_t) &{dst_data}), {m}, {n} );"

do_ld_i8 = make_do_ld_i8("do_ld_i8", _mvin, "stride(src,0) == ConfigLoad.src_stride")
do_ld_i8_id1 = make_do_ld_i8("do_ld_i8_id1", _mvin2, "stride(src,0) == ConfigLoad_id1.src_stride")
do_ld_i8_id2 = make_do_ld_i8("do_ld_i8_id2", _mvin3, "stride(src,0) == ConfigLoad_id2.src_stride")

_gemm_ld_i8 = "gemmini_extended3_config_ld({src}.strides[0]*1, 1.0f, 0, 0);\n" + _mvin
# ld_i8 with a `pass` first: what the ld_i8_* forms below are made from.
ld_i8 = make_do_ld_i8("ld_i8", _gemm_ld_i8, add_pass=True)


def make_do_ld_i8_block(name, instr_str, p=ld_i8_block):
    p = rename(p, name)
    p = make_instr(p, instr_str)
    return p


_block_mvin2 = "gemmini_extended_mvin2( &{src_data}, ((uint64_t) &{dst_data}), 16*{m}, {n} );"
_block_mvin3 = "gemmini_extended_mvin3( &{src_data}, ((uint64_t) &{dst_data}), 16*{m}, {n} );"
do_ld_i8_block_id1 = make_do_ld_i8_block("do_ld_i8_block_id1", _block_mvin2)
do_ld_i8_block_id2 = make_do_ld_i8_block("do_ld_i8_block_id2", _block_mvin3)

_gemm_ld_i8_block_id1 = "gemmini_extended3_config_ld({src}.strides[0]*1, 1.0f, 0, 1);\n" + _block_mvin2
_gemm_ld_i8_block_id2 = "gemmini_extended4_config_ld({src}.strides[0]*1, 1.0f, 0, {n}, 2);\n" + _block_mvin3
# The _v2 forms configure through config_ld_i8_id2, a block stride of 16 rows
# (exo-lang's template keeps ld_i8_block_id2's stride of n rows).
_gemm_ld_i8_block_id2_v2 = "gemmini_extended3_config_ld({src}.strides[0]*1, 1.0f, 0, 2);\n" + _block_mvin3


def make_ld_i8_block(name, ld_id, p=ld_i8_block, stride_val=None):
    """ld_i8_block on load unit `ld_id` (1 or 2). With `stride_val`, the form
    that writes the unit's config (config_ld_i8_id*) then issues the do_ form."""
    if ld_id == 1:
        cfg, do_load, cfg_load, instr_str = ConfigLoad_id1, do_ld_i8_block_id1, config_ld_i8_id1, _gemm_ld_i8_block_id1
    else:
        assert ld_id == 2
        cfg, do_load, cfg_load, instr_str = ConfigLoad_id2, do_ld_i8_block_id2, config_ld_i8_id2, _gemm_ld_i8_block_id2
    if stride_val:
        p = write_config(p, p.body().before(), cfg, "src_stride", stride_val)
        p = replace(p, "for i in _:_", do_load)
        p = replace(p, f"{cfg.name()}.src_stride = _", cfg_load)
        if ld_id == 2:
            instr_str = _gemm_ld_i8_block_id2_v2
    p = rename(p, name)
    p = make_instr(p, instr_str)
    return p


ld_i8_block_id1 = make_ld_i8_block("ld_i8_block_id1", 1)
ld_i8_block_id1_v2 = make_ld_i8_block("ld_i8_block_id1_v2", 1, stride_val="stride(src,0)")
ld_i8_block_id1_s2_v2 = make_ld_i8_block("ld_i8_block_id1_s2_v2", 1, stride_val="stride(src,0)")

ld_i8_block_id2 = make_ld_i8_block("ld_i8_block_id2", 2)
ld_i8_block_id2_v2 = make_ld_i8_block("ld_i8_block_id2_v2", 2, stride_val="stride(src,0)")
ld_i8_block_id2_s2_v2 = make_ld_i8_block("ld_i8_block_id2_s2_v2", 2, stride_val="stride(src,0)")

_gemm_ld_i8_id1 = "gemmini_extended3_config_ld({src}.strides[0]*1, 1.0f, 0, 1);\n" + _mvin2
_gemm_ld_i8_id2 = "gemmini_extended3_config_ld({src}.strides[0]*1, 1.0f, 0, 2);\n" + _mvin3


def make_ld_i8(name, ld_id=0, p=ld_i8, sval=None):
    """ld_i8 on load unit `ld_id` (0, 1 or 2), without its `pass`. With `sval`,
    the form that writes the unit's config then issues the do_ form."""
    if ld_id == 0:
        cfg, do_load, cfg_load, instr_str = ConfigLoad, do_ld_i8, config_ld_i8, _gemm_ld_i8
    elif ld_id == 1:
        cfg, do_load, cfg_load, instr_str = ConfigLoad_id1, do_ld_i8_id1, config_ld_i8_id1, _gemm_ld_i8_id1
    else:
        assert ld_id == 2
        cfg, do_load, cfg_load, instr_str = ConfigLoad_id2, do_ld_i8_id2, config_ld_i8_id2, _gemm_ld_i8_id2
    if sval:
        p = write_config(p, p.body().before(), cfg, "src_stride", sval)
        p = replace(p, "for i in _:_", do_load)
        p = replace(p, f"{cfg.name()}.src_stride = _", cfg_load)
    p = delete_pass(p)
    p = rename(p, name)
    p = make_instr(p, instr_str)
    return p


ld_i8_id1 = make_ld_i8("ld_i8_id1", 1)
ld_i8_id1_v2 = make_ld_i8("ld_i8_id1_v2", 1, sval="stride(src, 0)")
ld_i8_id1_s2_v2 = make_ld_i8("ld_i8_id1_s2_v2", 1, sval="stride(src, 0)")

ld_i8_id2 = make_ld_i8("ld_i8_id2", 2)
ld_i8_id2_v2 = make_ld_i8("ld_i8_id2_v2", 2, sval="stride(src, 0)")
ld_i8_id2_s2_v2 = make_ld_i8("ld_i8_id2_s2_v2", 2, sval="stride(src, 0)")

ld_i8_v2 = make_ld_i8("ld_i8_v2", 0, sval="stride(src,0)")
ld_i8 = make_ld_i8("ld_i8", 0)  # the final ld_i8, without the pass

# i8 values into the i32 accumulator: the load's `shrunk` flag (the third
# argument of config_ld) sign-extends them.
_gemm_ld_acc_i8 = (
    "gemmini_extended3_config_ld({src}.strides[0]*1, 1.0f, 1, 0);\n"
    "gemmini_extended_mvin( &{src_data}, ((uint32_t) &{dst_data}), {m}, {n} );"
)
ld_acc_i8 = rename(ld_i8, "ld_acc_i8")
ld_acc_i8 = set_prec_mem(ld_acc_i8, "dst", "i32", GEMM_ACCUM)
ld_acc_i8 = make_instr(ld_acc_i8, _gemm_ld_acc_i8)


# --------------------------------------------------------------------------- #
#   Fresh copies of configs (exo-lang makes each config by a call)
# --------------------------------------------------------------------------- #


def new_config_ld_acc():
    @config
    class ConfigLoadAcc:
        stride_set: bool

    return ConfigLoadAcc


def new_config_st():
    @config
    class ConfigStore:
        scale: f32
        dst_stride: stride
        act: bool

    return ConfigStore


def new_config_matmul():
    @config
    class ConfigMatmul:
        done: bool

    return ConfigMatmul


# --------------------------------------------------------------------------- #
#   Accumulator loads, stores, zeroing and matmul: the `_v2` forms
# --------------------------------------------------------------------------- #

_gemm_ld_acc_i32_vec = (
    "gemmini_extended3_config_ld(0, 1.0f, 0, 0);\n"
    "gemmini_extended_mvin( ((uint64_t) &{src_data}), ((uint32_t) &{dst_data}), 16, {n} );"
)


def make_ld_acc_i32_vector(name, p=ld_acc_i32_vector):
    p = rename(p, name)
    p = write_config(p, p.body().before(), ConfigLoadAcc, "stride_set", "True")
    p = replace(p, "for i in _:_", do_ld_acc_i32_vector)
    p = replace(p, "ConfigLoadAcc.stride_set = _", config_ld_acc_i32_vector)
    p = make_instr(p, _gemm_ld_acc_i32_vec)
    return p


ld_acc_i32_vector_v2 = make_ld_acc_i32_vector("ld_acc_i32_vector_v2")


def _st_acc_i8_with_configs(p):
    """st_acc_i8's body with its scale and act read from ConfigStore, written
    (with dst_stride) before the loops, then config_st_acc_i8 + do_st_acc_i8."""
    p = bind_config(p, "scale", ConfigStore, "scale")
    p = reorder_stmts(p, "tmp : _ ; ConfigStore.scale = _")
    p = reorder_stmts(p, "src_tmp = _ ; ConfigStore.scale = _")
    p = reorder_stmts(p, "src_tmp : _ ; ConfigStore.scale = _")
    p = old_fission_after(p, "ConfigStore.scale = _", n_lifts=2)
    p = write_config(p, p.find("ConfigStore.scale = _").after(), ConfigStore, "dst_stride", "stride(dst, 0)")
    p = bind_config(p, "act", ConfigStore, "act")
    p = reorder_stmts(p, "clamp(_) ; ConfigStore.act = _")
    p = reorder_stmts(p, "tmp2 : _ ; ConfigStore.act = _")
    p = reorder_stmts(p, "acc_scale(_) ; ConfigStore.act = _")
    p = reorder_stmts(p, "tmp : _ ; ConfigStore.act = _")
    p = reorder_stmts(p, "src_tmp = _ ; ConfigStore.act = _")
    p = reorder_stmts(p, "src_tmp : _ ; ConfigStore.act = _")
    p = old_fission_after(p, "ConfigStore.act = _", n_lifts=2)
    p = replace(p, "for i in _:_", do_st_acc_i8)
    p = replace(p, "ConfigStore.scale = _ ;ConfigStore.dst_stride = _ ;ConfigStore.act = _", config_st_acc_i8)
    return p


def make_st_acc_i8_v2(p=st_acc_i8):
    # exo-lang renames st_acc_i8 itself here, whatever p is.
    return _st_acc_i8_with_configs(rename(st_acc_i8, "st_acc_i8_v2"))


def make_st_acc_i8_s2_v2(p=st_acc_i8):
    return _st_acc_i8_with_configs(rename(p, "st_acc_i8_s2_v2"))


_gemm_st_acc_i8 = (
    "gemmini_extended_config_st({dst}.strides[0]*1, {act}, {scale}[0]);\n"
    "gemmini_extended_mvout( ((uint64_t) &{dst_data}), (uint32_t) &{src_data}, {m}, {n} );"
)
st_acc_i8_v2 = make_st_acc_i8_v2()
st_acc_i8_s2_v2 = make_st_acc_i8_s2_v2()

_gemm_zero = (
    "gemmini_extended3_config_ld(0, 1.0f, 0, 0);\n"
    "gemmini_extended_mvin( 0, ((uint64_t) &{dst_data}),{m}, {n} );"
)
_gemm_do_zero = "gemmini_extended_mvin( 0, ((uint64_t) &{dst_data}),{m}, {n} );"


def make_zero_i8_v2(p=zero_i8):
    p = rename(p, "zero_i8_v2")
    p = write_config(p, p.body().before(), ConfigLoad, "src_stride", "0")
    p = replace(p, "for i in _:_", do_zero_i8)
    p = replace(p, "ConfigLoad.src_stride = _", config_zero)
    return p


zero_i8_v2 = make_zero_i8_v2()

do_zero_acc_i32 = rename(do_zero_i8, "do_zero_acc_i32")
do_zero_acc_i32 = set_prec_mem(do_zero_acc_i32, "dst", "i32", GEMM_ACCUM)
do_zero_acc_i32 = make_instr(do_zero_acc_i32, _gemm_do_zero)
zero_acc_i32 = rename(zero_i8, "zero_acc_i32")
zero_acc_i32 = set_prec_mem(zero_acc_i32, "dst", "i32", GEMM_ACCUM)
zero_acc_i32 = make_instr(zero_acc_i32, _gemm_zero)


def make_zero_acc_i32_v2(p=zero_acc_i32):
    p = rename(p, "zero_acc_i32_v2")
    p = write_config(p, p.body().before(), ConfigLoad, "src_stride", "0")
    p = replace(p, "for i in _:_", do_zero_acc_i32)
    p = replace(p, "ConfigLoad.src_stride = _", config_zero)
    return p


zero_acc_i32_v2 = make_zero_acc_i32_v2()


def del_and_zero(p):
    p = delete_pass(p)
    p = make_instr(p, _gemm_zero)
    return p


zero_i8 = del_and_zero(zero_i8)
zero_i8_v2 = del_and_zero(zero_i8_v2)
zero_acc_i32 = del_and_zero(zero_acc_i32)
zero_acc_i32_v2 = del_and_zero(zero_acc_i32_v2)

_gemm_zero_vec = (
    "gemmini_extended3_config_ld(0, 1.0f, 0, 0);\n"
    "gemmini_extended_mvin( 0, ((uint64_t) &{dst_data}),16, 1 );"
)


def make_zero_i8_vector_v2(p=zero_i8_vector):
    p = rename(p, "zero_i8_vector_v2")
    p = write_config(p, p.body().before(), ConfigLoad, "src_stride", "0")
    p = replace(p, "for i in _:_", do_zero_i8_vector)
    p = replace(p, "ConfigLoad.src_stride = _", config_zero)
    p = delete_pass(p)
    p = make_instr(p, _gemm_zero_vec)
    return p


zero_i8_vector_v2 = make_zero_i8_vector_v2()

_gemm_config_matmul = "gemmini_extended_config_ex(WS, 0, 0, 1, 0, 0);\n"
_gemm_matmul = (
    "gemmini_extended_preload((uint32_t)(&{B_data}), (uint32_t)(&{C_data}), {M}, {K}, {M}, {N});\n"
    "gemmini_extended_compute_preloaded((uint32_t)(&{A_data}), ~((uint32_t)0), {K}, {N}, 16, 16);"
)
_gemm_matmul_acc = (
    "gemmini_extended_preload((uint32_t)(&{B_data}), (uint32_t)(&{C_data}) | 0x40000000, {M}, {K}, {M}, {N});\n"
    "gemmini_extended_compute_preloaded((uint32_t)(&{A_data}), ~((uint32_t)0), {K}, {N}, 16, 16);"
)


def make_matmul_i8_v2(p=matmul_i8):
    p = rename(p, "matmul_i8_v2")
    p = write_config(p, p.body().before(), ConfigMatmul, "done", "True")
    p = replace(p, "for i in _:_", do_matmul_i8)
    p = replace(p, "ConfigMatmul.done = True", config_matmul)
    p = delete_pass(p)
    p = make_instr(p, _gemm_config_matmul + _gemm_matmul)  # exo-lang's omits the config its body has
    return p


def make_matmul_acc_i8_v2(p=matmul_acc_i8):
    p = rename(p, "matmul_acc_i8_v2")
    p = write_config(p, p.body().before(), ConfigMatmul, "done", "True")
    p = replace(p, "for i in _:_", do_matmul_acc_i8)
    p = replace(p, "ConfigMatmul.done = True", config_matmul)
    p = delete_pass(p)
    p = make_instr(p, _gemm_config_matmul + _gemm_matmul_acc)  # exo-lang's omits the config its body has
    return p


matmul_i8_v2 = make_matmul_i8_v2()
matmul_acc_i8_v2 = make_matmul_acc_i8_v2()

__all__ = sorted(name for name in globals() if not name.startswith("_"))
