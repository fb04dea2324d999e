"""Checks the tiny family checkpoints against Hugging Face transformers itself.

FamilyFixtureTest holds the Java models to the logits in each fixture's expected.safetensors (to 1e-4); those logits
come from the independent plain-PyTorch implementation in make_family_fixtures.py. This script loads the same
directories with transformers' AutoModelForCausalLM and compares its logits, on the same ids, attention mask and
position ids, with expected.safetensors, so that the chain Java = reference = transformers is checked link by link.

    python check_against_transformers.py [FIXTURES_DIR]   # needs torch, safetensors and transformers

Exits 1 when a family differs by more than 1e-4 on a real (unpadded) token.
"""
import os
import sys

import torch
from safetensors.torch import load_file
from transformers import AutoModelForCausalLM

base = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "resources", "hf-tiny-families")
worst = 0.0
for family in sorted(os.listdir(base)):
    d = os.path.join(base, family)
    if not os.path.isfile(os.path.join(d, "config.json")):
        continue
    expected_file = os.path.join(d, "expected.safetensors")
    if not os.path.isfile(expected_file):
        expected_file = os.path.join(base, family.split("-")[0], "expected.safetensors")
    e = load_file(expected_file)
    model = AutoModelForCausalLM.from_pretrained(d, dtype=torch.float32).eval()
    mask = e["attention_mask"].long()
    with torch.no_grad():
        logits = model(input_ids=e["input_ids"].long(), attention_mask=mask, position_ids=e["position_ids"].long()).logits
    diff = (logits - e["logits"].float()).abs()[mask.bool()].max().item()
    worst = max(worst, diff)
    print(f"{family:14s} {type(model).__name__:24s} max |transformers - expected| = {diff:.2e}")
print(f"transformers {__import__('transformers').__version__}, torch {torch.__version__}: worst {worst:.2e}")
sys.exit(0 if worst <= 1e-4 else 1)
