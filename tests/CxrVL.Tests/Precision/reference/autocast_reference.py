"""PyTorch 1.13's CPU autocast (torch.autocast('cpu', dtype=torch.bfloat16)) as the reference for bf16-mixed training.

  autocast_reference.py resnet DIR   torchvision resnet18 (10 classes), one train-mode step on 4 x 3 x 64 x 64 images
  autocast_reference.py bert DIR     the small Hugging Face-named BERT encoder, one eval-mode (no dropout) step
  autocast_reference.py vit DIR      a small torchvision ViT (32 px, patch 8, 2 blocks of width 32 with 4 heads, 10
                                     classes), one step; its attention is nn.MultiheadAttention's explicit products

Writes DIR/weights.pt (the weights before the steps; DIR/config.json for BERT) and DIR/io.pt: the inputs, and for the
float32 step ('fp32.') and the autocast step ('bf16.') the outputs, the loss and the gradient of every parameter
('grad.NAME'). DIR/dtypes.json holds the autocast outputs' dtypes.
"""
import json
import os
import sys

import torch
import torch.nn.functional as F
import torchvision

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "Models", "reference"))
import models_reference as reference  # noqa: E402

torch.set_num_threads(int(os.environ.get("OMP_NUM_THREADS", "2")))


def step(model, forward, autocast):
    model.zero_grad()
    with torch.autocast("cpu", dtype=torch.bfloat16, enabled=autocast):
        outputs, loss = forward()
    loss.backward()
    gradients = {name: p.grad.clone() for name, p in model.named_parameters() if p.grad is not None}
    return outputs, loss.detach(), gradients


def run(model, forward, out, inputs):
    torch.save(model.state_dict(), os.path.join(out, "weights.pt"))
    io = dict(inputs)
    dtypes = {}
    for tag, autocast in (("fp32", False), ("bf16", True)):
        outputs, loss, gradients = step(model, forward, autocast)
        io[tag + ".loss"] = loss
        for name, value in outputs.items():
            io[f"{tag}.{name}"] = value.detach().float()
            if autocast:
                dtypes[name] = str(value.dtype).replace("torch.", "")
        for name, value in gradients.items():
            io[f"{tag}.grad.{name}"] = value
    torch.save(io, os.path.join(out, "io.pt"))
    with open(os.path.join(out, "dtypes.json"), "w") as f:
        json.dump(dtypes, f)


def resnet(out):
    torch.manual_seed(0)
    generator = torch.Generator().manual_seed(1)
    model = torchvision.models.resnet18(num_classes=10)
    reference.randomize_batch_norm(model, generator)
    model.train()
    images = torch.randn(4, 3, 64, 64, generator=generator)
    targets = torch.tensor([1, 3, 5, 7])

    def forward():
        fc, model.fc = model.fc, torch.nn.Identity()
        pooled = model(images)
        model.fc = fc
        logits = model.fc(pooled)
        return {"pooled": pooled, "logits": logits}, F.cross_entropy(logits, targets)

    run(model, forward, out, {"input": images, "targets": targets})


def bert(out):
    torch.manual_seed(0)
    generator = torch.Generator().manual_seed(1)
    with open(os.path.join(out, "config.json"), "w") as f:
        json.dump(reference.BERT_SMALL, f)
    model = reference.BertModel(reference.BERT_SMALL).eval()
    reference.init_bert(model, 0.2)
    ids = torch.randint(1, reference.BERT_SMALL["vocab_size"], (2, 12), generator=generator)
    mask = torch.ones(2, 12, dtype=torch.int64)
    mask[1, 8:] = 0
    ids[1, 8:] = 0

    def forward():
        hidden, pooled, _, _ = model(ids, mask)
        keep = mask[:, :, None].float()
        loss = (hidden.float() ** 2 * keep).sum() / keep.sum() + pooled.float().mean()
        return {"last_hidden_state": hidden, "pooler_output": pooled}, loss

    run(model, forward, out, {"input_ids": ids, "attention_mask": mask})


def vit(out):
    torch.manual_seed(0)
    generator = torch.Generator().manual_seed(1)
    model = torchvision.models.VisionTransformer(image_size=32, patch_size=8, num_layers=2, num_heads=4, hidden_dim=32,
                                                 mlp_dim=64, num_classes=10).train()
    with torch.no_grad():
        # torchvision zero-initialises the class token and the head; random values make them count.
        model.class_token.normal_(0, 0.02, generator=generator)
        model.heads.head.weight.normal_(0, 0.2, generator=generator)
    images = torch.randn(4, 3, 32, 32, generator=generator)
    targets = torch.tensor([1, 3, 5, 7])

    def forward():
        x = model._process_input(images)
        x = torch.cat([model.class_token.expand(x.shape[0], -1, -1), x], dim=1)
        tokens = model.encoder(x)
        logits = model.heads(tokens[:, 0])
        return {"tokens": tokens, "logits": logits}, F.cross_entropy(logits, targets) + (tokens.float() ** 2).mean()

    run(model, forward, out, {"input": images, "targets": targets})


if __name__ == "__main__":
    {"resnet": resnet, "bert": bert, "vit": vit}[sys.argv[1]](sys.argv[2])
