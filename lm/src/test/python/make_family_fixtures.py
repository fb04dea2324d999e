#!/usr/bin/python3
"""Builds tiny Hugging Face checkpoints of the Llama, Qwen2, Mistral and GPT-NeoX families under
lm/src/test/resources/hf-tiny-families/, with the logits and greedy continuations of an independent implementation.

The models are written here in plain torch, following the math of transformers' modelling code
(modeling_llama.py, modeling_qwen2.py, modeling_mistral.py, modeling_gpt_neox.py): RMSNorm computed in float32 as
x * rsqrt(mean(x^2) + eps) * w, rotary embeddings with inv_freq = 1 / theta^(arange(0, dim, 2) / dim) (and the
"llama3" rope_scaling), cos/sin of cat(freqs, freqs), q * cos + rotate_half(q) * sin, repeat_kv for grouped-query
attention, scores q @ k^T * head_dim^-0.5 plus a mask of finfo.min (causal, padding, and Mistral's
kv_idx > q_idx - sliding_window), SwiGLU down(silu(gate(x)) * up(x)); GPT-NeoX with the fused per-head
query_key_value ([B, T, H, 3 * head_dim] split in q, k, v), partial rotary on int(head_dim * rotary_pct) features,
exact GELU, and the parallel residual x + attn(ln1(x)) + mlp(ln2(x)). It does not import transformers (not
installed here), so it checks the Java code against our reading of that code, not against transformers itself.

Tokenizers are written by hand: a Llama 3 style byte-level BPE (Split + ByteLevel pre-tokenizer, BOS added by a
TemplateProcessing post-processor), a Qwen2 style one (no BOS, EOS from generation_config.json), a GPT-NeoX style
one, and a SentencePiece-converted BPE with byte fallback (Llama 2 / Mistral: Prepend + Replace normalizer, BOS
<s>), each with its own encoder here to give the expected ids.

Regenerate (deterministic; needs only torch, e.g. Debian's python3-torch):

    /usr/bin/python3 lm/src/test/python/make_family_fixtures.py lm/src/test/resources/hf-tiny-families

Each family directory holds config.json, model.safetensors (F32), tokenizer files and expected.safetensors:
input_ids [2, 6] (row 2 left-padded by 2), attention_mask, position_ids (as generate() makes them: cumsum - 1, 1 at
padding), logits [2, 6, V] float32 (compare where the mask is 1), prompt_ids (the encoded prompt text, with the
special tokens the tokenizer adds) and greedy_ids (greedy continuation, recomputing the whole sequence each step,
stopping after EOS). llama-f16 and llama-bf16 hold the same model stored in half precision with logits of the
rounded weights; qwen2-sharded holds the qwen2 model split over two shards with model.safetensors.index.json and
only config.json besides (qwen2's expected.safetensors applies).
"""
import json
import math
import os
import re
import struct
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_hf_fixture import write_safetensors, bytes_to_unicode, bpe, train_merges, merge_words, PAT  # noqa: E402

PROMPT = "the cat sat"
GREEDY_TOKENS = 6
T = 6

