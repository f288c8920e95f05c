"""Writes the PyTorch checkpoints the weights tests read, and checks safetensors files CxrVL wrote.

make OUT      torch.save files (zip and legacy) with many dtypes and storage layouts, the raw bytes each tensor must
              have (OUT/expected/NAME.bin, row-major little-endian) and their dtypes and shapes (OUT/expected.json);
              Lightning-like, malicious and damaged files.
architectures OUT
              tiny files with the key names and shapes of real backbones and of the reference checkpoint layouts
              (torchvision ResNet-50/101, timm ViT, Hugging Face BERT; PRIOR, MRM, MGCA/MedST per anchors.md §2.7, §4.7,
              §5.4); every tensor is a stride-0 view of one zero, so a file holds one value per tensor.
check-pt FILE EXPECTED_DIR
              torch.load(FILE, weights_only=True) of a .pt file CxrVL wrote, compared the same way
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


class WithTransient(torch.nn.Module):
    """A user module with a non-persistent buffer, which state_dict() leaves out."""

    def __init__(self):
        super().__init__()
        self.scale = torch.nn.Parameter(torch.full((3,), 2.0))
        self.register_buffer("cache", torch.ones(3), persistent=False)

    def forward(self, x):
        return x * self.scale


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
    # Protocol 4 brings FRAME, MEMOIZE, SHORT_BINUNICODE and STACK_GLOBAL instead of protocol 2's opcodes.
    torch.save(checkpoint, os.path.join(out, "protocol4.pt"), pickle_protocol=4)
    torch.save(checkpoint, os.path.join(out, "protocol4_legacy.pt"), pickle_protocol=4, _use_new_zipfile_serialization=False)
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
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.BatchNorm1d(3), WithTransient())
    model(torch.randn(4, 2))  # moves the batch-norm statistics away from their initial values
    torch.save(model, os.path.join(out, "full_model.pt"))
    torch.save(model.state_dict(), os.path.join(out, "full_model_state_dict.pt"))

    cyclic = {}
    cyclic["self"] = cyclic
    torch.save({"w": torch.ones(1), "loop": cyclic}, os.path.join(out, "cyclic.pt"))
    torch.jit.script(torch.nn.Linear(2, 2)).save(os.path.join(out, "torchscript.pt"))

    data = open(os.path.join(out, "legacy.pt"), "rb").read()
    with open(os.path.join(out, "truncated_legacy.pt"), "wb") as f:
        f.write(data[:-100])

    # The same archive with its first storage cut to half its bytes.
    with zipfile.ZipFile(os.path.join(out, "zip.pt")) as source, \
            zipfile.ZipFile(os.path.join(out, "short_storage.pt"), "w", zipfile.ZIP_STORED) as target:
        first = min((i for i in source.infolist() if "/data/" in i.filename), key=lambda i: i.header_offset)
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == first.filename:
                content = content[: len(content) // 2]
            target.writestr(info.filename, content)


def shapes_of(module, prefix=""):
    return [(prefix + name, list(t.shape)) for name, t in module.state_dict().items()]


def vit(prefix, dim=768, depth=12, patch=16, lateral=False, head=None):
    shapes = [("patch_embed.proj.weight", [dim, 3, patch, patch]), ("patch_embed.proj.bias", [dim]),
              ("cls_token", [1, 1, dim]), ("pos_embed", [1, (224 // patch) ** 2 + 1, dim])]
    for i in range(depth):
        b = f"blocks.{i}."
        shapes += [(b + "norm1.weight", [dim]), (b + "norm1.bias", [dim]),
                   (b + "attn.qkv.weight", [3 * dim, dim]), (b + "attn.qkv.bias", [3 * dim]),
                   (b + "attn.proj.weight", [dim, dim]), (b + "attn.proj.bias", [dim])]
        for norm, mlp in [("norm2", "mlp")] + ([("norm2_l", "mlp_l")] if lateral else []):
            shapes += [(b + norm + ".weight", [dim]), (b + norm + ".bias", [dim]),
                       (b + mlp + ".fc1.weight", [4 * dim, dim]), (b + mlp + ".fc1.bias", [4 * dim]),
                       (b + mlp + ".fc2.weight", [dim, 4 * dim]), (b + mlp + ".fc2.bias", [dim])]
    shapes += [("norm.weight", [dim]), ("norm.bias", [dim])]
    if head:
        shapes += [("head.weight", [head, dim]), ("head.bias", [head])]
    return [(prefix + n, s) for n, s in shapes]


def bert(prefix, hidden=768, layers=12, vocab=30522, positions=512, cross=False, pooler=True):
    shapes = [("embeddings.word_embeddings.weight", [vocab, hidden]),
              ("embeddings.position_embeddings.weight", [positions, hidden]),
              ("embeddings.token_type_embeddings.weight", [2, hidden]),
              ("embeddings.LayerNorm.weight", [hidden]), ("embeddings.LayerNorm.bias", [hidden])]

    def attention(p):
        return [(p + f"self.{m}.{w}", [hidden, hidden] if w == "weight" else [hidden])
                for m in ("query", "key", "value") for w in ("weight", "bias")] + \
               [(p + "output.dense.weight", [hidden, hidden]), (p + "output.dense.bias", [hidden]),
                (p + "output.LayerNorm.weight", [hidden]), (p + "output.LayerNorm.bias", [hidden])]

    for i in range(layers):
        l = f"encoder.layer.{i}."
        shapes += attention(l + "attention.")
        if cross:
            shapes += attention(l + "crossattention.")
        shapes += [(l + "intermediate.dense.weight", [4 * hidden, hidden]), (l + "intermediate.dense.bias", [4 * hidden]),
                   (l + "output.dense.weight", [hidden, 4 * hidden]), (l + "output.dense.bias", [hidden]),
                   (l + "output.LayerNorm.weight", [hidden]), (l + "output.LayerNorm.bias", [hidden])]
    if pooler:
        shapes += [("pooler.dense.weight", [hidden, hidden]), ("pooler.dense.bias", [hidden])]
    return [(prefix + n, s) for n, s in shapes]


def projection(prefix, dim_in=768, hidden=2048, out=128):
    return [(prefix + "head.0.weight", [hidden, dim_in]), (prefix + "head.0.bias", [hidden]),
            (prefix + "head.1.weight", [hidden]), (prefix + "head.1.bias", [hidden]),
            (prefix + "head.1.running_mean", [hidden]), (prefix + "head.1.running_var", [hidden]),
            (prefix + "head.1.num_batches_tracked", []), (prefix + "head.3.weight", [out, hidden]),
            (prefix + "head.3.bias", [out])]


def tiny(shapes):
    return collections.OrderedDict((n, torch.zeros(()).expand(s)) for n, s in shapes)


def architectures(out):
    import torchvision
    os.makedirs(out, exist_ok=True)
    resnet50 = shapes_of(torchvision.models.resnet50())
    prior_vision = [(n, [64, 1, 7, 7] if n == "conv1.weight" else s) for n, s in resnet50 if not n.startswith("fc.")]
    files = {
        "resnet50.pt": tiny(resnet50),
        "resnet101.pt": tiny(shapes_of(torchvision.models.resnet101())),
        "resnet18.pt": tiny(shapes_of(torchvision.models.resnet18())),
        "prior_resnet50.pt": tiny(prior_vision),
        "vit_b16.pt": tiny(vit("", head=1000)),
        "vit_s16.pt": {"model": tiny(vit("", dim=384, head=1000))},
        "bert_base.bin": tiny(bert("")),
        "mrm.pth": {"model": tiny(vit("") + [("mask_token", [1, 1, 768]), ("decoder_embed.weight", [768, 768]),
                                            ("decoder_pred.weight", [3072, 768])]
                                  + bert("bert_encoder.model.bert.", hidden=384, layers=6, vocab=30000, positions=100)
                                  + [("bert_mlp.weight", [384, 768])]), "epoch": 199},
        "medst.ckpt": {"epoch": 9, "global_step": 1000, "hyper_parameters": {"emb_dim": 128},
                       "state_dict": tiny(vit("img_encoder_q.model.", lateral=True) + projection("img_encoder_q.global_embed.")
                                          + bert("text_encoder_q.model.", vocab=28996, pooler=False)
                                          + projection("text_encoder_q.global_embed."))},
        "mgca_vit.ckpt": {"epoch": 49, "state_dict": tiny(vit("img_encoder_q.model.") + bert("text_encoder_q.model.", vocab=28996))},
        "prior.pt": tiny([("image_encoder.encoder." + n, s) for n, s in prior_vision]
                         + [("image_encoder.atten_pool.positional_embedding", [50, 2048])]
                         + bert("text_encoder.encoder.", vocab=28996)
                         + [("sentence_bank.embed.weight", [512, 768]), ("prototype_queries", [1, 16, 768])]
                         + bert("sentence_decoder.", vocab=28996, layers=8, cross=True, pooler=False)),
    }
    for name, content in files.items():
        torch.save(content, os.path.join(out, name))


def check_pt(path, expected_dir):
    manifest = json.load(open(expected_dir + ".json"))
    sd = torch.load(path, weights_only=True)
    if type(sd) is not collections.OrderedDict or list(sd) != list(manifest):
        return f"names differ: {type(sd).__name__} {list(sd)}"
    for name, want in manifest.items():
        t = sd[name]
        if DTYPES[t.dtype] != want["dtype"] or list(t.shape) != want["shape"]:
            return f"{name}: {DTYPES[t.dtype]} {list(t.shape)} vs {want['dtype']} {want['shape']}"
        if raw_bytes(t) != open(os.path.join(expected_dir, name + ".bin"), "rb").read():
            return f"{name}: bytes differ"
    return f"ok {len(manifest)}"


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
    sub.add_parser("architectures").add_argument("out")
    for name in ("check", "check-pt"):
        c = sub.add_parser(name)
        c.add_argument("file")
        c.add_argument("expected")
    a = parser.parse_args()
    if a.command == "make":
        make(a.out)
    elif a.command == "architectures":
        architectures(a.out)
    elif a.command == "check-pt":
        print(check_pt(a.file, a.expected))
    else:
        print(check(a.file, a.expected))
