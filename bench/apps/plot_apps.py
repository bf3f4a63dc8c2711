"""Throughput of each contender per app, size and thread count, from apps_bench's CSV:
one panel per app, grouped bars (log scale: the unscheduled code is far behind)."""
import csv
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def main(csv_path, png_path):
    apps = {}  # app -> {(size, threads): {impl: rate}}, in CSV order
    units = {}
    with open(csv_path) as f:
        for row in csv.DictReader(f):
            group = (row["size"], int(row["threads"]))
            apps.setdefault(row["app"], {}).setdefault(group, {})[row["impl"]] = float(row["rate"])
            units[row["app"]] = row["unit"]
    fig, axes = plt.subplots(1, len(apps), figsize=(5 * len(apps), 4.5), squeeze=False)
    for ax, (app, groups) in zip(axes[0], apps.items()):
        keys = list(groups)  # CSV order: sizes as run, 1 thread first
        impls = list(dict.fromkeys(i for g in keys for i in groups[g]))
        width = 0.8 / len(impls)
        for k, impl in enumerate(impls):
            shift = (k - (len(impls) - 1) / 2) * width
            xs = [j + shift for j, g in enumerate(keys) if impl in groups[g]]
            ys = [groups[g][impl] for g in keys if impl in groups[g]]
            ax.bar(xs, ys, width, label=impl)
        ax.set_xticks(range(len(keys)))
        ax.set_xticklabels([f"{s}\n{t} thr" for s, t in keys], fontsize=8)
        ax.set_yscale("log")
        ax.set_ylabel(units[app])
        ax.set_title(app)
        ax.grid(True, axis="y", alpha=0.3)
        ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(png_path, dpi=120)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
