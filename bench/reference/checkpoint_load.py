"""PyTorch side of the checkpoint benchmark.

make DIR             writes a ViT-B/16-sized state dict (timm names, 86.6 M float32 values, seeded) as DIR/vit_b16.pt
                     (zip, the torch.save default) and DIR/vit_b16_legacy.pt (_use_new_zipfile_serialization=False)
time DIR [--iterations N]
                     prints "variant seconds" lines: torch.load of both files and torch.save of the zip file, each the
                     median of N runs after one warm-up run (so the files are in the page cache for both sides)
"""
import argparse
import collections
import os
import statistics
import time

import torch


def state_dict():
    g = torch.Generator().manual_seed(0)
    dim, depth = 768, 12
    sd = collections.OrderedDict()
    sd["patch_embed.proj.weight"] = torch.randn(dim, 3, 16, 16, generator=g)
    sd["patch_embed.proj.bias"] = torch.randn(dim, generator=g)
    sd["cls_token"] = torch.randn(1, 1, dim, generator=g)
    sd["pos_embed"] = torch.randn(1, 197, dim, generator=g)
    for i in range(depth):
        b = f"blocks.{i}."
        for name, shape in [("norm1.weight", [dim]), ("norm1.bias", [dim]), ("attn.qkv.weight", [3 * dim, dim]),
                            ("attn.qkv.bias", [3 * dim]), ("attn.proj.weight", [dim, dim]), ("attn.proj.bias", [dim]),
                            ("norm2.weight", [dim]), ("norm2.bias", [dim]), ("mlp.fc1.weight", [4 * dim, dim]),
                            ("mlp.fc1.bias", [4 * dim]), ("mlp.fc2.weight", [dim, 4 * dim]), ("mlp.fc2.bias", [dim])]:
            sd[b + name] = torch.randn(*shape, generator=g)
    sd["norm.weight"] = torch.randn(dim, generator=g)
    sd["norm.bias"] = torch.randn(dim, generator=g)
    sd["head.weight"] = torch.randn(1000, dim, generator=g)
    sd["head.bias"] = torch.randn(1000, generator=g)
    return sd


def median_seconds(action, iterations):
    action()
    times = []
    for _ in range(iterations):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("command", choices=["make", "time"])
    parser.add_argument("dir")
    parser.add_argument("--iterations", type=int, default=3)
    a = parser.parse_args()
    zip_path, legacy_path = os.path.join(a.dir, "vit_b16.pt"), os.path.join(a.dir, "vit_b16_legacy.pt")
    if a.command == "make":
        sd = state_dict()
        torch.save(sd, zip_path)
        torch.save(sd, legacy_path, _use_new_zipfile_serialization=False)
    else:
        print(f"# pytorch {torch.__version__} threads {torch.get_num_threads()}")
        print(f"load_zip {median_seconds(lambda: torch.load(zip_path), a.iterations):.4f}")
        print(f"load_legacy {median_seconds(lambda: torch.load(legacy_path), a.iterations):.4f}")
        sd = torch.load(zip_path)
        out = os.path.join(a.dir, "torch_save.pt")
        print(f"save_zip {median_seconds(lambda: torch.save(sd, out), a.iterations):.4f}")
