"""GFLOP/s against size for each contender, from gemm_bench's CSV (square shapes)."""
import csv
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def main(csv_path, png_path):
    series = {}
    with open(csv_path) as f:
        for row in csv.DictReader(f):
            m, n, k = int(row["M"]), int(row["N"]), int(row["K"])
            if m == n == k:
                series.setdefault(row["name"], []).append((m, float(row["gflops"])))
    fig, ax = plt.subplots(figsize=(7, 4.5))
    for name, pts in sorted(series.items()):
        pts.sort()
        ax.plot([p[0] for p in pts], [p[1] for p in pts], marker="o", label=name)
    ax.set_xscale("log", base=2)
    ax.set_xlabel("M = N = K")
    ax.set_ylabel("GFLOP/s (single thread)")
    ax.set_title("SGEMM")
    ax.grid(True, alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(png_path, dpi=120)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
