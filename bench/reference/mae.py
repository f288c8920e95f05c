"""PyTorch side of bench mae (Debian python3-torch 1.13, OpenBLAS): one MAE pretraining step of a ViT-B/16.

The model is MAE's (and MRM's image branch): a ViT-B/16 encoder (timm block layout: pre-norm, fused qkv, GELU MLP,
fixed 2-D sin-cos position table) on the 25% of patches a per-sample random shuffle keeps, a decoder of 8 blocks,
512 wide, 16 heads, over the full sequence with mask tokens, a linear head to 16 x 16 x 3 pixels, and the
norm-pixel MSE on the removed patches; AdamW (lr 1.5e-4, weight decay 0.05). torch 1.13 has no fused attention, so
attention is softmax(q k^T / sqrt(d)) v, as timm 0.4-0.6 computes it. Prints 'variant images_per_second' lines with
the protocol of bench/CxrVL.Bench/MaeBenchmark.cs: --warmup untimed steps, then the mean over --iterations;
--precision bf16 runs the forward pass and loss under CPU autocast (resnet50.autocast). Comment lines give the
mean seconds of the forward pass, backward pass and optimizer over the timed steps, and each step's.
"""
import argparse
import os
import sys
import time

import numpy as np
import torch
import torch.nn as nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from resnet50 import PRECISIONS, autocast, measure  # noqa: E402

BATCH, SIZE, PATCH, MASK_RATIO = 8, 224, 16, 0.75


