"""PyTorch references for CxrVL's backbones (Debian python3-torch 1.13 + torchvision; no timm, no transformers).

  models_reference.py keys ARCH                 prints {state_dict key: shape} as JSON
        ARCH: resnet18 | resnet50 | resnet101 | vit_b_16 | vit_s_16 | bert_base | bert_decoder_small
  models_reference.py resnet50 DIR              random-init torchvision resnet50 -> DIR/weights.pt, DIR/io.pt
  models_reference.py vit_b_16 DIR              random-init torchvision vit_b_16 -> DIR/weights.pt, DIR/io.pt
  models_reference.py bert DIR                  small BERT (HF names) -> DIR/config.json, DIR/weights.pt, DIR/io.pt
  models_reference.py sincos DIM GRID           MAE's 2-D sin-cos table (numpy) as JSON [[...], ...]

Weights are state_dicts saved with torch.save (zip format); io.pt is a dict of named tensors (inputs and outputs).
"""
import json
import math
import os
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision

torch.set_num_threads(int(os.environ.get("OMP_NUM_THREADS", "2")))


# --- a small, faithful Hugging Face BERT (module and parameter names as transformers' modeling_bert) ---------

class BertEmbeddings(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.word_embeddings = nn.Embedding(c["vocab_size"], c["hidden_size"], padding_idx=c["pad_token_id"])
        self.position_embeddings = nn.Embedding(c["max_position_embeddings"], c["hidden_size"])
        self.token_type_embeddings = nn.Embedding(c["type_vocab_size"], c["hidden_size"])
        self.LayerNorm = nn.LayerNorm(c["hidden_size"], eps=c["layer_norm_eps"])
        self.dropout = nn.Dropout(c["hidden_dropout_prob"])

    def forward(self, input_ids, token_type_ids):
        positions = torch.arange(input_ids.shape[1]).unsqueeze(0)
        x = self.word_embeddings(input_ids) + self.position_embeddings(positions) + self.token_type_embeddings(token_type_ids)
        return self.dropout(self.LayerNorm(x))


class BertSelfAttention(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.heads = c["num_attention_heads"]
        self.head_dim = c["hidden_size"] // self.heads
        self.query = nn.Linear(c["hidden_size"], c["hidden_size"])
        self.key = nn.Linear(c["hidden_size"], c["hidden_size"])
        self.value = nn.Linear(c["hidden_size"], c["hidden_size"])
        self.dropout = nn.Dropout(c["attention_probs_dropout_prob"])

    def split(self, x):
        return x.view(x.shape[0], x.shape[1], self.heads, self.head_dim).permute(0, 2, 1, 3)

    def forward(self, hidden, mask, encoder_hidden=None):
        source = hidden if encoder_hidden is None else encoder_hidden
        q, k, v = self.split(self.query(hidden)), self.split(self.key(source)), self.split(self.value(source))
        scores = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(self.head_dim)
        if mask is not None:
            scores = scores + mask
        probs = F.softmax(scores, dim=-1)
        context = torch.matmul(self.dropout(probs), v).permute(0, 2, 1, 3).contiguous()
        return context.view(context.shape[0], context.shape[1], -1), probs


class BertSelfOutput(nn.Module):
    def __init__(self, c, inner):
        super().__init__()
        self.dense = nn.Linear(inner, c["hidden_size"])
        self.LayerNorm = nn.LayerNorm(c["hidden_size"], eps=c["layer_norm_eps"])
        self.dropout = nn.Dropout(c["hidden_dropout_prob"])

    def forward(self, hidden, residual):
        return self.LayerNorm(self.dropout(self.dense(hidden)) + residual)


class BertAttention(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.self = BertSelfAttention(c)
        self.output = BertSelfOutput(c, c["hidden_size"])

    def forward(self, hidden, mask, encoder_hidden=None):
        context, probs = self.self(hidden, mask, encoder_hidden)
        return self.output(context, hidden), probs


class BertIntermediate(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.dense = nn.Linear(c["hidden_size"], c["intermediate_size"])

    def forward(self, x):
        return F.gelu(self.dense(x))


class BertLayer(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.attention = BertAttention(c)
        if c.get("add_cross_attention"):
            self.crossattention = BertAttention(c)
        self.intermediate = BertIntermediate(c)
        self.output = BertSelfOutput(c, c["intermediate_size"])

    def forward(self, hidden, mask, encoder_hidden=None, encoder_mask=None):
        attended, probs = self.attention(hidden, mask)
        if hasattr(self, "crossattention"):
            attended, _ = self.crossattention(attended, encoder_mask, encoder_hidden)
        return self.output(self.intermediate(attended), attended), probs


class BertEncoder(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.layer = nn.ModuleList([BertLayer(c) for _ in range(c["num_hidden_layers"])])


class BertPooler(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.dense = nn.Linear(c["hidden_size"], c["hidden_size"])

    def forward(self, hidden):
        return torch.tanh(self.dense(hidden[:, 0]))


def extended_mask(mask, causal):
    """transformers' get_extended_attention_mask: 1/0 -> additive, dtype minimum on masked positions."""
    keep = mask[:, None, None, :].float()
    if causal:
        length = mask.shape[1]
        keep = keep * torch.tril(torch.ones(length, length))[None, None]
    return (1.0 - keep) * torch.finfo(torch.float32).min


class BertModel(nn.Module):
    def __init__(self, c, add_pooling_layer=True):
        super().__init__()
        self.config = c
        self.embeddings = BertEmbeddings(c)
        self.encoder = BertEncoder(c)
        self.pooler = BertPooler(c) if add_pooling_layer else None

    def forward(self, input_ids, attention_mask, encoder_hidden=None, encoder_mask=None):
        mask = extended_mask(attention_mask, self.config.get("is_decoder", False))
        enc_mask = None if encoder_hidden is None else extended_mask(encoder_mask, False)
        hidden = self.embeddings(input_ids, torch.zeros_like(input_ids))
        states, probs = [hidden], []
        for layer in self.encoder.layer:
            hidden, p = layer(hidden, mask, encoder_hidden, enc_mask)
            states.append(hidden)
            probs.append(p)
        pooled = self.pooler(hidden) if self.pooler is not None else None
        return hidden, pooled, states, probs


class BertPredictionHeadTransform(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.dense = nn.Linear(c["hidden_size"], c["hidden_size"])
        self.LayerNorm = nn.LayerNorm(c["hidden_size"], eps=c["layer_norm_eps"])

    def forward(self, x):
        return self.LayerNorm(F.gelu(self.dense(x)))


class BertLMPredictionHead(nn.Module):
    def __init__(self, c, word_embeddings):
        super().__init__()
        self.transform = BertPredictionHeadTransform(c)
        self.decoder = nn.Linear(c["hidden_size"], c["vocab_size"], bias=False)
        self.decoder.weight = word_embeddings.weight  # tied, as transformers' tie_weights
        self.bias = nn.Parameter(torch.zeros(c["vocab_size"]))

    def forward(self, x):
        return self.decoder(self.transform(x)) + self.bias


class BertOnlyMLMHead(nn.Module):
    def __init__(self, c, word_embeddings):
        super().__init__()
        self.predictions = BertLMPredictionHead(c, word_embeddings)


class BertForMaskedLM(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.bert = BertModel(c, add_pooling_layer=False)
        self.cls = BertOnlyMLMHead(c, self.bert.embeddings.word_embeddings)


def init_bert(module, std):
    for m in module.modules():
        if isinstance(m, nn.Linear):
            m.weight.data.normal_(0.0, std)
            m.bias is not None and m.bias.data.zero_()
        elif isinstance(m, nn.Embedding):
            m.weight.data.normal_(0.0, std)
        elif isinstance(m, nn.LayerNorm):
            # Non-trivial affine parameters so the test sees LayerNorm weights load.
            m.weight.data.uniform_(0.5, 1.5)
            m.bias.data.uniform_(-0.1, 0.1)


BERT_BASE = dict(vocab_size=28996, hidden_size=768, num_hidden_layers=12, num_attention_heads=12,
                 intermediate_size=3072, hidden_act="gelu", hidden_dropout_prob=0.1,
                 attention_probs_dropout_prob=0.1, max_position_embeddings=512, type_vocab_size=2,
                 initializer_range=0.02, layer_norm_eps=1e-12, pad_token_id=0, model_type="bert")
BERT_SMALL = dict(BERT_BASE, vocab_size=120, hidden_size=32, num_hidden_layers=2, num_attention_heads=4,
                  intermediate_size=64, max_position_embeddings=40)


# --- torchvision models ----------------------------------------------------------------------------------------

def vit_s_16():
    return torchvision.models.VisionTransformer(image_size=224, patch_size=16, num_layers=12, num_heads=6,
                                                hidden_dim=384, mlp_dim=1536)


def randomize_batch_norm(model, generator):
    """Random running statistics and affine parameters, so eval-mode BatchNorm is not the identity."""
    for m in model.modules():
        if isinstance(m, nn.BatchNorm2d):
            c = m.num_features
            m.running_mean.copy_(torch.randn(c, generator=generator) * 0.1)
            m.running_var.copy_(torch.rand(c, generator=generator) * 0.5 + 0.75)
            m.weight.data.copy_(torch.rand(c, generator=generator) * 0.5 + 0.5)
            m.bias.data.copy_(torch.randn(c, generator=generator) * 0.1)


def shapes(state_dict):
    return {k: list(v.shape) for k, v in state_dict.items()}


def keys(arch):
    if arch in ("resnet18", "resnet50", "resnet101", "vit_b_16"):
        model = getattr(torchvision.models, arch)()
    elif arch == "vit_s_16":
        model = vit_s_16()
    elif arch == "bert_base":
        model = BertModel(BERT_BASE)
    elif arch == "bert_decoder_small":
        model = BertModel(dict(BERT_SMALL, is_decoder=True, add_cross_attention=True), add_pooling_layer=False)
    else:
        raise SystemExit(f"unknown arch {arch}")
    print(json.dumps(shapes(model.state_dict())))


def resnet50(out):
    torch.manual_seed(0)
    generator = torch.Generator().manual_seed(1)
    model = torchvision.models.resnet50()
    randomize_batch_norm(model, generator)
    model.eval()
    images = torch.randn(2, 3, 224, 224, generator=generator)
    with torch.no_grad():
        logits = model(images)
        fc, model.fc = model.fc, nn.Identity()
        pooled = model(images)
        model.fc = fc
    torch.save(model.state_dict(), os.path.join(out, "weights.pt"))
    torch.save({"input": images, "pooled": pooled, "logits": logits}, os.path.join(out, "io.pt"))


def vit_b_16(out):
    torch.manual_seed(0)
    generator = torch.Generator().manual_seed(1)
    model = torchvision.models.vit_b_16().eval()
    with torch.no_grad():
        # torchvision zero-initialises the class token and the head; random values make them count.
        model.class_token.normal_(0, 0.02, generator=generator)
        model.heads.head.weight.normal_(0, 0.02, generator=generator)
        images = torch.randn(1, 3, 224, 224, generator=generator)
        x = model._process_input(images)
        x = torch.cat([model.class_token.expand(x.shape[0], -1, -1), x], dim=1)
        tokens = model.encoder(x)
        logits = model(images)
    torch.save(model.state_dict(), os.path.join(out, "weights.pt"))
    torch.save({"input": images, "tokens": tokens, "logits": logits}, os.path.join(out, "io.pt"))


def bert(out):
    torch.manual_seed(0)
    generator = torch.Generator().manual_seed(1)
    with open(os.path.join(out, "config.json"), "w") as f:
        json.dump(BERT_SMALL, f)
    model = BertForMaskedLM(BERT_SMALL).eval()
    init_bert(model, 0.2)
    decoder_config = dict(BERT_SMALL, is_decoder=True, add_cross_attention=True)
    decoder = BertModel(decoder_config, add_pooling_layer=False).eval()
    init_bert(decoder, 0.2)
    encoder = BertModel(BERT_SMALL).eval()
    encoder.load_state_dict(model.bert.state_dict(), strict=False)
    init_bert(encoder.pooler, 0.2)

    ids = torch.randint(1, BERT_SMALL["vocab_size"], (2, 12), generator=generator)
    mask = torch.ones(2, 12, dtype=torch.int64)
    mask[1, 8:] = 0
    ids[1, 8:] = 0
    memory = torch.randn(2, 5, BERT_SMALL["hidden_size"], generator=generator)
    memory_mask = torch.ones(2, 5, dtype=torch.int64)
    memory_mask[0, 3:] = 0
    with torch.no_grad():
        hidden, pooled, states, probs = encoder(ids, mask)
        mlm_hidden = model.bert(ids, mask)[0]
        mlm_logits = model.cls.predictions(mlm_hidden)
        decoded = decoder(ids, mask, memory, memory_mask)[0]
    torch.save(model.state_dict(), os.path.join(out, "mlm_weights.pt"))
    torch.save(encoder.state_dict(), os.path.join(out, "weights.pt"))
    torch.save(decoder.state_dict(), os.path.join(out, "decoder_weights.pt"))
    torch.save({"input_ids": ids, "attention_mask": mask, "last_hidden_state": hidden, "pooler_output": pooled,
                "hidden_states": torch.stack(states), "attentions": torch.stack(probs),
                "mlm_hidden_state": mlm_hidden, "mlm_logits": mlm_logits,
                "memory": memory, "memory_mask": memory_mask, "decoder_output": decoded},
               os.path.join(out, "io.pt"))


def sincos(dim, grid):
    """MAE util/pos_embed.py get_2d_sincos_pos_embed(dim, grid, cls_token=True), written here with numpy."""
    def one_d(d, pos):
        omega = 1.0 / 10000 ** (np.arange(d // 2, dtype=np.float64) / (d / 2.0))
        out = np.einsum("m,d->md", pos.reshape(-1), omega)
        return np.concatenate([np.sin(out), np.cos(out)], axis=1)
    grid_h = np.arange(grid, dtype=np.float32)
    grid_w = np.arange(grid, dtype=np.float32)
    g = np.stack(np.meshgrid(grid_w, grid_h), axis=0).reshape(2, 1, grid, grid)
    emb = np.concatenate([one_d(dim // 2, g[0]), one_d(dim // 2, g[1])], axis=1)
    emb = np.concatenate([np.zeros([1, dim]), emb], axis=0)
    print(json.dumps(emb.tolist()))


if __name__ == "__main__":
    command = sys.argv[1]
    if command == "keys":
        keys(sys.argv[2])
    elif command == "sincos":
        sincos(int(sys.argv[2]), int(sys.argv[3]))
    else:
        {"resnet50": resnet50, "vit_b_16": vit_b_16, "bert": bert}[command](sys.argv[2])
