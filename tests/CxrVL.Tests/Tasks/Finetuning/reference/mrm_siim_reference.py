"""PyTorch 1.13 references for MRM's SIIM segmentation parts, written from the formulas of BEiT (Bao et al. 2022, the
relative position index of its attention), MMSegmentation 0.25 (BEiT block with module names ln1, attn, ln2,
ffn.layers, gamma_1/2; sigmoid FocalLoss) and the Dice loss MRM ships (Siim_Segmentation/mmseg/models/losses).

  mrm_siim_reference.py index H W     BEiT's relative_position_index for an H x W grid plus a class token, as JSON
  mrm_siim_reference.py block DIR     one BEiT block (random weights, non-zero bias table and layer scales) ->
                                      DIR/block_weights.pt (MMSeg names under blocks.0.), DIR/block_io.pt (input, output)
  mrm_siim_reference.py losses DIR    focal and Dice on random two-class logits -> DIR/losses_io.pt
"""
import json
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(int(os.environ.get("OMP_NUM_THREADS", "2")))


def relative_position_index(h, w):
    # Pairwise offsets of the patches (row, column), shifted to start at 0, the row offset scaled by the column range;
    # then three extra rows for class-to-patch, patch-to-class and class-to-class.
    coords = torch.stack(torch.meshgrid(torch.arange(h), torch.arange(w), indexing="ij")).flatten(1)
    relative = (coords[:, :, None] - coords[:, None, :]).permute(1, 2, 0).contiguous()
    relative[:, :, 0] += h - 1
    relative[:, :, 1] += w - 1
    relative[:, :, 0] *= 2 * w - 1
    distances = (2 * h - 1) * (2 * w - 1) + 3
    index = torch.zeros((h * w + 1, h * w + 1), dtype=torch.long)
    index[1:, 1:] = relative.sum(-1)
    index[0, 0:] = distances - 3
    index[0:, 0] = distances - 2
    index[0, 0] = distances - 1
    return index


class Attention(nn.Module):
    def __init__(self, dim, heads, grid):
        super().__init__()
        self.heads = heads
        self.grid = grid
        self.qkv = nn.Linear(dim, 3 * dim)
        self.proj = nn.Linear(dim, dim)
        self.relative_position_bias_table = nn.Parameter(torch.randn((2 * grid - 1) ** 2 + 3, heads) * 0.5)
        self.register_buffer("relative_position_index", relative_position_index(grid, grid))

    def forward(self, x):
        b, n, c = x.shape
        q, k, v = self.qkv(x).reshape(b, n, 3, self.heads, -1).permute(2, 0, 3, 1, 4)
        logits = (q * (c // self.heads) ** -0.5) @ k.transpose(-2, -1)
        bias = self.relative_position_bias_table[self.relative_position_index.view(-1)].view(n, n, -1).permute(2, 0, 1)
        weights = (logits + bias.unsqueeze(0)).softmax(-1)
        return self.proj((weights @ v).transpose(1, 2).reshape(b, n, c))


class Block(nn.Module):
    def __init__(self, dim, heads, grid):
        super().__init__()
        self.ln1 = nn.LayerNorm(dim, eps=1e-6)
        self.attn = Attention(dim, heads, grid)
        self.ln2 = nn.LayerNorm(dim, eps=1e-6)
        # mmcv's FFN: layers = [[fc1, GELU, dropout], fc2, dropout].
        self.ffn = nn.Module()
        self.ffn.layers = nn.Sequential(nn.Sequential(nn.Linear(dim, 4 * dim), nn.GELU(), nn.Dropout(0.0)), nn.Linear(4 * dim, dim), nn.Dropout(0.0))
        self.gamma_1 = nn.Parameter(torch.rand(dim) + 0.5)
        self.gamma_2 = nn.Parameter(torch.rand(dim) + 0.5)

    def forward(self, x):
        x = x + self.gamma_1 * self.attn(self.ln1(x))
        return x + self.gamma_2 * self.ffn.layers(self.ln2(x))


def block(out):
    torch.manual_seed(7)
    model = Block(dim=32, heads=4, grid=3).eval()
    with torch.no_grad():
        for name, parameter in model.named_parameters():
            if name.startswith(("ln1", "ln2")):
                parameter.add_(torch.randn_like(parameter) * 0.1)
    tokens = torch.randn(2, 1 + 3 * 3, 32)
    with torch.no_grad():
        output = model(tokens)
    torch.save({"blocks.0." + k: v for k, v in model.state_dict().items()}, os.path.join(out, "block_weights.pt"))
    torch.save({"input": tokens, "output": output}, os.path.join(out, "block_io.pt"))


def focal(logits, classes, alpha=0.5, gamma=2.0):
    # MMSeg's sigmoid focal loss: every class channel against the one-hot target, mean over pixels and channels.
    target = F.one_hot(classes, logits.shape[1]).permute(0, 3, 1, 2).float()
    p = logits.sigmoid()
    one_minus_pt = (1 - p) * target + p * (1 - target)
    weight = (alpha * target + (1 - alpha) * (1 - target)) * one_minus_pt.pow(gamma)
    return (F.binary_cross_entropy_with_logits(logits, target, reduction="none") * weight).mean()


def dice(logits, classes, class_weight, smooth=1.0, exponent=2):
    # MRM's DiceLoss: softmax, per image and class 1 - (2 sum p t + smooth) / (sum p^e + sum t^e + smooth), mean over
    # images, times the class weight, summed and divided by the number of classes.
    p = logits.softmax(1)
    target = F.one_hot(classes, logits.shape[1]).permute(0, 3, 1, 2).float()
    total = 0
    for c in range(logits.shape[1]):
        pc, tc = p[:, c].reshape(p.shape[0], -1), target[:, c].reshape(p.shape[0], -1)
        per_image = 1 - (2 * (pc * tc).sum(1) + smooth) / ((pc.pow(exponent) + tc.pow(exponent)).sum(1) + smooth)
        total = total + per_image.mean() * class_weight[c]
    return total / logits.shape[1]


def losses(out):
    torch.manual_seed(11)
    logits = torch.randn(3, 2, 8, 8) * 2
    classes = (torch.rand(3, 8, 8) < 0.3).long()
    classes[2] = 0  # an image without the label
    torch.save({
        "logits": logits,
        "classes": classes.float(),
        "focal": focal(logits, classes).reshape(1),
        "dice_weighted": dice(logits, classes, [0.0, 1.0]).reshape(1),
        "dice_unweighted": dice(logits, classes, [1.0, 1.0]).reshape(1),
    }, os.path.join(out, "losses_io.pt"))


if __name__ == "__main__":
    command = sys.argv[1]
    if command == "index":
        print(json.dumps(relative_position_index(int(sys.argv[2]), int(sys.argv[3])).tolist()))
    elif command == "block":
        block(sys.argv[2])
    elif command == "losses":
        losses(sys.argv[2])
    else:
        raise SystemExit(f"unknown command {command}")
