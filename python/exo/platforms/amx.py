"""Intel AMX (tiles and int8 dot products) as Exo instructions, under the names
and signatures of exo-lang's AMX instructions: `config`, `ld_i8`, `ld_i32`,
`ld_i8_3d`, `st_i8`, `st_i32`, `zero_i32`, `dpbssd` and `dpbssd_3d`, with the
tile memory AMX_TILE.

`config()` must run before the other instructions: it loads a palette 1
configuration that gives each of the tiles 0..7 16 rows of 64 bytes, so an
instruction always moves or multiplies whole 16 x 64-byte tiles.
A tile argument stands for a whole tile buffer (the C names the tile register,
not a window of it): pass the tile buffer itself, as `replace` does after
`stage_mem`, declared with the instruction's shape.

Where exo-lang's C templates do not do what the instruction bodies say, these
follow the bodies:

- A load or store of fewer than 16 rows or 64 bytes per row goes through a
  zeroed 16 x 64-byte copy in C. exo-lang's templates move the whole tile
  straight from or to the DRAM window, so they read past its end and a store
  overwrites memory outside it. Whole tiles still compile to one
  `_tile_loadd` / `_tile_stored` on the window, as in exo-lang.
- Since a load zeroes the bytes of the tile outside the loaded block,
  `dpbssd` with K < 16 adds only zero products for the groups past K, and does
  what its body says (exo-lang's adds whatever the tile held there).
- A load passes its address through a compiler barrier (`exo_amx_in`): GCC's
  `_tile_loadd` does not tell the compiler that it reads memory, and GCC 12
  at -O1 dropped the stores of the zeroed copy before it. Stores to a DRAM
  block could likewise move past a load of it.
- The DRAM argument of a load or store must have unit stride in its last
  dimension (`assert stride(src, 1) == 1`): the instructions move contiguous
  rows.
- `dpbssd` and `dpbssd_3d` require N <= 16 (exo-lang's state M <= 16 twice).
- `config` puts its table in a block of its own, so it can be called more
  than once in a C function.

On Linux a process must ask for the AMX state before its first tile
instruction (`amx_request_permission()` in lib/platforms/amx_model/amx_model.h
does it). That header also runs the generated C on CPUs without AMX."""

from __future__ import annotations

from .. import instr
from ..memory import DRAM
from .amx_memories import AMX_TILE


def _config_table():
    # LDTILECFG's 64 bytes: palette 1, start row 0, the bytes per row of each
    # tile at 16 + 2t (little-endian 16 bits), its rows at 48 + t.
    table = [0] * 64
    table[0] = 1
    for tile in range(8):
        table[16 + 2 * tile] = 64
        table[48 + tile] = 16
    rows = [", ".join(str(b) for b in table[i:i + 16]) for i in range(0, 64, 16)]
    return ",\n        ".join(rows)


# Braces are doubled: the template is formatted with the call's arguments.
_CONFIG = (
    "{{\n"
    "    static const unsigned char exo_amx_config[64] = {{\n"
    "        " + _config_table() + "\n"
    "    }};\n"
    "    _tile_loadconfig(exo_amx_config);\n"
    "}}"
)

# A tile holds the block it was loaded with, zero-padded to 16 x 64 bytes; a
# smaller block is copied through `pad`. Sizes and strides are in bytes.
# GCC's _tile_loadd does not tell the compiler that it reads memory, so the
# address it loads from goes through exo_amx_in: the stores to it happen first.
_PARTIAL_TILES = r"""#include <string.h>
static inline const void *exo_amx_in(const void *src) {
#if defined(__GNUC__)
    __asm__ volatile("" : : "r"(src) : "memory");
#endif
    return src;
}
static inline const void *exo_amx_pad(unsigned char pad[1024], const void *src, long stride,
                                      long rows, long row_bytes) {
    memset(pad, 0, 1024);
    for (long r = 0; r < rows; r++)
        memcpy(pad + 64 * r, (const unsigned char *)src + r * stride, (size_t)row_bytes);
    return exo_amx_in(pad);
}
static inline void exo_amx_unpad(const unsigned char pad[1024], void *dst, long stride,
                                 long rows, long row_bytes) {
    for (long r = 0; r < rows; r++)
        memcpy((unsigned char *)dst + r * stride, pad + 64 * r, (size_t)row_bytes);
}"""


def _move(tile_insn, row_bytes, scale):
    """C moving an m-row block of `row_bytes` bytes per row between the DRAM
    argument (`src` of a load, `dst` of a store, elements of `scale` bytes) and
    a tile: straight when it is a whole tile, else through a zeroed copy."""
    data = "src" if tile_insn == "load" else "dst"
    stride = f"{scale}*{{{data}}}.strides[0]" if scale != 1 else f"{{{data}}}.strides[0]"
    whole = f"if ({{m}} == 16 && {row_bytes} == 64) "
    if tile_insn == "load":
        return (whole + f"_tile_loadd({{dst_int}}, exo_amx_in({{src}}.data), {stride}); "
                f"else {{{{ unsigned char exo_amx_buf[1024]; _tile_loadd({{dst_int}}, "
                f"exo_amx_pad(exo_amx_buf, {{src}}.data, {stride}, {{m}}, {row_bytes}), 64); }}}}")
    return (whole + f"_tile_stored({{src_int}}, {{dst}}.data, {stride}); "
            f"else {{{{ unsigned char exo_amx_buf[1024]; _tile_stored({{src_int}}, exo_amx_buf, 64); "
            f"exo_amx_unpad(exo_amx_buf, {{dst}}.data, {stride}, {{m}}, {row_bytes}); }}}}")


