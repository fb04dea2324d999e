#!/usr/bin/env python3
"""Writes a tiny random GPT-2 with Hugging Face transformers and the logits it gives:  hf_reference.py DIR

DIR gets config.json and model.safetensors (GPT2LMHeadModel.save_pretrained) and reference.json: the input ids and
the float32 logits of GPT2LMHeadModel loaded back from DIR, computed on the CPU. The Java check loads DIR with its
own reader and compares its logits on the device with these.
"""
import json, sys
import torch
import transformers
from transformers import GPT2Config, GPT2LMHeadModel

out = sys.argv[1]
torch.manual_seed(0)
cfg = GPT2Config(vocab_size=320, n_positions=64, n_embd=64, n_layer=2, n_head=4, bos_token_id=319, eos_token_id=319,
                 resid_pdrop=0.0, embd_pdrop=0.0, attn_pdrop=0.0)
model = GPT2LMHeadModel(cfg)
with torch.no_grad():  # larger than the default init so that the comparison sees every layer
    for p in model.parameters():
        p.add_(torch.randn_like(p) * 0.05)
model.save_pretrained(out, safe_serialization=True)
model = GPT2LMHeadModel.from_pretrained(out).eval()
g = torch.Generator().manual_seed(1)
ids = torch.randint(0, cfg.vocab_size - 1, (2, 24), generator=g)
with torch.no_grad():
    logits = model(ids).logits.float()
json.dump({"ids": ids.tolist(), "logits": [round(x, 7) for x in logits.reshape(-1).tolist()],
           "shape": list(logits.shape), "transformers": transformers.__version__, "torch": torch.__version__},
          open(f"{out}/reference.json", "w"))
print(json.dumps({"hf_reference": out, "shape": list(logits.shape), "transformers": transformers.__version__}))
