#!/usr/bin/python3
"""Builds lm/src/test/resources/adamw-torch.json: torch.optim.AdamW's float32 trajectory for OptimizerTest.

Two tensors, as in a GPT-2 layer: a matrix "c_fc.weight" [3, 4] (weight decay) and a bias "c_fc.bias" [4] (its own
param group with weight_decay 0, mirroring our rule that only tensors with dim >= 2 decay). Weights start at
N(0, 0.02); the gradients are a fixed sequence of order 1e-4 (N(0, 1e-4), one element per tensor scaled by 10 and
one by 0.1, and one exactly zero at step 3), the size where PyTorch's eps placement matters with eps 1e-5. The
learning rate changes between steps as a schedule would. torch runs its single-tensor CPU path (foreach=False).

Regenerate (from the repository root; needs only torch, e.g. Debian's python3-torch):

    /usr/bin/python3 lm/src/test/python/make_adamw_fixture.py lm/src/test/resources/adamw-torch.json

Output (deterministic for a given torch version): {"torch", "betas", "eps", "weight_decay", "lr": [per step],
"tensors": [{"name", "shape", "weight_decay", "init", "grads": [per step]}], "steps": [{"step", "lr", "tensors":
{name: {"param", "exp_avg", "exp_avg_sq"}}}]}, every array flattened row-major, every value a float32 written
exactly (the shortest decimal of the float32 widened to double).
"""
import json
import sys

import torch

SEED = 20240601
BETAS = (0.9, 0.999)
EPS = 1e-5
WEIGHT_DECAY = 0.1
LRS = [1e-3, 1e-3, 8e-4, 6e-4, 4e-4, 2e-4]
SHAPES = {"c_fc.weight": [3, 4], "c_fc.bias": [4]}


def flat(t):
    return [float(x) for x in t.detach().reshape(-1).tolist()]


def main(out):
    gen = torch.Generator().manual_seed(SEED)
    params, grads = {}, {}
    for name, shape in SHAPES.items():
        params[name] = torch.nn.Parameter(torch.randn(shape, generator=gen, dtype=torch.float32) * 0.02)
        seq = []
        for step in range(len(LRS)):
            g = (torch.randn(shape, generator=gen, dtype=torch.float32) * 1e-4).reshape(-1)
            g[0] *= 10
            g[1] *= 0.1
            if step == 2:
                g[2] = 0.0
            seq.append(g.reshape(shape))
        grads[name] = seq
    init = {name: flat(p) for name, p in params.items()}

    opt = torch.optim.AdamW(
        [{"params": [params["c_fc.weight"]], "weight_decay": WEIGHT_DECAY},
         {"params": [params["c_fc.bias"]], "weight_decay": 0.0}],
        lr=LRS[0], betas=BETAS, eps=EPS, foreach=False)
    steps = []
    for step, lr in enumerate(LRS):
        for group in opt.param_groups:
            group["lr"] = lr
        for name, p in params.items():
            p.grad = grads[name][step].clone()
        opt.step()
        state = {}
        for name, p in params.items():
            s = opt.state[p]
            state[name] = {"param": flat(p), "exp_avg": flat(s["exp_avg"]), "exp_avg_sq": flat(s["exp_avg_sq"])}
        steps.append({"step": step + 1, "lr": lr, "tensors": state})

    fixture = {
        "torch": torch.__version__,
        "betas": list(BETAS),
        "eps": EPS,
        "weight_decay": WEIGHT_DECAY,
        "lr": LRS,
        "tensors": [{"name": name, "shape": shape, "weight_decay": WEIGHT_DECAY if len(shape) >= 2 else 0.0,
                     "init": init[name], "grads": [flat(g) for g in grads[name]]}
                    for name, shape in SHAPES.items()],
        "steps": steps,
    }
    with open(out, "w") as f:
        json.dump(fixture, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "lm/src/test/resources/adamw-torch.json")
