"""torchvision DataLoader side of the loader benchmark (bench/run-loader.sh).

Same recipe as `CxrVL.Bench loader --recipe imagenet`: PIL decode, convert('RGB'), Resize(256), CenterCrop(224),
ToTensor, Normalize(ImageNet), batches of 32, 2 workers, shuffled, N epochs. Prints a summary and one
`RESULT {json}` line: images/s overall and per epoch, and resident memory (main process + workers) after each epoch.
Run with Debian's /usr/bin/python3 and OMP_NUM_THREADS=2.
"""
import argparse
import json
import os
import sys
import time

import torch
from PIL import Image
from torch.utils.data import DataLoader, Dataset
from torchvision import transforms


class Files(Dataset):
    def __init__(self, paths, transform):
        self.paths = paths
        self.transform = transform

    def __len__(self):
        return len(self.paths)

    def __getitem__(self, index):
        with Image.open(self.paths[index]) as image:
            return self.transform(image.convert("RGB"))


def rss_bytes(pid):
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
    except FileNotFoundError:
        pass
    return 0


def tree_rss(pid):
    total = rss_bytes(pid)
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as children:
            for child in children.read().split():
                total += tree_rss(int(child))
    except FileNotFoundError:
        pass
    return total


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("folder")
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    paths = sorted(os.path.join(args.folder, name) for name in os.listdir(args.folder))
    transform = transforms.Compose([
        transforms.Resize(256),
        transforms.CenterCrop(224),
        transforms.ToTensor(),
        transforms.Normalize([0.485, 0.456, 0.406], [0.229, 0.224, 0.225]),
    ])
    loader = DataLoader(Files(paths, transform), batch_size=args.batch, shuffle=True, num_workers=args.workers,
                        persistent_workers=args.workers > 0, generator=torch.Generator().manual_seed(0))
    rates, rss = [], []
    images = 0
    start = time.perf_counter()
    for _ in range(args.epochs):
        epoch_start = time.perf_counter()
        count = 0
        for batch in loader:
            count += batch.shape[0]
        rates.append(count / (time.perf_counter() - epoch_start))
        rss.append(tree_rss(os.getpid()))
        images += count
    overall = images / (time.perf_counter() - start)
    print(f"torchvision: {len(paths)} images x {args.epochs} epochs, batch {args.batch}, {args.workers} workers: "
          f"{overall:.0f} images/s")
    for epoch, (rate, memory) in enumerate(zip(rates, rss)):
        print(f"  epoch {epoch + 1:2d}: {rate:7.0f} images/s, RSS {memory >> 20:5d} MiB")
    print("RESULT " + json.dumps({
        "images_per_second": round(overall, 1),
        "epoch_images_per_second": [round(r, 1) for r in rates],
        "rss_mib": [round(r / 1048576, 1) for r in rss],
        "images": len(paths), "epochs": args.epochs, "batch": args.batch, "workers": args.workers,
        "torch": torch.__version__,
    }))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
