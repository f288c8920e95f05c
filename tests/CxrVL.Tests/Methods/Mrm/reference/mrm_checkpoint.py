"""Writes an MRM.pth-shaped checkpoint with Debian's python3-torch under the key list of RL4M/MRM-pytorch at 3730ba4
(model_mrm.py MaskedAutoencoderViT with bert/bert_encoder.py BertEncoder), at small sizes: the MAE encoder and
decoder (timm Block names), bert_encoder.model = MyBertMaskedLM, whose MyBertModel ignores add_pooling_layer=False and
so keeps bert.pooler.dense, with transformers' persistent position_ids buffer and the tied decoder weight and bias,
and bert_mlp. Saved as MAE's save_model does: {"model": state_dict}. Prints the key count."""
import sys
import torch

out = sys.argv[1]
embed, depth, mlp, grid = 192, 12, 768, 14
dec, dec_depth, dec_mlp, pred = 64, 1, 256, 32 * 32 * 3
hidden, layers, inter, vocab, positions = 32, 1, 64, 40, 100
torch.manual_seed(3)
sd = {}
def add(name, *shape):
    sd[name] = torch.randn(*shape) * 0.02
def block(p, d, m):
    add(p + "norm1.weight", d); add(p + "norm1.bias", d)
    add(p + "attn.qkv.weight", 3 * d, d); add(p + "attn.qkv.bias", 3 * d)
    add(p + "attn.proj.weight", d, d); add(p + "attn.proj.bias", d)
    add(p + "norm2.weight", d); add(p + "norm2.bias", d)
    add(p + "mlp.fc1.weight", m, d); add(p + "mlp.fc1.bias", m)
    add(p + "mlp.fc2.weight", d, m); add(p + "mlp.fc2.bias", d)
add("cls_token", 1, 1, embed); add("pos_embed", 1, grid * grid + 1, embed)
add("patch_embed.proj.weight", embed, 3, 16, 16); add("patch_embed.proj.bias", embed)
for i in range(depth):
    block(f"blocks.{i}.", embed, mlp)
add("norm.weight", embed); add("norm.bias", embed)
add("mask_token", 1, 1, dec); add("decoder_pos_embed", 1, grid * grid + 1, dec)
add("decoder_embed.weight", dec, embed); add("decoder_embed.bias", dec)
for i in range(dec_depth):
    block(f"decoder_blocks.{i}.", dec, dec_mlp)
add("decoder_norm.weight", dec); add("decoder_norm.bias", dec)
add("decoder_pred.weight", pred, dec); add("decoder_pred.bias", pred)
b = "bert_encoder.model.bert."
sd[b + "embeddings.position_ids"] = torch.arange(positions).expand((1, -1))
add(b + "embeddings.word_embeddings.weight", vocab, hidden)
add(b + "embeddings.position_embeddings.weight", positions, hidden)
add(b + "embeddings.token_type_embeddings.weight", 2, hidden)
add(b + "embeddings.LayerNorm.weight", hidden); add(b + "embeddings.LayerNorm.bias", hidden)
for i in range(layers):
    p = b + f"encoder.layer.{i}."
    for part in ("query", "key", "value"):
        add(p + f"attention.self.{part}.weight", hidden, hidden); add(p + f"attention.self.{part}.bias", hidden)
    add(p + "attention.output.dense.weight", hidden, hidden); add(p + "attention.output.dense.bias", hidden)
    add(p + "attention.output.LayerNorm.weight", hidden); add(p + "attention.output.LayerNorm.bias", hidden)
    add(p + "intermediate.dense.weight", inter, hidden); add(p + "intermediate.dense.bias", inter)
    add(p + "output.dense.weight", hidden, inter); add(p + "output.dense.bias", hidden)
    add(p + "output.LayerNorm.weight", hidden); add(p + "output.LayerNorm.bias", hidden)
add(b + "pooler.dense.weight", hidden, hidden); add(b + "pooler.dense.bias", hidden)
c = "bert_encoder.model.cls.predictions."
add(c + "bias", vocab)
add(c + "transform.dense.weight", hidden, hidden); add(c + "transform.dense.bias", hidden)
add(c + "transform.LayerNorm.weight", hidden); add(c + "transform.LayerNorm.bias", hidden)
sd[c + "decoder.weight"] = sd[b + "embeddings.word_embeddings.weight"]
sd[c + "decoder.bias"] = sd[c + "bias"]
add("bert_mlp.weight", hidden, embed); add("bert_mlp.bias", hidden)
torch.save({"model": sd}, out)
print(len(sd))
