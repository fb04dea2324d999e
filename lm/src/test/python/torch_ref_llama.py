#!/usr/bin/python3
"""PyTorch eager reference for `bin/rlhf bench-lm --family llama`: the same measurements as ../shared/bench/torch_ref.py
(GEMM GFLOP/s at the model's shapes, training tokens/s and MFU, sampling tokens/s with and without a KV cache), for
a Llama-shaped model: RMSNorm, rotary embeddings, grouped-query attention (--n_kv_head), SwiGLU MLP (--n_inner), no
biases, tied embeddings. Written in plain torch like the peer script; its flags are the peer's plus --n_kv_head and
--n_inner.

    /usr/bin/python3 lm/src/test/python/torch_ref_llama.py --n_layer 6 --n_head 6 --n_kv_head 2 --n_embd 384 ...
"""
import argparse
import json
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

p = argparse.ArgumentParser()
p.add_argument("--n_layer", type=int, default=6)
p.add_argument("--n_head", type=int, default=6)
p.add_argument("--n_kv_head", type=int, default=2)
p.add_argument("--n_embd", type=int, default=384)
p.add_argument("--n_inner", type=int, default=1024)
p.add_argument("--vocab", type=int, default=256)
p.add_argument("--ctx", type=int, default=256)
p.add_argument("--batch", type=int, default=8)
p.add_argument("--steps", type=int, default=10)
p.add_argument("--gen_batch", type=int, default=32)
p.add_argument("--prompt_len", type=int, default=64)
p.add_argument("--new_tokens", type=int, default=64)
p.add_argument("--threads", type=int, default=2)
p.add_argument("--only", default="gemm,train,sample")
a = p.parse_args()
torch.set_num_threads(a.threads)
torch.manual_seed(0)
HD = a.n_embd // a.n_head
INV = 1.0 / (10000.0 ** (torch.arange(0, HD, 2).float() / HD))


def out(**kw):
    print(json.dumps(kw), flush=True)


def rope(x, pos):
    f = pos[:, None].float() * INV[None]
    emb = torch.cat((f, f), -1)
    x1, x2 = x[..., : HD // 2], x[..., HD // 2:]
    return x * emb.cos() + torch.cat((-x2, x1), -1) * emb.sin()


class Block(nn.Module):
    def __init__(s):
        super().__init__()
        d = a.n_embd
        s.w1, s.w2 = nn.Parameter(torch.ones(d)), nn.Parameter(torch.ones(d))
        s.q = nn.Linear(d, a.n_head * HD, bias=False)
        s.k = nn.Linear(d, a.n_kv_head * HD, bias=False)
        s.v = nn.Linear(d, a.n_kv_head * HD, bias=False)
        s.o = nn.Linear(a.n_head * HD, d, bias=False)
        s.gate = nn.Linear(d, a.n_inner, bias=False)
        s.up = nn.Linear(d, a.n_inner, bias=False)
        s.down = nn.Linear(a.n_inner, d, bias=False)

    @staticmethod
    def rms(x, w):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + 1e-6) * w

    def attn(s, x, pos, mask, cache):
        B, T, C = x.shape
        q = rope(s.q(x).view(B, T, a.n_head, HD).transpose(1, 2), pos)
        k = rope(s.k(x).view(B, T, a.n_kv_head, HD).transpose(1, 2), pos)
        v = s.v(x).view(B, T, a.n_kv_head, HD).transpose(1, 2)
        if cache is not None:
            if "k" in cache:
                k = torch.cat([cache["k"], k], 2)
                v = torch.cat([cache["v"], v], 2)
            cache["k"], cache["v"] = k, v
        rep = a.n_head // a.n_kv_head
        k, v = k.repeat_interleave(rep, 1), v.repeat_interleave(rep, 1)
        att = (q @ k.transpose(-2, -1)) * HD ** -0.5
        att = att.masked_fill(~mask, float("-inf")).softmax(-1)
        return s.o((att @ v).transpose(1, 2).reshape(B, T, -1))

    def forward(s, x, pos, mask, cache=None):
        x = x + s.attn(s.rms(x, s.w1), pos, mask, cache)
        h = s.rms(x, s.w2)
        return x + s.down(F.silu(s.gate(h)) * s.up(h))


