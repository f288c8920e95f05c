"""The word side of MGCA's and MedST's token-wise alignment as their released code computes it
(HKU-MedAI/MGCA mgca/models/mgca/mgca_module.py forward, SVT-Yang/MedST medst/models/medst/medst_module.py forward,
use_local_atten=False), padded word slots included: every slot is a query row and a negative of both cross-entropies.
MGCA weighs words by the [CLS] attention clipped to its 10th/90th percentiles over the non-zero entries (padding is 0);
MedST by a one-head nn.MultiheadAttention of the slots' mean over every slot. Inputs and results are JSON."""
import json
import sys

import torch
import torch.nn.functional as F

spec = json.load(open(sys.argv[1]))
t = {k: torch.tensor(v["values"], dtype=torch.float64).reshape(v["shape"]) for k, v in spec["tensors"].items()}
word_emb_q, patch_emb_q, local_temperature = t["words"], t["patches"], 0.1
bz, word_num = word_emb_q.shape[0], word_emb_q.shape[1]


def word_loss(word_atten_output, word_atten_weights):
    word_sim = torch.bmm(word_emb_q, word_atten_output.permute(0, 2, 1)) / local_temperature
    targets = torch.arange(word_num).long().repeat(bz)
    word_sim_1 = word_sim.reshape(bz * word_num, word_num)                      # b n1 n2 -> (b n1) n2
    loss_1 = torch.sum(F.cross_entropy(word_sim_1, targets, reduction="none") * word_atten_weights.view(-1)) / bz
    word_sim_2 = word_sim.permute(0, 2, 1).reshape(bz * word_num, word_num)     # b n1 n2 -> (b n2) n1
    loss_2 = torch.sum(F.cross_entropy(word_sim_2, targets, reduction="none") * word_atten_weights.view(-1)) / bz
    return (loss_1 + loss_2) / 2.


atten_sim = torch.bmm(word_emb_q, patch_emb_q.permute(0, 2, 1))
atten_scores = F.softmax(atten_sim / local_temperature, dim=-1)
word_atten_output = F.normalize(torch.bmm(atten_scores, patch_emb_q), dim=-1)

# MGCA
atten_weights = t["cls_attention"].clone()
weights = []
for i in range(bz):
    atten_weight = atten_weights[i]
    nonzero = atten_weight.nonzero().squeeze()
    low = torch.quantile(atten_weight[nonzero], 0.1)
    high = torch.quantile(atten_weight[nonzero], 0.9)
    atten_weight[nonzero] = atten_weight[nonzero].clip(low, high)
    weights.append(atten_weight.clone())
mgca_weights = torch.stack(weights)
mgca_weights /= mgca_weights.sum(dim=1, keepdims=True)

# MedST
dim = word_emb_q.shape[2]
attention = torch.nn.MultiheadAttention(dim, 1, batch_first=True).double()
with torch.no_grad():
    attention.in_proj_weight.copy_(t["in_proj_weight"])
    attention.in_proj_bias.copy_(t["in_proj_bias"])
a_i = F.normalize(torch.mul(word_emb_q, word_atten_output), dim=-1)
mean_query = torch.mean(a_i, dim=1)
_, weight_scores = attention(mean_query.unsqueeze(1), a_i, a_i)
medst_weights = weight_scores.squeeze()
medst_weights = medst_weights / medst_weights.sum(dim=1, keepdims=True)

print(json.dumps({
    "mgca_word": word_loss(word_atten_output, mgca_weights).item(),
    "mgca_weights": mgca_weights.reshape(-1).tolist(),
    "medst_word": word_loss(word_atten_output, medst_weights).item(),
    "medst_weights": medst_weights.reshape(-1).tolist(),
}))
