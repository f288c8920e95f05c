"""torch.nn.init.trunc_normal_ on a fresh float32 tensor after torch.manual_seed; prints the values as JSON.

usage: trunc_normal.py SEED COUNT MEAN STD A B
"""
import json
import sys

import torch

seed, count = int(sys.argv[1]), int(sys.argv[2])
mean, std, a, b = (float(v) for v in sys.argv[3:7])
torch.manual_seed(seed)
values = torch.nn.init.trunc_normal_(torch.empty(count), mean=mean, std=std, a=a, b=b)
print(json.dumps(values.tolist()))