class Llama(nn.Module):
    def __init__(s):
        super().__init__()
        s.embed = nn.Embedding(a.vocab, a.n_embd)
        s.h = nn.ModuleList(Block() for _ in range(a.n_layer))
        s.norm = nn.Parameter(torch.ones(a.n_embd))

    def logits(s, idx, pos0=0, caches=None, past=0):
        B, T = idx.shape
        x = s.embed(idx)
        pos = torch.arange(pos0, pos0 + T)
        mask = torch.ones(T, past + T, dtype=torch.bool).tril(past)
        for i, b in enumerate(s.h):
            x = b(x, pos, mask, None if caches is None else caches[i])
        return Block.rms(x, s.norm) @ s.embed.weight.t()


def gemm_peak():
    BT, d = a.batch * a.ctx, a.n_embd
    best = 0
    for (m, k, n) in [(BT, d, 3 * d), (BT, d, 4 * d), (BT, 4 * d, d), (BT, d, a.vocab)]:
        x, w = torch.randn(m, k), torch.randn(k, n)
        for _ in range(3):
            x @ w
        t = time.perf_counter()
        for _ in range(20):
            x @ w
        g = 20 * 2 * m * k * n / (time.perf_counter() - t) / 1e9
        out(metric="gemm_gflops", shape=[m, k, n], value=round(g, 1))
        best = max(best, g)
    return best


def train(peak):
    m = Llama()
    opt = torch.optim.AdamW(m.parameters(), lr=3e-4)
    x = torch.randint(0, a.vocab, (a.batch, a.ctx + 1))
    for i in range(a.steps + 2):
        if i == 2:
            t = time.perf_counter()
        loss = F.cross_entropy(m.logits(x[:, :-1]).reshape(-1, a.vocab), x[:, 1:].reshape(-1))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(m.parameters(), 1.0)
        opt.step()
    tps = a.steps * a.batch * a.ctx / (time.perf_counter() - t)
    n = sum(p.numel() for p in m.parameters())
    flops = 6 * n + 12 * a.n_layer * a.n_embd * a.ctx
    out(metric="train_tokens_per_s", params=n, value=round(tps, 1),
        mfu_vs_peak=round(tps * flops / 1e9 / peak, 3) if peak else None)


@torch.no_grad()
def generate(m, prompt, n_new, cache=True):
    B, T = prompt.shape
    idx = prompt
    if cache:
        caches = [dict() for _ in range(a.n_layer)]
        lg = m.logits(idx, caches=caches)[:, -1]
        for i in range(n_new):
            nxt = torch.multinomial(F.softmax(lg / 0.7, -1), 1)
            idx = torch.cat([idx, nxt], 1)
            lg = m.logits(nxt, pos0=T + i, caches=caches, past=T + i)[:, -1]
    else:
        for i in range(n_new):
            lg = m.logits(idx)[:, -1]
            idx = torch.cat([idx, torch.multinomial(F.softmax(lg / 0.7, -1), 1)], 1)
    return idx


def sample():
    m = Llama().eval()
    pr = torch.randint(0, a.vocab, (a.gen_batch, a.prompt_len))
    generate(m, pr[:, :8], 4)
    r = {}
    for c in (True, False):
        t = time.perf_counter()
        generate(m, pr, a.new_tokens, cache=c)
        r[c] = a.gen_batch * a.new_tokens / (time.perf_counter() - t)
    out(metric="sample_tokens_per_s", cached=round(r[True], 1), uncached=round(r[False], 1),
        speedup=round(r[True] / r[False], 2))


peak = gemm_peak() if "gemm" in a.only else None
if "train" in a.only:
    train(peak)
if "sample" in a.only:
    sample()