# ---------------------------------------------------------------- configs
FAMILIES = {
    "llama": dict(model_type="llama", architectures=["LlamaForCausalLM"], hidden_size=16, intermediate_size=24,
                  num_hidden_layers=2, num_attention_heads=4, num_key_value_heads=2, head_dim=4,
                  max_position_embeddings=64, rms_norm_eps=1e-6, rope_theta=10000.0, rope_scaling=None,
                  attention_bias=False, mlp_bias=False, tie_word_embeddings=True, hidden_act="silu"),
    "llama3": dict(model_type="llama", architectures=["LlamaForCausalLM"], hidden_size=16, intermediate_size=24,
                   num_hidden_layers=2, num_attention_heads=2, num_key_value_heads=1, head_dim=16,
                   max_position_embeddings=64, rms_norm_eps=1e-5, rope_theta=10000.0,
                   rope_scaling={"rope_type": "llama3", "factor": 8.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0,
                                 "original_max_position_embeddings": 32},
                   attention_bias=False, mlp_bias=False, tie_word_embeddings=True, hidden_act="silu"),
    "qwen2": dict(model_type="qwen2", architectures=["Qwen2ForCausalLM"], hidden_size=16, intermediate_size=24,
                  num_hidden_layers=2, num_attention_heads=4, num_key_value_heads=1, head_dim=4,
                  max_position_embeddings=64, rms_norm_eps=1e-6, rope_theta=1000000.0, rope_scaling=None,
                  use_sliding_window=False, tie_word_embeddings=False, hidden_act="silu"),
    "mistral": dict(model_type="mistral", architectures=["MistralForCausalLM"], hidden_size=16, intermediate_size=24,
                    num_hidden_layers=2, num_attention_heads=4, num_key_value_heads=2, head_dim=4,
                    max_position_embeddings=64, rms_norm_eps=1e-5, rope_theta=10000.0, rope_scaling=None,
                    sliding_window=3, tie_word_embeddings=False, hidden_act="silu"),
    "neox": dict(model_type="gpt_neox", architectures=["GPTNeoXForCausalLM"], hidden_size=16, intermediate_size=32,
                 num_hidden_layers=2, num_attention_heads=2, max_position_embeddings=64, rotary_pct=0.5,
                 rotary_emb_base=10000, layer_norm_eps=1e-5, use_parallel_residual=True, hidden_act="gelu",
                 tie_word_embeddings=False, attention_bias=True),
}

# ---------------------------------------------------------------- tokenizers
BYTE_ORDER, BYTE_CHAR = bytes_to_unicode()
CORPUS = ("the cat sat on the mat. the other cat and the dog ate the food; then they sat in the sun. "
          "hello world! hello there, said the other one. ") * 3
MERGES = 30
GPT2_REGEX = r"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"


