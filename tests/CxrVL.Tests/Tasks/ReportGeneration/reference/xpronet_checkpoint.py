"""Writes a checkpoint as XProNet's trainer saves it ({'epoch', 'state_dict', 'optimizer', 'monitor_best'}) with Debian's
python3-torch, under the seed's names (random weights): the visual extractor is torchvision's resnet18 children without
avgpool and fc in an nn.Sequential, as XProNet's VisualExtractor builds it (keys visual_extractor.model.0 .. 7), and
the encoder-decoder follows XProNet's module tree (Transformer encoder and decoder layers with their sublayer norms
a_2/b_2, tgt_embed.0.lut, the positional-encoding buffers pe, the shared memory cmn.linears, the Transformer's
fuse_feature for the textual side, protypes, dim_reduction, fuse_feature, att_embed.0, logit), plus the heads its
code builds and its loss never uses (img_cls_head, txt_cls_head, img_dim_reduction, txt_dim_reduction).
Arguments: out file, vocabulary size (with id 0), d_model, layers, classes x prototypes, d_txt.
Prints a checksum per tensor (float64 sum of x * (1 + index mod 7)) under the seed's key."""
import json, math, sys
from collections import OrderedDict
import torch, torchvision

out, vocab, d, layers, prototypes, d_txt = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
torch.manual_seed(11)
visual = torch.nn.Sequential(*list(torchvision.models.resnet18().children())[:-2])
state = OrderedDict()
for k, v in visual.state_dict().items():
    state["visual_extractor.model." + k] = torch.randn_like(v) if v.dtype.is_floating_point else v
d_img = 512

def add(name, *shape):
    state["encoder_decoder." + name] = torch.randn(*shape) * 0.05

def linear(name, n_in, n_out):
    add(name + ".weight", n_out, n_in); add(name + ".bias", n_out)

def attention(name):
    for i in range(4):
        linear(f"{name}.linears.{i}", d, d)

def positions(name):
    pe = torch.zeros(5000, d)
    position = torch.arange(0, 5000).unsqueeze(1).float()
    div = torch.exp(torch.arange(0, d, 2).float() * -(math.log(10000.0) / d))
    pe[:, 0::2] = torch.sin(position * div); pe[:, 1::2] = torch.cos(position * div)
    state["encoder_decoder." + name] = pe.unsqueeze(0)

for i in range(layers):
    p = f"model.encoder.layers.{i}."
    attention(p + "self_attn"); linear(p + "feed_forward.w_1", d, d); linear(p + "feed_forward.w_2", d, d)
    for s in range(2):
        add(p + f"sublayer.{s}.norm.a_2", d); add(p + f"sublayer.{s}.norm.b_2", d)
add("model.encoder.norm.a_2", d); add("model.encoder.norm.b_2", d)
for i in range(layers):
    p = f"model.decoder.layers.{i}."
    attention(p + "self_attn"); attention(p + "src_attn"); linear(p + "feed_forward.w_1", d, d); linear(p + "feed_forward.w_2", d, d)
    for s in range(3):
        add(p + f"sublayer.{s}.norm.a_2", d); add(p + f"sublayer.{s}.norm.b_2", d)
add("model.decoder.norm.a_2", d); add("model.decoder.norm.b_2", d)
positions("model.src_embed.0.pe")
add("model.tgt_embed.0.lut.weight", vocab, d)
positions("model.tgt_embed.1.pe")
attention("cmn")
linear("model.fuse_feature", 2 * d, d)
add("protypes", prototypes, d_img + d_txt)
linear("dim_reduction", d_img + d_txt, d)
linear("fuse_feature", 2 * d, d)
linear("att_embed.0", d_img, d)
linear("logit", d, vocab)
unused = ["img_cls_head.0", "img_cls_head.1", "txt_cls_head.0", "txt_cls_head.1", "img_dim_reduction", "txt_dim_reduction"]
for name in unused:
    linear(name, d, d)
torch.save({"epoch": 30, "state_dict": state, "optimizer": {"state": {}, "param_groups": [{"lr": 1e-4}]}, "monitor_best": 0.199}, out)

def checksum(t):
    flat = t.double().flatten()
    return float((flat * (1 + torch.arange(flat.numel(), dtype=torch.float64) % 7)).sum())
print(json.dumps({k: checksum(v) for k, v in state.items() if v.dtype.is_floating_point}))
