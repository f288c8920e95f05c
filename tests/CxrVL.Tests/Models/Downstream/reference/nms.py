"""Reference for NmsTests: torchvision.ops.nms and batched_nms on boxes from a file.

Input: a text file, one box per line: x1 y1 x2 y2 score category, and comma-separated IoU thresholds. Prints, per
threshold, the kept indices of nms and of batched_nms (one line each), space-separated, in torchvision's order
(decreasing score).
"""
import sys

import torch
import torchvision

rows = [[float(v) for v in line.split()] for line in open(sys.argv[1]) if line.strip()]
data = torch.tensor(rows, dtype=torch.float32)
boxes, scores, categories = data[:, :4], data[:, 4], data[:, 5].long()
for threshold in (float(t) for t in sys.argv[2].split(",")):
    print(" ".join(str(int(i)) for i in torchvision.ops.nms(boxes, scores, threshold)))
    print(" ".join(str(int(i)) for i in torchvision.ops.batched_nms(boxes, scores, categories, threshold)))