def byte_level(specials, bos, style):
    """A byte-level BPE tokenizer.json (256 bytes, MERGES merges, then the special tokens) and its encoder."""
    merges = train_merges(CORPUS, MERGES)
    vocab = {BYTE_CHAR[b]: i for i, b in enumerate(BYTE_ORDER)}
    for a, b in merges:
        vocab[a + b] = len(vocab)
    ids = dict(vocab)
    added = []
    for s in specials:
        ids[s] = len(ids)
        added.append({"id": ids[s], "content": s, "single_word": False, "lstrip": False, "rstrip": False,
                      "normalized": False, "special": True})
    level = {"add_prefix_space": False, "trim_offsets": True, "use_regex": True}
    if style == "gpt2":
        pre = dict(type="ByteLevel", **level)
    else:  # Llama 3 / Qwen2: the regex as a Split, then ByteLevel without its own regex
        pre = {"type": "Sequence", "pretokenizers": [
            {"type": "Split", "pattern": {"Regex": GPT2_REGEX}, "behavior": "Isolated", "invert": False},
            {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": False}]}
    post = dict(type="ByteLevel", **level)
    if bos is not None:
        post = {"type": "Sequence", "processors": [post, {
            "type": "TemplateProcessing",
            "single": [{"SpecialToken": {"id": bos, "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}],
            "pair": [{"SpecialToken": {"id": bos, "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                     {"SpecialToken": {"id": bos, "type_id": 1}}, {"Sequence": {"id": "B", "type_id": 1}}],
            "special_tokens": {bos: {"id": bos, "ids": [ids[bos]], "tokens": [bos]}}}]}
    tok = {"version": "1.0", "truncation": None, "padding": None, "added_tokens": added,
           "normalizer": {"type": "NFC"} if style == "qwen2" else None, "pre_tokenizer": pre, "post_processor": post,
           "decoder": dict(type="ByteLevel", **level),
           "model": {"type": "BPE", "dropout": None, "unk_token": None, "continuing_subword_prefix": "",
                     "end_of_word_suffix": "", "fuse_unk": False, "byte_fallback": False, "ignore_merges": False,
                     "vocab": vocab, "merges": [a + " " + b for a, b in merges]}}
    ranks = {m: i for i, m in enumerate(merges)}

    def encode(text, special=True):
        out = [ids[bos]] if (special and bos is not None) else []
        for piece in PAT.findall(text):
            word = "".join(BYTE_CHAR[b] for b in piece.encode("utf-8"))
            out.extend(vocab[p] for p in bpe(word, ranks))
        return out

    return tok, ids, encode


def sentencepiece():
    """A SentencePiece model converted to BPE with byte fallback, laid out as Llama 2 / Mistral tokenizer.json files."""
    vocab = {"<unk>": 0, "<s>": 1, "</s>": 2}
    for b in range(256):
        vocab["<0x%02X>" % b] = len(vocab)
    for c in "▁abcdefghijklmnopqrstuvwxyz.,!;":
        vocab[c] = len(vocab)
    words = {}
    for w in CORPUS.split():
        key = tuple("▁" + w)
        words[key] = words.get(key, 0) + 1
    merges = merge_words(words, MERGES)
    for a, b in merges:
        vocab[a + b] = len(vocab)
    added = [{"id": i, "content": s, "single_word": False, "lstrip": False, "rstrip": False, "normalized": False,
              "special": True} for s, i in (("<unk>", 0), ("<s>", 1), ("</s>", 2))]
    tok = {"version": "1.0", "truncation": None, "padding": None, "added_tokens": added,
           "normalizer": {"type": "Sequence", "normalizers": [{"type": "Prepend", "prepend": "▁"},
                                                              {"type": "Replace", "pattern": {"String": " "},
                                                               "content": "▁"}]},
           "pre_tokenizer": None,
           "post_processor": {"type": "TemplateProcessing",
                              "single": [{"SpecialToken": {"id": "<s>", "type_id": 0}},
                                         {"Sequence": {"id": "A", "type_id": 0}}],
                              "pair": [{"SpecialToken": {"id": "<s>", "type_id": 0}},
                                       {"Sequence": {"id": "A", "type_id": 0}},
                                       {"SpecialToken": {"id": "<s>", "type_id": 1}},
                                       {"Sequence": {"id": "B", "type_id": 1}}],
                              "special_tokens": {"<s>": {"id": "<s>", "ids": [1], "tokens": ["<s>"]}}},
           "decoder": {"type": "Sequence", "decoders": [
               {"type": "Replace", "pattern": {"String": "▁"}, "content": " "}, {"type": "ByteFallback"},
               {"type": "Fuse"}, {"type": "Strip", "content": " ", "start": 1, "stop": 0}]},
           "model": {"type": "BPE", "dropout": None, "unk_token": "<unk>", "continuing_subword_prefix": None,
                     "end_of_word_suffix": None, "fuse_unk": True, "byte_fallback": True, "ignore_merges": False,
                     "vocab": vocab, "merges": [a + " " + b for a, b in merges]}}
    ranks = {m: i for i, m in enumerate(merges)}

    def encode(text, special=True):
        out = [1] if special else []
        if text == "":
            return out
        normalized = "▁" + text.replace(" ", "▁")
        for p in bpe(normalized, ranks):
            if p in vocab:
                out.append(vocab[p])
            else:  # byte fallback: every UTF-8 byte of the unknown piece
                out.extend(vocab["<0x%02X>" % b] for b in p.encode("utf-8"))
        return out

    return tok, vocab, encode


def tokenizer_for(name):
    """(tokenizer.json, token -> id, encoder, tokenizer_config.json, generation_config.json or None, bos, eos, pad)."""
    if name in ("llama", "llama3"):
        tok, ids, enc = byte_level(["<|begin_of_text|>", "<|end_of_text|>"], "<|begin_of_text|>", "llama3")
        return tok, ids, enc, {"bos_token": "<|begin_of_text|>", "eos_token": "<|end_of_text|>",
                               "tokenizer_class": "PreTrainedTokenizerFast"}, None, "<|begin_of_text|>", "<|end_of_text|>", None
    if name.startswith("qwen2"):
        tok, ids, enc = byte_level(["<|endoftext|>", "<|im_start|>", "<|im_end|>"], None, "qwen2")
        return tok, ids, enc, {"bos_token": None, "eos_token": "<|im_end|>", "pad_token": "<|endoftext|>",
                               "tokenizer_class": "Qwen2Tokenizer"}, {"eos_token_id": [ids["<|endoftext|>"], ids["<|im_end|>"]],
                                                                      "pad_token_id": ids["<|endoftext|>"]}, None, "<|endoftext|>", "<|endoftext|>"
    if name == "mistral":
        tok, ids, enc = sentencepiece()
        return tok, ids, enc, {"bos_token": "<s>", "eos_token": "</s>", "unk_token": "<unk>",
                               "tokenizer_class": "LlamaTokenizer"}, None, "<s>", "</s>", None
    tok, ids, enc = byte_level(["<|endoftext|>"], None, "gpt2")
    return tok, ids, enc, {"bos_token": "<|endoftext|>", "eos_token": "<|endoftext|>",
                           "tokenizer_class": "GPTNeoXTokenizer"}, None, "<|endoftext|>", "<|endoftext|>", None


# ---------------------------------------------------------------- weights
def llama_weights(c, vocab, gen):
    d, hd, h, kv, inner = c["hidden_size"], c["head_dim"], c["num_attention_heads"], c["num_key_value_heads"], c["intermediate_size"]
    qkv_bias = c["model_type"] == "qwen2" or c.get("attention_bias", False)

    def rnd(*shape, std=0.3):
        return torch.randn(*shape, generator=gen) * std

    w = {"model.embed_tokens.weight": rnd(vocab, d)}
    for i in range(c["num_hidden_layers"]):
        p = f"model.layers.{i}."
        w[p + "self_attn.q_proj.weight"] = rnd(h * hd, d)
        w[p + "self_attn.k_proj.weight"] = rnd(kv * hd, d)
        w[p + "self_attn.v_proj.weight"] = rnd(kv * hd, d)
        if qkv_bias:
            w[p + "self_attn.q_proj.bias"] = rnd(h * hd, std=0.1)
            w[p + "self_attn.k_proj.bias"] = rnd(kv * hd, std=0.1)
            w[p + "self_attn.v_proj.bias"] = rnd(kv * hd, std=0.1)
        w[p + "self_attn.o_proj.weight"] = rnd(d, h * hd)
        w[p + "mlp.gate_proj.weight"] = rnd(inner, d)
        w[p + "mlp.up_proj.weight"] = rnd(inner, d)
        w[p + "mlp.down_proj.weight"] = rnd(d, inner)
        w[p + "input_layernorm.weight"] = 1 + rnd(d, std=0.1)
        w[p + "post_attention_layernorm.weight"] = 1 + rnd(d, std=0.1)
    w["model.norm.weight"] = 1 + rnd(d, std=0.1)
    if not c["tie_word_embeddings"]:
        w["lm_head.weight"] = rnd(vocab, d)
    return w


def neox_weights(c, vocab, gen):
    d, inner = c["hidden_size"], c["intermediate_size"]

    def rnd(*shape, std=0.3):
        return torch.randn(*shape, generator=gen) * std

    w = {"gpt_neox.embed_in.weight": rnd(vocab, d)}
    for i in range(c["num_hidden_layers"]):
        p = f"gpt_neox.layers.{i}."
        w[p + "input_layernorm.weight"] = 1 + rnd(d, std=0.1)
        w[p + "input_layernorm.bias"] = rnd(d, std=0.1)
        w[p + "post_attention_layernorm.weight"] = 1 + rnd(d, std=0.1)
        w[p + "post_attention_layernorm.bias"] = rnd(d, std=0.1)
        w[p + "attention.query_key_value.weight"] = rnd(3 * d, d)
        w[p + "attention.query_key_value.bias"] = rnd(3 * d, std=0.1)
        w[p + "attention.dense.weight"] = rnd(d, d)
        w[p + "attention.dense.bias"] = rnd(d, std=0.1)
        w[p + "mlp.dense_h_to_4h.weight"] = rnd(inner, d)
        w[p + "mlp.dense_h_to_4h.bias"] = rnd(inner, std=0.1)
        w[p + "mlp.dense_4h_to_h.weight"] = rnd(d, inner)
        w[p + "mlp.dense_4h_to_h.bias"] = rnd(d, std=0.1)
    w["gpt_neox.final_layer_norm.weight"] = 1 + rnd(d, std=0.1)
    w["gpt_neox.final_layer_norm.bias"] = rnd(d, std=0.1)
    w["embed_out.weight"] = rnd(vocab, d)
    return w


# ---------------------------------------------------------------- the models, in plain torch
def inv_freq(dim, base, scaling):
    inv = 1.0 / (base ** (torch.arange(0, dim, 2, dtype=torch.int64).float() / dim))
    if scaling is None:
        return inv
    factor, low, high = scaling["factor"], scaling["low_freq_factor"], scaling["high_freq_factor"]
    old = scaling["original_max_position_embeddings"]
    low_wavelen, high_wavelen = old / low, old / high
    wavelen = 2 * math.pi / inv
    inv_l = torch.where(wavelen > low_wavelen, inv / factor, inv)
    smooth = (old / wavelen - low) / (high - low)
    smoothed = (1 - smooth) * inv_l / factor + smooth * inv_l
    medium = ~(wavelen < high_wavelen) * ~(wavelen > low_wavelen)
    return torch.where(medium, smoothed, inv_l)


def cos_sin(pos, inv):
    freqs = (inv[None, :, None].float() @ pos[:, None, :].float()).transpose(1, 2)  # [B, T, dim/2]
    emb = torch.cat((freqs, freqs), dim=-1)
    return emb.cos()[:, None], emb.sin()[:, None]  # unsqueeze over heads


def rotate_half(x):
    x1, x2 = x[..., : x.shape[-1] // 2], x[..., x.shape[-1] // 2:]
    return torch.cat((-x2, x1), dim=-1)


def rms_norm(x, w, eps):
    xf = x.float()
    var = xf.pow(2).mean(-1, keepdim=True)
    return w * (xf * torch.rsqrt(var + eps))


def mask_bias(mask, window):
    B, S = mask.shape
    q = torch.arange(S)[:, None]
    k = torch.arange(S)[None, :]
    allowed = (k <= q)
    if window:
        allowed = allowed & (k > q - window)
    allowed = allowed[None, None] & mask[:, None, None, :].bool()
    return torch.where(allowed, 0.0, torch.finfo(torch.float32).min)


def attend(q, k, v, bias, n_rep):
    B, Hkv, S, hd = k.shape
    k = k[:, :, None].expand(B, Hkv, n_rep, S, hd).reshape(B, Hkv * n_rep, S, hd)  # repeat_kv
    v = v[:, :, None].expand(B, Hkv, n_rep, S, hd).reshape(B, Hkv * n_rep, S, hd)
    s = torch.matmul(q, k.transpose(2, 3)) * hd ** -0.5 + bias
    p = torch.softmax(s, dim=-1, dtype=torch.float32)
    return torch.matmul(p, v).transpose(1, 2).reshape(q.shape[0], q.shape[2], -1)


def llama_forward(c, w, ids, mask, pos):
    B, S = ids.shape
    h, kv, hd, eps = c["num_attention_heads"], c["num_key_value_heads"], c["head_dim"], c["rms_norm_eps"]
    lin = torch.nn.functional.linear
    x = w["model.embed_tokens.weight"][ids]
    cos, sin = cos_sin(pos, inv_freq(hd, c["rope_theta"], c["rope_scaling"]))
    bias = mask_bias(mask, c.get("sliding_window") if c["model_type"] == "mistral" else None)
    for i in range(c["num_hidden_layers"]):
        p = f"model.layers.{i}."
        a = rms_norm(x, w[p + "input_layernorm.weight"], eps)
        q = lin(a, w[p + "self_attn.q_proj.weight"], w.get(p + "self_attn.q_proj.bias")).view(B, S, h, hd).transpose(1, 2)
        k = lin(a, w[p + "self_attn.k_proj.weight"], w.get(p + "self_attn.k_proj.bias")).view(B, S, kv, hd).transpose(1, 2)
        v = lin(a, w[p + "self_attn.v_proj.weight"], w.get(p + "self_attn.v_proj.bias")).view(B, S, kv, hd).transpose(1, 2)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        x = x + lin(attend(q, k, v, bias, h // kv), w[p + "self_attn.o_proj.weight"])
        m = rms_norm(x, w[p + "post_attention_layernorm.weight"], eps)
        g = torch.nn.functional.silu(lin(m, w[p + "mlp.gate_proj.weight"]))
        x = x + lin(g * lin(m, w[p + "mlp.up_proj.weight"]), w[p + "mlp.down_proj.weight"])
    x = rms_norm(x, w["model.norm.weight"], eps)
    head = w["model.embed_tokens.weight"] if c["tie_word_embeddings"] else w["lm_head.weight"]
    return lin(x, head)


def neox_forward(c, w, ids, mask, pos):
    B, S = ids.shape
    h = c["num_attention_heads"]
    hd = c["hidden_size"] // h
    rot = int(hd * c["rotary_pct"])
    eps = c["layer_norm_eps"]
    lin = torch.nn.functional.linear
    ln = torch.nn.functional.layer_norm
    x = w["gpt_neox.embed_in.weight"][ids]
    cos, sin = cos_sin(pos, inv_freq(rot, c["rotary_emb_base"], None))
    bias = mask_bias(mask, None)
    for i in range(c["num_hidden_layers"]):
        p = f"gpt_neox.layers.{i}."
        a = ln(x, (x.shape[-1],), w[p + "input_layernorm.weight"], w[p + "input_layernorm.bias"], eps)
        qkv = lin(a, w[p + "attention.query_key_value.weight"], w[p + "attention.query_key_value.bias"])
        q, k, v = qkv.view(B, S, h, 3 * hd).transpose(1, 2).chunk(3, dim=-1)
        q = torch.cat((q[..., :rot] * cos + rotate_half(q[..., :rot]) * sin, q[..., rot:]), dim=-1)
        k = torch.cat((k[..., :rot] * cos + rotate_half(k[..., :rot]) * sin, k[..., rot:]), dim=-1)
        attn = lin(attend(q, k, v, bias, 1), w[p + "attention.dense.weight"], w[p + "attention.dense.bias"])
        m_in = x if c["use_parallel_residual"] else x + attn
        m = ln(m_in, (x.shape[-1],), w[p + "post_attention_layernorm.weight"], w[p + "post_attention_layernorm.bias"], eps)
        m = lin(torch.nn.functional.gelu(lin(m, w[p + "mlp.dense_h_to_4h.weight"], w[p + "mlp.dense_h_to_4h.bias"])),
                w[p + "mlp.dense_4h_to_h.weight"], w[p + "mlp.dense_4h_to_h.bias"])
        x = x + attn + m
    x = ln(x, (x.shape[-1],), w["gpt_neox.final_layer_norm.weight"], w["gpt_neox.final_layer_norm.bias"], eps)
    return lin(x, w["embed_out.weight"])


def forward(c, w, ids, mask, pos):
    return (neox_forward if c["model_type"] == "gpt_neox" else llama_forward)(c, w, ids, mask, pos)


# ---------------------------------------------------------------- files
def config_json(c, vocab, bos, eos, pad, dtype):
    out = dict(c)
    out.update(vocab_size=vocab, eos_token_id=eos, torch_dtype=dtype, initializer_range=0.02, use_cache=True)
    if bos is not None:
        out["bos_token_id"] = bos
    if pad is not None:
        out["pad_token_id"] = pad
    return out


def expected(c, w, encode, eos, vocab):
    g = torch.Generator().manual_seed(7)
    row1 = torch.randint(0, vocab, (T,), generator=g)
    row2 = torch.randint(0, vocab, (T - 2,), generator=g)
    ids = torch.stack([row1, torch.cat([torch.full((2,), eos), row2])])
    mask = torch.tensor([[1] * T, [0, 0] + [1] * (T - 2)])
    pos = (mask.cumsum(-1) - 1).masked_fill(mask == 0, 1)
    with torch.no_grad():
        logits = forward(c, w, ids, mask, pos)
        prompt = torch.tensor([encode(PROMPT)])
        seq = prompt
        new = []
        for _ in range(GREEDY_TOKENS):  # greedy, the whole sequence recomputed each step
            m = torch.ones_like(seq)
            nxt = int(forward(c, w, seq, m, m.cumsum(-1) - 1)[0, -1].argmax())
            new.append(nxt)
            seq = torch.cat([seq, torch.tensor([[nxt]])], dim=1)
            if nxt == eos:
                break
    return {"input_ids": ids.long(), "attention_mask": mask.long(), "position_ids": pos.long(),
            "logits": logits.float().contiguous(), "prompt_ids": prompt[0].long(),
            "greedy_ids": torch.tensor(new, dtype=torch.long)}


def write_dir(out, c, w, stored_dtype, tokenizer, shards=1, extras=True):
    tok, ids, encode, tok_config, gen_config, bos, eos, pad = tokenizer
    os.makedirs(out, exist_ok=True)
    vocab = len(ids)
    eos_id = ids[eos]
    name = {torch.float32: "float32", torch.float16: "float16", torch.bfloat16: "bfloat16"}[stored_dtype]
    with open(os.path.join(out, "config.json"), "w") as f:
        json.dump(config_json(c, vocab, ids.get(bos) if bos else None, eos_id, ids.get(pad) if pad else None, name), f, indent=2)
    stored = {k: v.to(stored_dtype).contiguous() for k, v in w.items()}
    if shards == 1:
        write_safetensors(os.path.join(out, "model.safetensors"), stored, {"format": "pt"})
    else:
        names = list(stored)
        half = len(names) // 2
        parts = [names[:half], names[half:]]
        weight_map = {}
        for i, part in enumerate(parts):
            fname = "model-%05d-of-%05d.safetensors" % (i + 1, len(parts))
            write_safetensors(os.path.join(out, fname), {k: stored[k] for k in part}, {"format": "pt"})
            weight_map.update({k: fname for k in part})
        total = sum(t.numel() * t.element_size() for t in stored.values())
        with open(os.path.join(out, "model.safetensors.index.json"), "w") as f:
            json.dump({"metadata": {"total_size": total}, "weight_map": weight_map}, f, indent=2)
    rounded = {k: v.float() for k, v in stored.items()}
    if shards > 1:
        return  # the same model as the single-file directory: its expected.safetensors and tokenizer apply
    with open(os.path.join(out, "tokenizer.json"), "w", encoding="utf-8") as f:
        json.dump(tok, f, ensure_ascii=False)
    with open(os.path.join(out, "tokenizer_config.json"), "w") as f:
        json.dump(tok_config, f, indent=2)
    if gen_config is not None:
        with open(os.path.join(out, "generation_config.json"), "w") as f:
            json.dump(gen_config, f, indent=2)
    write_safetensors(os.path.join(out, "expected.safetensors"), expected(c, rounded, encode, eos_id, vocab))


def write_tokenizer_cases(out):
    """Texts and the ids each tokenizer style gives them, with and without special tokens."""
    texts = ["the cat sat on the mat.", "hello world!", "naïve café", "Привет", "emoji 🙂", "  two  spaces", ""]
    cases = {}
    for name in ("llama", "qwen2", "mistral", "neox"):
        tok, ids, encode, tok_config, gen_config, bos, eos, pad = tokenizer_for(name)
        cases[name] = {"eos_id": ids[eos], "pad_id": ids[pad] if pad else -1, "vocab_size": len(ids),
                       "encodings": [{"text": t, "ids": encode(t, False), "with_special": encode(t, True)} for t in texts]}
    with open(os.path.join(out, "expected_encodings.json"), "w", encoding="utf-8") as f:
        json.dump(cases, f, ensure_ascii=False, indent=1)


def main(out):
    os.makedirs(out, exist_ok=True)
    for i, (name, c) in enumerate(FAMILIES.items()):
        gen = torch.Generator().manual_seed(100 + i)
        tokenizer = tokenizer_for(name)
        vocab = len(tokenizer[1])
        w = neox_weights(c, vocab, gen) if c["model_type"] == "gpt_neox" else llama_weights(c, vocab, gen)
        write_dir(os.path.join(out, name), c, w, torch.float32, tokenizer)
        if name == "llama":
            write_dir(os.path.join(out, "llama-f16"), c, w, torch.float16, tokenizer)
            write_dir(os.path.join(out, "llama-bf16"), c, w, torch.bfloat16, tokenizer)
        if name == "qwen2":
            write_dir(os.path.join(out, "qwen2-sharded"), c, w, torch.float32, tokenizer, shards=2)
    write_tokenizer_cases(out)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "lm/src/test/resources/hf-tiny-families")
