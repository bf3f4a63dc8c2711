// Halide generators for the app benchmark: blur and unsharp with the same math
// and boundary convention as apps/x86/halide/{blur,unsharp}.py, scheduled the
// way Halide's own apps/blur and apps/unsharp schedule them for CPUs.
// Built against Debian's libHalide14 and linked with its GenGen.cpp; the
// GeneratorParam `parallel` drops .parallel() for the single-thread variant.
#include <cmath>

#include "Halide.h"

using namespace Halide;

namespace {

// Halide's apps/blur (halide_blur_generator.cpp). Output W x H from a
// (W+2) x (H+2) input, no boundary condition: same as blur.py. blur.py's
// sums are exact (C adds 16-bit values in int), so the sums here are
// widened to 32 bits; `wrap16` keeps Halide's app as written, whose 16-bit
// sums wrap above 65535 (the same results on 8-bit image data).
class AppsBlur : public Generator<AppsBlur> {
 public:
  GeneratorParam<bool> parallel{"parallel", true};
  GeneratorParam<bool> wrap16{"wrap16", false};

  Input<Buffer<uint16_t, 2>> input{"input"};
  Output<Buffer<uint16_t, 2>> blur_y{"blur_y"};

  void generate() {
    Func blur_x("blur_x");
    Var x("x"), y("y"), yi("yi");

    if (wrap16) {
      blur_x(x, y) = (input(x, y) + input(x + 1, y) + input(x + 2, y)) / 3;
      blur_y(x, y) = (blur_x(x, y) + blur_x(x, y + 1) + blur_x(x, y + 2)) / 3;
    } else {
      auto wide = [](Expr e) { return cast<uint32_t>(e); };
      blur_x(x, y) = cast<uint16_t>((wide(input(x, y)) + input(x + 1, y) + input(x + 2, y)) / 3);
      blur_y(x, y) = cast<uint16_t>((wide(blur_x(x, y)) + blur_x(x, y + 1) + blur_x(x, y + 2)) / 3);
    }

    // Halide's CPU schedule: strips of 32 rows in parallel; blur_x computed
    // per output vector but stored per strip, so sliding-window/storage
    // folding turn it into a small circular buffer reused down the strip.
    blur_y.split(y, y, yi, 32).vectorize(x, 16);
    if (parallel) blur_y.parallel(y);
    blur_x.store_at(blur_y, y).compute_at(blur_y, x).vectorize(x, 16);

    // Planar 2-D, x dense; our buffers start at (0, 0).
    input.dim(0).set_stride(1);
    blur_y.dim(0).set_stride(1);
  }
};

// Halide's apps/unsharp (unsharp_generator.cpp) manual CPU schedule. Instead of
// the app's repeat_edge, the input carries a 3-pixel margin (x, y from -3),
// as unsharp.py's input[3][H+6][W+6] does; the output is W x H x 3, planar.
class AppsUnsharp : public Generator<AppsUnsharp> {
 public:
  GeneratorParam<bool> parallel{"parallel", true};

  Input<Buffer<float, 3>> input{"input"};
  Output<Buffer<float, 3>> output{"output"};

  void generate() {
    Var x("x"), y("y"), c("c");

    // The taps as unsharp.py computes them: in double, rounded to float.
    const double sigma = 1.5, pi = 3.14159265358979323846;
    float k[4];
    for (int i = 0; i < 4; i++)
      k[i] = (float)(std::exp(-i * i / (2 * sigma * sigma)) / (std::sqrt(2 * pi) * sigma));

    Func gray("gray");
    gray(x, y) = 0.299f * input(x, y, 0) + 0.587f * input(x, y, 1) + 0.114f * input(x, y, 2);

    Func blur_y("blur_y");
    blur_y(x, y) =
        (k[0] * gray(x, y) + k[1] * (gray(x, y - 1) + gray(x, y + 1)) +
         k[2] * (gray(x, y - 2) + gray(x, y + 2)) + k[3] * (gray(x, y - 3) + gray(x, y + 3)));

    Func blur_x("blur_x");
    blur_x(x, y) = (k[0] * blur_y(x, y) + k[1] * (blur_y(x - 1, y) + blur_y(x + 1, y)) +
                    k[2] * (blur_y(x - 2, y) + blur_y(x + 2, y)) +
                    k[3] * (blur_y(x - 3, y) + blur_y(x + 3, y)));

    Func sharpen("sharpen");
    sharpen(x, y) = 2 * gray(x, y) - blur_x(x, y);

    Func ratio("ratio");
    ratio(x, y) = sharpen(x, y) / gray(x, y);

    output(x, y, c) = ratio(x, y) * input(x, y, c);

    // Halide's schedule: 32-row strips (parallel), gray stored per strip and
    // computed per row (sliding window), blur_y and ratio per row.
    Var yo("yo"), yi("yi");
    const int vec = natural_vector_size<float>();
    output.split(y, yo, yi, 32).vectorize(x, vec).reorder(x, c, yi, yo);
    if (parallel) output.parallel(yo);
    gray.compute_at(output, yi).store_at(output, yo).vectorize(x, vec);
    blur_y.compute_at(output, yi).vectorize(x, vec);
    ratio.compute_at(output, yi).vectorize(x, vec);

    input.dim(0).set_stride(1);
    output.dim(0).set_stride(1);
  }
};

}  // namespace

HALIDE_REGISTER_GENERATOR(AppsBlur, halide_blur)
HALIDE_REGISTER_GENERATOR(AppsUnsharp, halide_unsharp)