def sincos_2d(dim, grid):
    def one_d(d, positions):
        omega = 1.0 / 10000 ** (np.arange(d // 2, dtype=np.float64) / (d / 2.0))
        angles = np.outer(positions, omega)
        return np.concatenate([np.sin(angles), np.cos(angles)], axis=1)
    ys, xs = np.meshgrid(np.arange(grid, dtype=np.float64), np.arange(grid, dtype=np.float64), indexing="ij")
    table = np.concatenate([one_d(dim // 2, xs.reshape(-1)), one_d(dim // 2, ys.reshape(-1))], axis=1)
    table = np.concatenate([np.zeros((1, dim)), table], axis=0)
    return torch.from_numpy(table).float().unsqueeze(0)


class Attention(nn.Module):
    def __init__(self, dim, heads):
        super().__init__()
        self.heads, self.scale = heads, (dim // heads) ** -0.5
        self.qkv = nn.Linear(dim, dim * 3)
        self.proj = nn.Linear(dim, dim)

    def forward(self, x):
        n, length, dim = x.shape
        q, k, v = self.qkv(x).reshape(n, length, 3, self.heads, dim // self.heads).permute(2, 0, 3, 1, 4)
        attention = (q @ k.transpose(-2, -1) * self.scale).softmax(dim=-1)
        return self.proj((attention @ v).transpose(1, 2).reshape(n, length, dim))


class Block(nn.Module):
    def __init__(self, dim, heads):
        super().__init__()
        self.norm1, self.attn = nn.LayerNorm(dim, eps=1e-6), Attention(dim, heads)
        self.norm2 = nn.LayerNorm(dim, eps=1e-6)
        self.mlp = nn.Sequential(nn.Linear(dim, dim * 4), nn.GELU(), nn.Linear(dim * 4, dim))

    def forward(self, x):
        x = x + self.attn(self.norm1(x))
        return x + self.mlp(self.norm2(x))


class Mae(nn.Module):
    def __init__(self, dim=768, depth=12, heads=12, decoder_dim=512, decoder_depth=8, decoder_heads=16):
        super().__init__()
        grid = SIZE // PATCH
        self.patch_embed = nn.Conv2d(3, dim, PATCH, PATCH)
        self.cls_token = nn.Parameter(torch.zeros(1, 1, dim))
        self.pos_embed = nn.Parameter(sincos_2d(dim, grid), requires_grad=False)
        self.blocks = nn.ModuleList([Block(dim, heads) for _ in range(depth)])
        self.norm = nn.LayerNorm(dim, eps=1e-6)
        self.decoder_embed = nn.Linear(dim, decoder_dim)
        self.mask_token = nn.Parameter(torch.zeros(1, 1, decoder_dim))
        self.decoder_pos_embed = nn.Parameter(sincos_2d(decoder_dim, grid), requires_grad=False)
        self.decoder_blocks = nn.ModuleList([Block(decoder_dim, decoder_heads) for _ in range(decoder_depth)])
        self.decoder_norm = nn.LayerNorm(decoder_dim, eps=1e-6)
        self.decoder_pred = nn.Linear(decoder_dim, PATCH * PATCH * 3)
        nn.init.normal_(self.cls_token, std=0.02)
        nn.init.normal_(self.mask_token, std=0.02)

    def forward(self, images):
        patches = self.patch_embed(images).flatten(2).transpose(1, 2) + self.pos_embed[:, 1:]
        n, length, dim = patches.shape
        keep = int(length * (1 - MASK_RATIO))
        shuffle = torch.rand(n, length).argsort(dim=1)
        restore = shuffle.argsort(dim=1)
        kept = patches.gather(1, shuffle[:, :keep].unsqueeze(-1).expand(-1, -1, dim))
        mask = torch.ones(n, length)
        mask[:, :keep] = 0
        mask = mask.gather(1, restore)
        x = torch.cat([(self.cls_token + self.pos_embed[:, :1]).expand(n, -1, -1), kept], dim=1)
        for block in self.blocks:
            x = block(x)
        x = self.decoder_embed(self.norm(x))
        tokens = torch.cat([x[:, 1:], self.mask_token.expand(n, length - keep, -1)], dim=1)
        tokens = tokens.gather(1, restore.unsqueeze(-1).expand(-1, -1, x.shape[2]))
        x = torch.cat([x[:, :1], tokens], dim=1) + self.decoder_pos_embed
        for block in self.decoder_blocks:
            x = block(x)
        prediction = self.decoder_pred(self.decoder_norm(x))[:, 1:]
        grid = SIZE // PATCH
        target = images.reshape(n, 3, grid, PATCH, grid, PATCH).permute(0, 2, 4, 3, 5, 1).reshape(n, length, -1)
        mean, var = target.mean(dim=-1, keepdim=True), target.var(dim=-1, keepdim=True)
        target = (target - mean) / (var + 1e-6) ** 0.5
        loss = ((prediction - target) ** 2).mean(dim=-1)
        return (loss * mask).sum() / mask.sum()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--iterations", type=int, default=5)
    parser.add_argument("--precision", choices=PRECISIONS, default="fp32", help="training steps' precision (bf16: autocast)")
    args = parser.parse_args()
    torch.set_num_threads(int(os.environ.get("OMP_NUM_THREADS", "2")))
    torch.manual_seed(0)
    model = Mae().train()
    decay = [p for name, p in model.named_parameters() if p.requires_grad and p.ndim > 1]
    no_decay = [p for name, p in model.named_parameters() if p.requires_grad and p.ndim <= 1]
    optimizer = torch.optim.AdamW([{"params": decay, "weight_decay": 0.05}, {"params": no_decay, "weight_decay": 0.0}],
                                  lr=1.5e-4, betas=(0.9, 0.95))
    images = torch.randn(BATCH, 3, SIZE, SIZE)

    phases = {"forward": [], "backward": [], "optimizer": []}

    def step():
        start = time.perf_counter()
        optimizer.zero_grad()
        zeroed = time.perf_counter()
        with autocast(args.precision):
            loss = model(images)
        forward = time.perf_counter()
        loss.backward()
        backward = time.perf_counter()
        optimizer.step()
        phases["forward"].append(forward - zeroed)
        phases["backward"].append(backward - forward)
        phases["optimizer"].append(time.perf_counter() - backward + zeroed - start)
        return loss
    rate = measure(args.iterations, BATCH, step, args.warmup)
    print(f"# pytorch {torch.__version__} threads {torch.get_num_threads()} mkldnn {torch.backends.mkldnn.is_available()} "
          f"precision {args.precision}")
    print(f"train_adamw {rate:.3f}")
    print("# seconds per step: " + ", ".join(f"{name} {np.mean(times[args.warmup:]):.3f}" for name, times in phases.items()))
    print("# seconds by step: " + "; ".join(f"{name} " + " ".join(f"{t:.3f}" for t in times) for name, times in phases.items()))


if __name__ == "__main__":
    main()
