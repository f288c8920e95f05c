"""Writes random-valued state dicts under PRIOR's key names (its `Prior` LightningModule and prior_resnet50.pt).

The key names and shapes of everything but the two BERTs come from a torch module tree that mirrors PRIOR's classes at
086bf2e: attribute names, nn containers and constructor arguments as prior.py, encoders/image/resnet.py
(resnet50_224: torchvision's ResNet-50 with a 1-channel conv1 and fc = Identity; AttentionPool2d over 7x7),
modules/sentence_pool.py (SentenceAttentionPool without positions), decoders/image.py (ImageDecoder over resnet50's five
feature sizes, DecoderBlock of segmentation_models_pytorch Conv2dReLU = Sequential(conv without bias, BatchNorm2d,
ReLU) and identity attention), modules/local_attention.py, modules/spb.py (nn.Embedding) and modules/gather.py (avg:
no parameters) define them, so no head key is written by hand. The BERT parts follow Hugging Face's BertModel names as
transformers 4.17 saved them (position_ids buffer included; the sentence decoder is built with add_pooling_layer=False
and cross-attention), written out here since transformers is not a Debian package. Sizes other than the ResNet's are
arguments, so the files stay small while every key and shape rule is PRIOR's.

usage: prior_state_dict.py OUT_DIR VOCAB HIDDEN HEADS_UNUSED INTERMEDIATE TEXT_LAYERS DECODER_LAYERS PROTOTYPES QUERIES
"""
import os
import sys
from collections import OrderedDict

import numpy as np
import torch
import torchvision
from torch import nn

out, vocab, hidden, _, inter, text_layers, dec_layers, prototypes, queries = sys.argv[1], *map(int, sys.argv[2:])
torch.manual_seed(0)
state = OrderedDict()


def linear(prefix, n_out, n_in):
    state[prefix + ".weight"] = torch.randn(n_out, n_in)
    state[prefix + ".bias"] = torch.randn(n_out)


def layer_norm(prefix, n):
    state[prefix + ".weight"] = torch.randn(n)
    state[prefix + ".bias"] = torch.randn(n)


def bert(prefix, layers, cross, pooler, max_pos=512):
    state[prefix + "embeddings.position_ids"] = torch.arange(max_pos).unsqueeze(0)
    state[prefix + "embeddings.word_embeddings.weight"] = torch.randn(vocab, hidden)
    state[prefix + "embeddings.position_embeddings.weight"] = torch.randn(max_pos, hidden)
    state[prefix + "embeddings.token_type_embeddings.weight"] = torch.randn(2, hidden)
    layer_norm(prefix + "embeddings.LayerNorm", hidden)
    for i in range(layers):
        p = f"{prefix}encoder.layer.{i}."
        for block in ["attention"] + (["crossattention"] if cross else []):
            for name in ["query", "key", "value"]:
                linear(f"{p}{block}.self.{name}", hidden, hidden)
            linear(f"{p}{block}.output.dense", hidden, hidden)
            layer_norm(f"{p}{block}.output.LayerNorm", hidden)
        linear(p + "intermediate.dense", inter, hidden)
        linear(p + "output.dense", hidden, inter)
        layer_norm(p + "output.LayerNorm", hidden)
    if pooler:
        linear(prefix + "pooler.dense", hidden, hidden)




class AttentionPool(nn.Module):
    """PRIOR's AttentionPool2d (with positions) and SentenceAttentionPool (pos_embed=False): the same parameters."""

    def __init__(self, embed_dim, positions=None):
        super().__init__()
        if positions is not None:
            self.positional_embedding = nn.Parameter(torch.randn(positions, embed_dim))
        self.k_proj = nn.Linear(embed_dim, embed_dim)
        self.q_proj = nn.Linear(embed_dim, embed_dim)
        self.v_proj = nn.Linear(embed_dim, embed_dim)
        self.c_proj = nn.Linear(embed_dim, embed_dim)


class ImageEncoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = torchvision.models.resnet50()
        self.encoder.conv1 = nn.Conv2d(1, 64, kernel_size=7, stride=2, padding=3, bias=False)
        self.encoder.fc = nn.Identity()
        self.atten_pool = AttentionPool(2048, positions=7 ** 2 + 1)


class Conv2dReLU(nn.Sequential):
    def __init__(self, in_channels, out_channels):
        super().__init__(nn.Conv2d(in_channels, out_channels, kernel_size=3, padding=1, bias=False),
                         nn.BatchNorm2d(out_channels), nn.ReLU(inplace=True))


class DecoderBlock(nn.Module):
    def __init__(self, in_channels, out_channels):
        super().__init__()
        self.conv1 = Conv2dReLU(in_channels, out_channels)
        self.attention1 = nn.Identity()
        self.conv2 = Conv2dReLU(out_channels, out_channels)
        self.attention2 = nn.Identity()
        self.dropout = nn.Dropout2d(0.0)


class ImageDecoder(nn.Module):
    def __init__(self, embed_dim):
        super().__init__()
        self.image_dropout = nn.Dropout2d(0.5)
        channels = [embed_dim // 2 ** i for i in range(6)]   # get_features_size('resnet50'): five blocks
        self.output_head = nn.Sequential(nn.Conv2d(channels[5], 1, kernel_size=3, padding=1))
        self.blocks = nn.ModuleList(DecoderBlock(channels[i], channels[i + 1]) for i in range(5))


class LocalCrossAttention(nn.Module):
    def __init__(self, embed_dim):
        super().__init__()
        for side in ("1", "2"):
            for name in ("query", "key", "value"):
                setattr(self, name + side, nn.Linear(embed_dim, embed_dim))
            setattr(self, "dropout" + side, nn.Dropout(0))


class SPB(nn.Module):
    def __init__(self, dim, n_embed):
        super().__init__()
        self.embed = nn.Embedding(n_embed, dim)


class PriorHeads(nn.Module):
    """Prior.__init__ without the two BERTs (text_encoder.encoder, sentence_decoder)."""

    def __init__(self, embed_dim, text_width, num_queries, spb_k):
        super().__init__()
        self.image_encoder = ImageEncoder()
        self.global_text_attention = AttentionPool(embed_dim)
        self.global_image_projection = nn.Linear(2048, embed_dim)
        self.local_image_projection = nn.Linear(2048, embed_dim)
        self.global_text_projection = nn.Linear(text_width, embed_dim)
        self.local_text_projection = nn.Linear(text_width, embed_dim)
        self.predictor = nn.Sequential(nn.Linear(embed_dim, embed_dim // 2), nn.ReLU(inplace=True), nn.Linear(embed_dim // 2, embed_dim))
        self.prototype_queries = nn.Parameter(torch.randn(1, num_queries, embed_dim))
        self.image_decoder = ImageDecoder(embed_dim * 2)
        self.local_cross_attention = LocalCrossAttention(embed_dim)
        self.logit_scale = nn.Parameter(torch.ones([]) * np.log(1 / 0.01))
        self.local_logit_scale = nn.Parameter(torch.ones([]) * np.log(1 / 0.01))
        self.sentence_bank = SPB(embed_dim, spb_k)


def randomised(tree):
    values = OrderedDict()
    for key, value in tree.state_dict().items():
        if key.endswith("running_var"):
            values[key] = torch.rand_like(value) + 0.5
        elif key.endswith("num_batches_tracked"):
            values[key] = torch.tensor(7)
        else:
            values[key] = torch.randn_like(value)
    return values


heads = randomised(PriorHeads(hidden, hidden, queries, prototypes))
prefix = "image_encoder.encoder."
vision = OrderedDict((k[len(prefix):], v) for k, v in heads.items() if k.startswith(prefix))
torch.save(vision, os.path.join(out, "prior_resnet50.pt"))
state.update(heads)
bert("text_encoder.encoder.", text_layers, cross=False, pooler=True)
bert("sentence_decoder.", dec_layers, cross=True, pooler=False)
torch.save(state, os.path.join(out, "prior_full.pt"))
print(len(state), len(vision))
