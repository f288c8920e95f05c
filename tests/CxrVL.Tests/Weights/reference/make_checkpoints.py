"""Writes the PyTorch checkpoints the weights tests read, and checks safetensors files CxrVL wrote.

make OUT      torch.save files (zip and legacy) with many dtypes and storage layouts, the raw bytes each tensor must
              have (OUT/expected/NAME.bin, row-major little-endian) and their dtypes and shapes (OUT/expected.json);
              Lightning-like, malicious and damaged files.
check FILE EXPECTED_DIR
              parses a safetensors file by the format's specification (struct + json, no safetensors package) and
              compares every tensor's dtype, shape and bytes with EXPECTED_DIR; prints "ok N" or the first difference.
"""
import argparse
import collections
import io
import json
import os
import pickle
import shutil
import struct
import subprocess
import sys
import zipfile

import torch

DTYPES = {torch.float64: "F64", torch.float32: "F32", torch.float16: "F16", torch.bfloat16: "BF16",
          torch.int64: "I64", torch.int32: "I32", torch.int16: "I16", torch.int8: "I8", torch.uint8: "U8",
          torch.bool: "BOOL"}


def raw_bytes(t):
    """Row-major bytes of the tensor's values, independent of its storage layout."""
    c = t.detach().contiguous().reshape(-1)
    if c.dtype in (torch.bfloat16, torch.float16):
        c = c.view(torch.int16)
    elif c.dtype == torch.bool:
        c = c.view(torch.uint8)
    return c.numpy().tobytes()


def state_dict():
    g = torch.Generator().manual_seed(1234)
    big = torch.randn(10, 6, generator=g)
    shared = torch.randn(6, generator=g)
    sd = collections.OrderedDict()
    sd["f32"] = torch.randn(3, 4, generator=g)
    sd["f64"] = torch.randn(3, generator=g, dtype=torch.float64)
    sd["f16"] = torch.randn(5, generator=g).half()
    sd["bf16"] = torch.randn(2, 3, generator=g).bfloat16()
    sd["i64"] = torch.arange(-5, 5)
    sd["i32"] = torch.tensor([-(2 ** 31), 7, 2 ** 31 - 1], dtype=torch.int32)
    sd["i16"] = torch.tensor([-300, 0, 300], dtype=torch.int16)
    sd["i8"] = torch.tensor([-128, 0, 127], dtype=torch.int8)
    sd["u8"] = torch.randint(0, 256, (4, 4), generator=g, dtype=torch.uint8)
    sd["bool"] = torch.randn(7, generator=g) > 0
    sd["scalar"] = torch.tensor(3.5)
    sd["empty"] = torch.zeros(0, 5)
    sd["big"] = big
    sd["big_slice"] = big[2:5, 1:4]          # offset into a shared storage, non-contiguous
    sd["big_row"] = big[7]                   # offset, contiguous
    sd["transposed"] = torch.randn(4, 3, generator=g).t()
    sd["shared_a"] = shared
    sd["shared_b"] = shared.view(2, 3)       # same storage as shared_a
    sd["expanded"] = torch.randn(1, 3, generator=g).expand(4, 3)   # stride 0
    sd["half_slice"] = torch.randn(8, generator=g).half()[1::2]    # step 2 in a float16 storage
    sd["param"] = torch.nn.Parameter(torch.randn(2, 2, generator=g))
    sd["nested.inner.w"] = torch.randn(2, generator=g)
    return sd


class Payload:
    """Pickles as a call of `func(*args)`: what a malicious checkpoint does."""

    def __init__(self, func, args):
        self.func, self.args = func, args

    def __reduce__(self):
        return self.func, self.args


class HParams:
    """Stands for a user class in Lightning hyper_parameters (a non-whitelisted global)."""

    def __init__(self):
        self.lr, self.name = 1e-4, "demo"


def make(out):
    os.makedirs(os.path.join(out, "expected"), exist_ok=True)
    sd = state_dict()
    manifest = collections.OrderedDict()
    for name, t in sd.items():
        with open(os.path.join(out, "expected", name + ".bin"), "wb") as f:
            f.write(raw_bytes(t))
        manifest[name] = {"dtype": DTYPES[t.dtype], "shape": list(t.shape)}
    with open(os.path.join(out, "expected.json"), "w") as f:
        json.dump(manifest, f)

    checkpoint = {"model": sd, "epoch": 3, "meta": {"name": "demo", "values": [1, 2.5, "x", None, True]}}
    torch.save(checkpoint, os.path.join(out, "zip.pt"))
    torch.save(checkpoint, os.path.join(out, "legacy.pt"), _use_new_zipfile_serialization=False)
    torch.save({"state_dict": {"encoder": {"layer": {"weight": torch.ones(2, 2)}}, "head.bias": torch.zeros(2)},
                "epoch": 1}, os.path.join(out, "nested.pt"))

    import argparse as ap
    lightning = {"epoch": 4, "global_step": 100, "pytorch-lightning_version": "1.9.0",
                 "state_dict": collections.OrderedDict([("net.weight", torch.ones(3, 2)), ("net.bias", torch.zeros(3))]),
                 "hyper_parameters": {"args": ap.Namespace(lr=1e-4, batch_size=8), "lr": 1e-4}}
    torch.save(lightning, os.path.join(out, "lightning.ckpt"))
    lightning["hyper_parameters"]["custom"] = HParams()
    torch.save(lightning, os.path.join(out, "lightning_custom.ckpt"))

    marker = os.path.join(out, "pwned")
    for name, func, args in [("os", os.system, ("touch " + marker,)),
                             ("eval", eval, ("open(%r, 'w').close()" % marker,)),
                             ("popen", subprocess.Popen, (["touch", marker],))]:
        torch.save({"weight": torch.ones(2), "payload": Payload(func, args)}, os.path.join(out, f"evil_{name}.pt"))
    with open(os.path.join(out, "evil_raw.pkl"), "wb") as f:
        pickle.dump(Payload(os.system, ("touch " + marker,)), f, protocol=2)

    data = open(os.path.join(out, "zip.pt"), "rb").read()
    with open(os.path.join(out, "truncated.pt"), "wb") as f:
        f.write(data[: len(data) // 2])

    # The same archive with its first storage cut to half its bytes.
    with zipfile.ZipFile(os.path.join(out, "zip.pt")) as source, \
            zipfile.ZipFile(os.path.join(out, "short_storage.pt"), "w", zipfile.ZIP_STORED) as target:
        first = min((i for i in source.infolist() if "/data/" in i.filename), key=lambda i: i.header_offset)
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == first.filename:
                content = content[: len(content) // 2]
            target.writestr(info.filename, content)


def check(path, expected_dir):
    manifest = json.load(open(expected_dir + ".json"))
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n).decode("utf-8"))
        data = f.read()
    header.pop("__metadata__", None)
    if list(header) != list(manifest):
        return f"names differ: {list(header)} vs {list(manifest)}"
    for name, want in manifest.items():
        entry = header[name]
        begin, end = entry["data_offsets"]
        if entry["dtype"] != want["dtype"] or entry["shape"] != want["shape"]:
            return f"{name}: {entry['dtype']} {entry['shape']} vs {want['dtype']} {want['shape']}"
        if data[begin:end] != open(os.path.join(expected_dir, name + ".bin"), "rb").read():
            return f"{name}: bytes differ"
    return f"ok {len(manifest)}"


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("make").add_argument("out")
    c = sub.add_parser("check")
    c.add_argument("file")
    c.add_argument("expected")
    a = parser.parse_args()
    if a.command == "make":
        make(a.out)
    else:
        print(check(a.file, a.expected))
