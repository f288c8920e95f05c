"""CheXbert's labeler (stanfordmlgroup/CheXbert, src/models/bert_labeler.py and src/label.py) in plain torch.nn
(Debian python3-torch 1.13; no transformers), with random weights, as the reference for CxrVL's CheXbert.

usage: chexbert_reference.py CHECKPOINT IDS.json
  IDS.json    a list of token-id lists (bert-base-uncased, [CLS] ... [SEP], at most 512 ids)
  CHECKPOINT  written as CheXbert's training wrote chexbert.pth: torch.save (the legacy format of torch 1.4) of
              {'epoch', 'model_state_dict' (an nn.DataParallel's: 'module.' prefixes), 'optimizer_state_dict' (Adam)}
prints {"logits": [report][head][class], "classes": [report][head]}: reports in batches padded with 0, attention
mask 1 on each report's ids, as label.py runs them.
"""
import json
import os
import sys

import torch
import torch.nn as nn

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "Models", "reference"))
from models_reference import BERT_BASE, BertModel, init_bert  # noqa: E402

BERT_BASE_UNCASED = dict(BERT_BASE, vocab_size=30522)
BATCH_SIZE = 18  # CheXbert's constants.py


class bert_labeler(nn.Module):
    """The module tree of CheXbert's bert_labeler: bert, dropout, 13 four-way heads and one two-way head."""

    def __init__(self, p=0.1):
        super().__init__()
        self.bert = BertModel(BERT_BASE_UNCASED)
        self.dropout = nn.Dropout(p)
        hidden_size = self.bert.pooler.dense.in_features
        self.linear_heads = nn.ModuleList([nn.Linear(hidden_size, 4, bias=True) for _ in range(13)])
        self.linear_heads.append(nn.Linear(hidden_size, 2, bias=True))

    def forward(self, source_padded, attention_mask):
        final_hidden = self.bert(source_padded, attention_mask)[0]
        cls_hidden = self.dropout(final_hidden[:, 0, :].squeeze(dim=1))
        return [head(cls_hidden) for head in self.linear_heads]


def main(checkpoint, ids_path):
    torch.manual_seed(24)
    model = bert_labeler()
    # The body at BERT's own initializer range (larger weights saturate attention and amplify float32 rounding past
    # what any trained BERT shows); the heads wider, so every decision has a clear margin.
    init_bert(model, 0.02)
    for head in model.linear_heads:
        head.weight.data.normal_(0.0, 0.5)
        head.bias.data.normal_(0.0, 0.5)
    parallel = nn.DataParallel(model)  # no GPU: it only wraps, and its state_dict has the 'module.' prefixes
    optimizer = torch.optim.Adam(parallel.parameters(), lr=2e-5)
    # One step on the heads alone: Adam state for 28 tensors, param_groups listing every parameter, as a checkpoint has.
    loss = sum(head(torch.randn(2, 768)).sum() for head in model.linear_heads)
    loss.backward()
    optimizer.step()
    torch.save({"epoch": 1, "model_state_dict": parallel.state_dict(), "optimizer_state_dict": optimizer.state_dict()},
               checkpoint, _use_new_zipfile_serialization=False)

    reports = [torch.tensor(ids, dtype=torch.long) for ids in json.load(open(ids_path))]
    # label.py's batches of 18 in order, except that a report past 128 ids goes alone (padding 17 others to 512 ids
    # would only cost time: padding changes no logit).
    batches, current = [], []
    for report in reports:
        if len(report) > 128:
            batches += [current, [report]] if current else [[report]]
            current = []
            continue
        current.append(report)
        if len(current) == BATCH_SIZE:
            batches.append(current)
            current = []
    batches += [current] if current else []
    model.eval()
    logits, classes = [], []
    with torch.no_grad():
        for batch in batches:
            padded = torch.nn.utils.rnn.pad_sequence(batch, batch_first=True, padding_value=0)
            mask = torch.zeros(padded.shape, dtype=torch.float)
            for i, ids in enumerate(batch):
                mask[i, :len(ids)] = 1
            out = model(padded, mask)
            for i in range(len(batch)):
                logits.append([head[i].tolist() for head in out])
                classes.append([int(head[i].argmax()) for head in out])
    print(json.dumps({"logits": logits, "classes": classes}))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
