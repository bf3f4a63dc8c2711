"""AMX_TILE: the 8 AMX tile registers of x86 (each at most 16 rows of 64 bytes).

A tile buffer is a register number, given out while C is generated (`#define
name N`); the AMX instructions take that number."""

from ..memory import MemGenError, StaticMemory

_C_SIZES = {"float": 4, "double": 8, "int8_t": 1, "int32_t": 4, "int_fast32_t": 4}


class AMX_TILE(StaticMemory):
    NUM_AMX_TILES = 8
    tile_dict = {}

    @classmethod
    def reset_allocations(cls):
        """Frees every tile (after code generation that stopped half-way)."""
        cls.init_state(cls.NUM_AMX_TILES)
        cls.tile_dict = {}

    @classmethod
    def global_(cls):
        return "#include <immintrin.h>"

    @classmethod
    def can_read(cls):
        return False

    @classmethod
    def alloc(cls, new_name, prim_type, shape, srcinfo):
        # A tile is rows x bytes: the first dimension counts rows, the others
        # (e.g. [m, n, 4] for dpbssd's groups of four bytes) make up a row.
        if len(shape) < 2:
            raise MemGenError(f"{srcinfo}: an AMX tile needs at least two dimensions (rows, columns)")
        rows, *cols = (str(s) for s in shape)
        if not (rows.isdecimal() and int(rows) <= 16):
            raise MemGenError("Number of tile rows must be a constant and <= 16.")
        if not all(c.isdecimal() for c in cols):
            raise MemGenError("Number of bytes per row must be a constant and <= 64.")
        row_bytes = _C_SIZES.get(prim_type, 4)
        for c in cols:
            row_bytes *= int(c)
        if row_bytes > 64:
            raise MemGenError("Number of bytes per row must be a constant and <= 64, currently "
                              f"trying to allocate {row_bytes} bytes per row.")
        tile = cls.find_free_chunk()
        cls.mark(tile)
        cls.tile_dict[new_name] = tile
        return f"#define {new_name} {tile}"

    @classmethod
    def free(cls, new_name, prim_type, shape, srcinfo):
        cls.unmark(cls.tile_dict.pop(new_name))
        return f"#undef {new_name}"


AMX_TILE.__module__ = "exo.libs.memories"
AMX_TILE.reset_allocations()
