"""PyTorch side of bench resnet50 (Debian python3-torch 1.13 + torchvision, OpenBLAS).

Prints 'variant images_per_second' lines with the same variants, batch sizes and protocol (--warmup untimed steps,
then the mean over --iterations timed steps) as bench/CxrVL.Bench/ResNet50Benchmark.cs; --precision bf16 runs the
training steps' forward pass and loss under CPU autocast.
"""
import argparse
import contextlib
import os
import time

import torch
import torch.nn.functional as F
import torchvision

INFERENCE_BATCH, TRAIN_BATCH, SIZE, CLASSES = 32, 16, 224, 1000
VARIANTS = ["infer_no_grad", "infer_inference_mode", "infer_channels_last", "train_sgd", "train_sgd_channels_last"]


WARMUP = 2
PRECISIONS = ["fp32", "bf16"]


def autocast(precision):
    """The forward pass and loss of a training step in `precision` (shared with dual_encoder.py and mae.py).

    bf16: `torch.autocast('cpu', dtype=torch.bfloat16)`, PyTorch's mixed precision on CPUs: float32 weights and
    optimizer state, products and convolutions in bfloat16; the backward pass runs outside the context (its types
    follow the forward's), and bfloat16's float32 range needs no gradient scaler.
    """
    return torch.autocast("cpu", dtype=torch.bfloat16) if precision == "bf16" else contextlib.nullcontext()


def measure(iterations, batch, step, warmup=None):
    """--warmup untimed steps, then images per second over the timed steps (shared with dual_encoder.py and mae.py).

    Each step's result (the loss, or the logits) stays referenced until the next step has run, as the `loss = ...`
    variable of a training loop keeps it. Dropping it at once lets glibc trim the top of the heap after every step
    and fault it back in during the next one: ResNet-50 training measured 8.3 img/s that way against 11.2 here.
    """
    result = None
    for _ in range(WARMUP if warmup is None else warmup):
        result = step()
    start = time.perf_counter()
    for _ in range(iterations):
        result = step()
    elapsed = time.perf_counter() - start
    del result  # released only once the clock has stopped
    return batch * iterations / elapsed


def infer(variant, iterations):
    torch.manual_seed(0)
    model = torchvision.models.resnet50().eval()
    images = torch.randn(INFERENCE_BATCH, 3, SIZE, SIZE)
    if variant.endswith("channels_last"):
        model = model.to(memory_format=torch.channels_last)
        images = images.contiguous(memory_format=torch.channels_last)
    context = torch.no_grad if variant == "infer_no_grad" else torch.inference_mode
    with context():
        return measure(iterations, INFERENCE_BATCH, lambda: model(images))


def train(channels_last, iterations, precision="fp32"):
    torch.manual_seed(0)
    model = torchvision.models.resnet50().train()
    images = torch.randn(TRAIN_BATCH, 3, SIZE, SIZE)
    labels = torch.randint(CLASSES, (TRAIN_BATCH,))
    if channels_last:
        model = model.to(memory_format=torch.channels_last)
        images = images.contiguous(memory_format=torch.channels_last)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)

    def step():
        optimizer.zero_grad()
        with autocast(precision):
            loss = F.cross_entropy(model(images), labels)
        loss.backward()
        optimizer.step()
        return loss
    return measure(iterations, TRAIN_BATCH, step)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--iterations", type=int, default=3)
    parser.add_argument("--variants", default=",".join(VARIANTS))
    parser.add_argument("--precision", choices=PRECISIONS, default="fp32", help="training steps' precision (bf16: autocast)")
    args = parser.parse_args()
    global WARMUP
    WARMUP = args.warmup
    torch.set_num_threads(int(os.environ.get("OMP_NUM_THREADS", "2")))
    print(f"# pytorch {torch.__version__} threads {torch.get_num_threads()} "
          f"mkldnn {torch.backends.mkldnn.is_available()} precision {args.precision}", flush=True)
    for variant in args.variants.split(","):
        rate = train(variant.endswith("channels_last"), args.iterations, args.precision) if variant.startswith("train") \
            else infer(variant, args.iterations)
        print(f"{variant} {rate:.2f}", flush=True)


if __name__ == "__main__":
    main()
