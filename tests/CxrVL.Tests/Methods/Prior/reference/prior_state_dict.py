"""Writes random-valued state dicts under PRIOR's key names (its `Prior` LightningModule and prior_resnet50.pt).

The vision part is torchvision's ResNet-50 with a 1-channel conv1 and no fc, as PRIOR builds it; the BERT parts follow
Hugging Face's BertModel names as transformers 4.17 saved them (position_ids buffer included). Sizes other than the
ResNet's are arguments, so the files stay small while every key and shape rule is PRIOR's.

usage: prior_state_dict.py OUT_DIR VOCAB HIDDEN HEADS_UNUSED INTERMEDIATE TEXT_LAYERS DECODER_LAYERS PROTOTYPES QUERIES
"""
import os
import sys
from collections import OrderedDict

import torch
import torchvision

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


resnet = torchvision.models.resnet50()
resnet.conv1 = torch.nn.Conv2d(1, 64, kernel_size=7, stride=2, padding=3, bias=False)
resnet.fc = torch.nn.Identity()
vision = OrderedDict((k, torch.randn_like(v) if v.is_floating_point() else v) for k, v in resnet.state_dict().items())
torch.save(vision, os.path.join(out, "prior_resnet50.pt"))

embed = hidden
for k, v in vision.items():
    state["image_encoder.encoder." + k] = v
state["image_encoder.atten_pool.positional_embedding"] = torch.randn(50, 2048)
for name in ["k_proj", "q_proj", "v_proj", "c_proj"]:
    linear("image_encoder.atten_pool." + name, 2048, 2048)
bert("text_encoder.encoder.", text_layers, cross=False, pooler=True)
for name in ["k_proj", "q_proj", "v_proj", "c_proj"]:
    linear("global_text_attention." + name, embed, embed)
linear("global_image_projection", embed, 2048)
linear("local_image_projection", embed, 2048)
linear("global_text_projection", embed, hidden)
linear("local_text_projection", embed, hidden)
linear("predictor.0", embed // 2, embed)
linear("predictor.2", embed, embed // 2)
bert("sentence_decoder.", dec_layers, cross=True, pooler=False)
state["prototype_queries"] = torch.randn(1, queries, embed)
channels = 2 * embed
for i in range(5):
    for conv, c_in in (("conv1", channels), ("conv2", channels // 2)):
        p = f"image_decoder.blocks.{i}.{conv}."
        state[p + "0.weight"] = torch.randn(channels // 2, c_in, 3, 3)
        layer_norm(p + "1", channels // 2)
        state[p + "1.running_mean"] = torch.randn(channels // 2)
        state[p + "1.running_var"] = torch.rand(channels // 2) + 0.5
        state[p + "1.num_batches_tracked"] = torch.tensor(7)
    channels //= 2
state["image_decoder.output_head.0.weight"] = torch.randn(1, channels, 3, 3)
state["image_decoder.output_head.0.bias"] = torch.randn(1)
for name in ["query1", "key1", "value1", "query2", "key2", "value2"]:
    linear("local_cross_attention." + name, embed, embed)
state["logit_scale"] = torch.tensor(4.6052)
state["local_logit_scale"] = torch.tensor(4.6052)
state["sentence_bank.embed.weight"] = torch.randn(prototypes, embed)
torch.save(state, os.path.join(out, "prior_full.pt"))
print(len(state), len(vision))
