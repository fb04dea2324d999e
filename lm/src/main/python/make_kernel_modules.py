#!/usr/bin/python3
"""Writes the TorchScript modules behind FusedActivations: gelu_tanh.pt and silu.pt, each a module without
parameters whose forward is one call of the engine's fused kernel.

DJL's NDArray API reaches torch's exact GELU but neither the tanh GELU of GPT-2 (gelu_new) nor SiLU; written from
its elementwise operations they take six kernels forward and about eleven backward (GELU) or two and four (SiLU),
against one and one here. A module is a zip of TorchScript source, so the files are small and the same for a given
torch version.

Regenerate (from the repository root; needs only torch, e.g. Debian's python3-torch):

    /usr/bin/python3 lm/src/main/python/make_kernel_modules.py lm/src/main/resources/dev/rlhf/lm/kernels
"""
import sys

import torch
import torch.nn.functional as F


class GeluTanh(torch.nn.Module):
    """0.5·x·(1 + tanh(sqrt(2/π)·(x + 0.044715·x³))), transformers' gelu_new."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.gelu(x, approximate="tanh")


class Silu(torch.nn.Module):
    """x·σ(x)."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.silu(x)


def main(out_dir):
    torch.jit.script(GeluTanh()).save(f"{out_dir}/gelu_tanh.pt")
    torch.jit.script(Silu()).save(f"{out_dir}/silu.pt")


if __name__ == "__main__":
    main(sys.argv[1])
