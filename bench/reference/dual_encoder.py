"""PyTorch side of bench dual-encoder (Debian python3-torch 1.13 + torchvision, OpenBLAS).

One CLIP training step of a ResNet-50 + BERT-base dual encoder: torchvision resnet50 without fc (2048-d pooled
features), a Hugging Face-named BERT-base in torch.nn (tests/CxrVL.Tests/Models/reference/models_reference.py, the
module CxrVL's BERT parity tests compare against), its [CLS] state, bias-free linear projections to 512, a learned
logit scale, the mean of both cross-entropy directions, and torch.optim.AdamW (lr 1e-5, weight decay 0.05 on
matrices, none on biases and norms). Batch 8, 224 x 224 images, 128 tokens. Prints 'variant images_per_second'
lines with the protocol of bench/CxrVL.Bench/DualEncoderBenchmark.cs (--warmup steps, then the mean of
--iterations timed steps); --precision bf16 runs the forward pass and loss under CPU autocast (resnet50.autocast).
"""
import argparse
import math
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "../../tests/CxrVL.Tests/Models/reference"))
from models_reference import BERT_BASE, BertModel  # noqa: E402
from resnet50 import PRECISIONS, autocast, measure  # noqa: E402

BATCH, SIZE, TOKENS, EMBED = 8, 224, 128, 512
VARIANTS = ["train_adamw", "train_adamw_channels_last"]


class DualEncoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.image = torchvision.models.resnet50()
        self.image.fc = nn.Identity()
        self.text = BertModel(BERT_BASE, add_pooling_layer=False)
        self.image_projection = nn.Linear(2048, EMBED, bias=False)
        self.text_projection = nn.Linear(768, EMBED, bias=False)
        self.logit_scale = nn.Parameter(torch.tensor(math.log(1 / 0.07)))

    def loss(self, images, ids, mask):
        image = F.normalize(self.image_projection(self.image(images)), dim=-1)
        text = F.normalize(self.text_projection(self.text(ids, mask)[0][:, 0]), dim=-1)
        logits = image @ text.t() * self.logit_scale.clamp(max=math.log(100)).exp()
        targets = torch.arange(logits.shape[0])
        return (F.cross_entropy(logits, targets) + F.cross_entropy(logits.t(), targets)) / 2


def rate(channels_last, warmup, iterations, precision="fp32"):
    torch.manual_seed(0)
    model = DualEncoder().train()
    images = torch.randn(BATCH, 3, SIZE, SIZE)
    if channels_last:
        model.image = model.image.to(memory_format=torch.channels_last)
        images = images.contiguous(memory_format=torch.channels_last)
    ids = torch.randint(1000, BERT_BASE["vocab_size"], (BATCH, TOKENS))
    mask = torch.ones(BATCH, TOKENS, dtype=torch.int64)
    decay = [p for p in model.parameters() if p.dim() > 1]
    no_decay = [p for p in model.parameters() if p.dim() <= 1]
    optimizer = torch.optim.AdamW([{"params": decay, "weight_decay": 0.05}, {"params": no_decay, "weight_decay": 0.0}], lr=1e-5)

    def step():
        optimizer.zero_grad()
        with autocast(precision):
            loss = model.loss(images, ids, mask)
        loss.backward()
        optimizer.step()
        return loss
    return measure(iterations, BATCH, step, warmup)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--iterations", type=int, default=3)
    parser.add_argument("--variants", default=",".join(VARIANTS))
    parser.add_argument("--precision", choices=PRECISIONS, default="fp32", help="training steps' precision (bf16: autocast)")
    args = parser.parse_args()
    torch.set_num_threads(int(os.environ.get("OMP_NUM_THREADS", "2")))
    print(f"# pytorch {torch.__version__} threads {torch.get_num_threads()} precision {args.precision}", flush=True)
    for variant in args.variants.split(","):
        value = rate(variant.endswith("channels_last"), args.warmup, args.iterations, args.precision)
        print(f"{variant} {value:.3f}", flush=True)


if __name__ == "__main__":
    main()
