"""Writes the composition tests' initial weights with Debian's python3-torch, under the real names: a torchvision
ResNet-50 state dict (random weights, torchvision's own module) and a Hugging Face BERT folder (Bio_ClinicalBERT's
vocab.txt, config.json of a 2-layer BERT, pytorch_model.bin holding what BertForPreTraining saves: bert.* with the
pooler, and the cls.* heads). Also two broken copies: a ResNet file without one key, a BERT file with one key misspelt.
Prints a checksum per tensor (float64 sum of x * (1 + index mod 7)) for the test to compare with the loaded model."""
import json, os, shutil, sys
import torch, torchvision

out, vocab = sys.argv[1], sys.argv[2]
torch.manual_seed(7)
resnet = torchvision.models.resnet50()
with torch.no_grad():
    for name, t in resnet.state_dict().items():
        if t.dtype.is_floating_point:
            t.copy_(torch.randn_like(t))
state = resnet.state_dict()
torch.save(state, os.path.join(out, "resnet50.pth"))
broken = {k: v for k, v in state.items() if k != "layer4.2.bn3.running_var"}
torch.save(broken, os.path.join(out, "resnet50-missing.pth"))

vocab_size = sum(1 for _ in open(vocab, encoding="utf-8"))
h, layers, inter, positions = 64, 2, 128, 512
bert = {}
def add(name, *shape):
    bert[name] = torch.randn(*shape) * 0.02
add("bert.embeddings.word_embeddings.weight", vocab_size, h)
add("bert.embeddings.position_embeddings.weight", positions, h)
add("bert.embeddings.token_type_embeddings.weight", 2, h)
add("bert.embeddings.LayerNorm.weight", h); add("bert.embeddings.LayerNorm.bias", h)
for i in range(layers):
    p = f"bert.encoder.layer.{i}."
    for part in ("query", "key", "value"):
        add(p + f"attention.self.{part}.weight", h, h); add(p + f"attention.self.{part}.bias", h)
    add(p + "attention.output.dense.weight", h, h); add(p + "attention.output.dense.bias", h)
    add(p + "attention.output.LayerNorm.weight", h); add(p + "attention.output.LayerNorm.bias", h)
    add(p + "intermediate.dense.weight", inter, h); add(p + "intermediate.dense.bias", inter)
    add(p + "output.dense.weight", h, inter); add(p + "output.dense.bias", h)
    add(p + "output.LayerNorm.weight", h); add(p + "output.LayerNorm.bias", h)
add("bert.pooler.dense.weight", h, h); add("bert.pooler.dense.bias", h)
add("cls.predictions.bias", vocab_size)
add("cls.predictions.transform.dense.weight", h, h); add("cls.predictions.transform.dense.bias", h)
add("cls.predictions.transform.LayerNorm.weight", h); add("cls.predictions.transform.LayerNorm.bias", h)
bert["cls.predictions.decoder.weight"] = bert["bert.embeddings.word_embeddings.weight"]
add("cls.seq_relationship.weight", 2, h); add("cls.seq_relationship.bias", 2)
config = {"architectures": ["BertForPreTraining"], "model_type": "bert", "vocab_size": vocab_size, "hidden_size": h,
          "num_hidden_layers": layers, "num_attention_heads": 4, "intermediate_size": inter, "hidden_act": "gelu",
          "max_position_embeddings": positions, "type_vocab_size": 2, "layer_norm_eps": 1e-12}
for folder, weights in (("bert", bert), ("bert-misspelt", {("bert.encoder.layer.1.output.dense.weigth" if k == "bert.encoder.layer.1.output.dense.weight" else k): v for k, v in bert.items()})):
    path = os.path.join(out, folder)
    os.makedirs(path)
    torch.save(weights, os.path.join(path, "pytorch_model.bin"))
    json.dump(config, open(os.path.join(path, "config.json"), "w"))
    shutil.copy(vocab, os.path.join(path, "vocab.txt"))

def checksum(t):
    flat = t.double().flatten()
    return float((flat * (1 + torch.arange(flat.numel(), dtype=torch.float64) % 7)).sum())
sums = {"resnet": {k: checksum(v) for k, v in state.items() if v.dtype.is_floating_point},
        "bert": {k[len("bert."):]: checksum(v) for k, v in bert.items() if k.startswith("bert.") and not k.startswith("bert.pooler.")},
        "stem_gray": checksum(state["conv1.weight"].sum(1, keepdim=True))}
print(json.dumps(sums))