# --------------------------------------------------------------------------- #
#   Configuration
# --------------------------------------------------------------------------- #


@instr(_CONFIG)
def config():
    # Configures tiles 0..7 as 16 rows of 64 bytes (and zeroes them).
    pass


# --------------------------------------------------------------------------- #
#   Loads, stores, zero
# --------------------------------------------------------------------------- #


@instr(_move("load", "{n}", 1), _PARTIAL_TILES)
def ld_i8(m: size, n: size, src: [i8][m, n] @ DRAM, dst: [i8][m, n] @ AMX_TILE):
    assert m <= 16
    assert n <= 64
    assert stride(src, 1) == 1
    for i in seq(0, m):
        for j in seq(0, n):
            dst[i, j] = src[i, j]


@instr(_move("load", "4*{n}", 4), _PARTIAL_TILES)
def ld_i32(m: size, n: size, src: [i32][m, n] @ DRAM, dst: [i32][m, n] @ AMX_TILE):
    assert m <= 16
    assert n <= 16
    assert stride(src, 1) == 1
    for i in seq(0, m):
        for j in seq(0, n):
            dst[i, j] = src[i, j]


# Row i of the tile holds n groups of 4 bytes: the layout dpbssd_3d reads.
@instr(_move("load", "4*{n}", 1), _PARTIAL_TILES)
def ld_i8_3d(n: size, m: size, src: [i8][m, 4 * n] @ DRAM, dst: [i8][m, n, 4] @ AMX_TILE):
    assert n <= 16
    assert m <= 16
    assert stride(src, 1) == 1
    for i in seq(0, m):
        for j in seq(0, n):
            for b in seq(0, 4):
                dst[i, j, b] = src[i, 4 * j + b]


@instr(_move("store", "{n}", 1), _PARTIAL_TILES)
def st_i8(m: size, n: size, src: [i8][m, n] @ AMX_TILE, dst: [i8][m, n] @ DRAM):
    assert m <= 16
    assert n <= 64
    assert stride(dst, 1) == 1
    for i in seq(0, m):
        for j in seq(0, n):
            dst[i, j] = src[i, j]


@instr(_move("store", "4*{n}", 4), _PARTIAL_TILES)
def st_i32(m: size, n: size, src: [i32][m, n] @ AMX_TILE, dst: [i32][m, n] @ DRAM):
    assert m <= 16
    assert n <= 16
    assert stride(dst, 1) == 1
    for i in seq(0, m):
        for j in seq(0, n):
            dst[i, j] = src[i, j]


@instr("_tile_zero({tile_int});")
def zero_i32(m: size, n: size, tile: [i32][m, n] @ AMX_TILE):
    assert m <= 16
    assert n <= 16
    for i in seq(0, m):
        for j in seq(0, n):
            tile[i, j] = 0


# --------------------------------------------------------------------------- #
#   Dot products of signed bytes
# --------------------------------------------------------------------------- #

# dst[i, j] += the sum, over the K groups k, of the 4 products of byte b of
# group k of row i of src1 and byte b of group j of row k of src2, in i32.
_DPBSSD = "_tile_dpbssd({dst_int}, {src1_int}, {src2_int});"


@instr(_DPBSSD)
def dpbssd(
    M: size,
    K: size,
    N: size,
    src1: [i8][M, 4 * K] @ AMX_TILE,
    src2: [i8][K, 4 * N] @ AMX_TILE,
    dst: [i32][M, N] @ AMX_TILE,
):
    assert M <= 16
    assert K <= 16
    assert N <= 16
    for i in seq(0, M):
        for j in seq(0, N):
            for k in seq(0, K):
                for b in seq(0, 4):
                    x: i32
                    y: i32
                    x = src1[i, 4 * k + b]
                    y = src2[k, 4 * j + b]
                    dst[i, j] += x * y


@instr(_DPBSSD)
def dpbssd_3d(
    M: size,
    K: size,
    N: size,
    src1: [i8][M, K, 4] @ AMX_TILE,
    src2: [i8][K, N, 4] @ AMX_TILE,
    dst: [i32][M, N] @ AMX_TILE,
):
    assert M <= 16
    assert K <= 16
    assert N <= 16
    for i in seq(0, M):
        for j in seq(0, N):
            for k in seq(0, K):
                for b in seq(0, 4):
                    x: i32
                    y: i32
                    x = src1[i, k, b]
                    y = src2[k, j, b]
                    dst[i, j] += x * y


__all__ = ["AMX_TILE", "DRAM", "config", "ld_i8", "ld_i32", "ld_i8_3d", "st_i8", "st_i32",
           "zero_i32", "dpbssd", "dpbssd_3d"]
