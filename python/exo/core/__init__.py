"""exo.core: where exo-lang keeps its compiler's core objects. The compiler here is
C++ (exo._core); this package gives the names users import from it."""
