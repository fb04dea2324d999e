#!/usr/bin/python3
"""Builds the tiny Hugging Face GPT-2 fixture under lm/src/test/resources/hf-tiny-gpt2/.

The fixture is made independently of the Java code: a GPT-2 written here in plain torch, following the math of
Hugging Face's GPT2LMHeadModel (Conv1D weights stored [in, out], q/k/v concatenated in c_attn in that order,
gelu_new in its tanh form, LayerNorm eps 1e-5, attention scaled by 1/sqrt(head_dim), lm head tied to wte), and a
GPT-2 style byte-level BPE tokenizer with its own encoder. Files are laid out as save_pretrained of
GPT2LMHeadModel does, written by the small safetensors writer below.

Regenerate (from the repository root; needs only torch, e.g. Debian's python3-torch):

    /usr/bin/python3 lm/src/test/python/make_hf_fixture.py lm/src/test/resources/hf-tiny-gpt2

Output (all deterministic for a given torch version):
  config.json, model.safetensors      F32, names with "transformer.", causal-mask buffers h.{i}.attn.bias (BOOL)
                                       and h.{i}.attn.masked_bias (F32 scalar) included, as older checkpoints have
  tokenizer.json                       byte-level BPE: 256 byte tokens, MERGES merges, <|endoftext|> last
  expected_logits.json                 2 rows of input ids (row 2 left-padded), attention mask, position ids,
                                       float32 logits [2, T, vocab]; positions with mask 0 are not meaningful
  expected_encodings.json              text -> ids from the encoder below
  weights_sample.json                  per tensor: shape, first values and the float64 sum of the float32 values
  f16/, bf16/                          the same model stored in F16 / BF16, with logits and samples computed from
                                       the rounded weights
  no-prefix/                           the F32 model with names without "transformer." (as the original gpt2 files)
  dtypes.safetensors, dtypes.json      edge values (subnormals, +-0, +-inf, NaN, extremes) in F16 and BF16 with
                                       the float32 bit patterns torch converts them to
"""
import json
import math
import os
import re
import struct
import sys

import torch

SEED = 1234
N_POSITIONS, N_EMBD, N_LAYER, N_HEAD = 32, 16, 2, 2
MERGES = 40
VOCAB = 256 + MERGES + 1
EOS = "<|endoftext|>"
EOS_ID = VOCAB - 1

# ---------------------------------------------------------------- safetensors writer (from the format definition)
DTYPES = {torch.float32: ("F32", 4), torch.float16: ("F16", 2), torch.bfloat16: ("BF16", 2),
          torch.bool: ("BOOL", 1), torch.uint8: ("U8", 1), torch.int64: ("I64", 8)}


def tensor_bytes(t):
    t = t.contiguous()
    if t.dtype == torch.bfloat16:  # numpy has no bfloat16: take the upper half of the float32 bits
        bits = t.float().reshape(-1).view(torch.int32).numpy().astype("<i4").view("<u2")[1::2]
        return bits.tobytes()
    return t.numpy().astype(t.numpy().dtype.newbyteorder("<")).tobytes()


def write_safetensors(path, tensors, metadata=None):
    header, blobs, offset = {}, [], 0
    if metadata is not None:
        header["__metadata__"] = metadata
    for name, t in tensors.items():
        data = tensor_bytes(t)
        dtype, size = DTYPES[t.dtype]
        assert len(data) == size * t.numel()
        header[name] = {"dtype": dtype, "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    h = json.dumps(header, separators=(",", ":")).encode("utf-8")
    h += b" " * (-len(h) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


# ---------------------------------------------------------------- GPT-2 in plain torch (Hugging Face math)
def make_weights(gen):
    d, inner = N_EMBD, 4 * N_EMBD

    def rnd(*shape, std=0.3):
        return torch.randn(*shape, generator=gen) * std

    w = {"wte.weight": rnd(VOCAB, d), "wpe.weight": rnd(N_POSITIONS, d, std=0.1)}
    for i in range(N_LAYER):
        h = f"h.{i}."
        w[h + "ln_1.weight"] = 1 + rnd(d, std=0.1)
        w[h + "ln_1.bias"] = rnd(d, std=0.1)
        w[h + "attn.c_attn.weight"] = rnd(d, 3 * d)
        w[h + "attn.c_attn.bias"] = rnd(3 * d, std=0.1)
        w[h + "attn.c_proj.weight"] = rnd(d, d)
        w[h + "attn.c_proj.bias"] = rnd(d, std=0.1)
        w[h + "ln_2.weight"] = 1 + rnd(d, std=0.1)
        w[h + "ln_2.bias"] = rnd(d, std=0.1)
        w[h + "mlp.c_fc.weight"] = rnd(d, inner)
        w[h + "mlp.c_fc.bias"] = rnd(inner, std=0.1)
        w[h + "mlp.c_proj.weight"] = rnd(inner, d)
        w[h + "mlp.c_proj.bias"] = rnd(d, std=0.1)
    w["ln_f.weight"] = 1 + rnd(d, std=0.1)
    w["ln_f.bias"] = rnd(d, std=0.1)
    return w


def gelu_new(x):
    return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * torch.pow(x, 3.0))))


def layer_norm(x, w, b):
    return torch.nn.functional.layer_norm(x, (x.shape[-1],), w, b, eps=1e-5)


def forward(w, ids, mask, pos):
    """Logits [B, T, V] of GPT2LMHeadModel for input ids, a 0/1 attention mask and position ids."""
    B, T = ids.shape
    d, nh = N_EMBD, N_HEAD
    hd = d // nh
    x = w["wte.weight"][ids] + w["wpe.weight"][pos]
    causal = torch.tril(torch.ones(T, T, dtype=torch.bool))
    neg = torch.finfo(torch.float32).min
    pad = (1.0 - mask[:, None, None, :].float()) * neg  # HF: (1 - mask) * finfo.min added to the scores
    for i in range(N_LAYER):
        h = f"h.{i}."
        a = layer_norm(x, w[h + "ln_1.weight"], w[h + "ln_1.bias"])
        qkv = a @ w[h + "attn.c_attn.weight"] + w[h + "attn.c_attn.bias"]  # Conv1D: x @ W[in, out] + b
        q, k, v = qkv.split(d, dim=2)
        q, k, v = (t.view(B, T, nh, hd).transpose(1, 2) for t in (q, k, v))
        s = (q @ k.transpose(-1, -2)) / math.sqrt(hd)
        s = torch.where(causal, s, torch.tensor(neg))
        s = s + pad
        p = torch.softmax(s, dim=-1)
        y = (p @ v).transpose(1, 2).contiguous().view(B, T, d)
        x = x + (y @ w[h + "attn.c_proj.weight"] + w[h + "attn.c_proj.bias"])
        m = layer_norm(x, w[h + "ln_2.weight"], w[h + "ln_2.bias"])
        m = gelu_new(m @ w[h + "mlp.c_fc.weight"] + w[h + "mlp.c_fc.bias"])
        x = x + (m @ w[h + "mlp.c_proj.weight"] + w[h + "mlp.c_proj.bias"])
    x = layer_norm(x, w["ln_f.weight"], w["ln_f.bias"])
    return x @ w["wte.weight"].T  # tied lm head


def config_json(torch_dtype):
    return {"architectures": ["GPT2LMHeadModel"], "model_type": "gpt2", "vocab_size": VOCAB,
            "n_positions": N_POSITIONS, "n_ctx": N_POSITIONS, "n_embd": N_EMBD, "n_layer": N_LAYER,
            "n_head": N_HEAD, "n_inner": None, "activation_function": "gelu_new", "layer_norm_epsilon": 1e-5,
            "initializer_range": 0.02, "resid_pdrop": 0.0, "embd_pdrop": 0.0, "attn_pdrop": 0.0,
            "bos_token_id": EOS_ID, "eos_token_id": EOS_ID, "tie_word_embeddings": True,
            "torch_dtype": torch_dtype}


def floats(t):
    return [float(x) for x in t.float().reshape(-1).tolist()]


def write_model(out, weights, dtype, prefix, buffers):
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "config.json"), "w") as f:
        json.dump(config_json({torch.float32: "float32", torch.float16: "float16",
                               torch.bfloat16: "bfloat16"}[dtype]), f, indent=2)
    stored = {}
    for name, t in weights.items():
        stored[prefix + name] = t.to(dtype)
        if buffers and name.endswith("ln_1.weight") and name.startswith("h."):
            i = name.split(".")[1]
            stored[f"{prefix}h.{i}.attn.bias"] = torch.tril(
                torch.ones(N_POSITIONS, N_POSITIONS, dtype=torch.bool)).view(1, 1, N_POSITIONS, N_POSITIONS)
            stored[f"{prefix}h.{i}.attn.masked_bias"] = torch.tensor(-1e4)
    write_safetensors(os.path.join(out, "model.safetensors"), stored, {"format": "pt"})
    rounded = {k: v.to(dtype).float() for k, v in weights.items()}  # what a float32 reader sees
    with open(os.path.join(out, "weights_sample.json"), "w") as f:
        json.dump({k: {"shape": list(v.shape), "first": floats(v)[:16], "sum": float(v.double().sum())}
                   for k, v in rounded.items()}, f, indent=1)
    return rounded


def write_logits(out, weights):
    T = 8
    ids = torch.tensor([[bytes_to_id(b) for b in "Hello wo".encode()],
                        [EOS_ID, EOS_ID, EOS_ID] + [bytes_to_id(b) for b in "a cat".encode()]])
    mask = torch.tensor([[1] * T, [0, 0, 0] + [1] * (T - 3)])
    pos = mask.long().cumsum(-1) - 1
    pos = pos.masked_fill(mask == 0, 1)  # as GPT2LMHeadModel.prepare_inputs_for_generation does
    ids[1, 3] = VOCAB - 2  # also use a merged token and the first merge rows of wte
    with torch.no_grad():
        logits = forward(weights, ids, mask, pos)
    with open(os.path.join(out, "expected_logits.json"), "w") as f:
        json.dump({"note": "compare positions where attention_mask is 1; padded positions are not meaningful",
                   "input_ids": ids.tolist(), "attention_mask": mask.tolist(), "position_ids": pos.tolist(),
                   "shape": list(logits.shape), "logits": [[floats(t) for t in row] for row in logits]}, f)


# ---------------------------------------------------------------- GPT-2 byte-level BPE
def bytes_to_unicode():
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return bs, {b: chr(c) for b, c in zip(bs, cs)}


BYTE_ORDER, BYTE_CHAR = bytes_to_unicode()


def bytes_to_id(b):
    return BYTE_ORDER.index(b)


# GPT-2's pattern 's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+ written for Python's re:
# \p{L} as [^\W\d_] and \p{N} as \d, which agree on the texts used here.
PAT = re.compile(r"""'s|'t|'re|'ve|'m|'ll|'d| ?[^\W\d_]+| ?\d+| ?(?:[^\s\w]|_)+|\s+(?!\S)|\s+""")

CORPUS = ("the cat sat on the mat. the other cat and the dog ate the food; then they sat in the sun. "
          "hello world! hello there, said the other one. it's the end of the story, isn't it? 1234 5678 ") * 3


def pretokens(text):
    return ["".join(BYTE_CHAR[b] for b in piece.encode("utf-8")) for piece in PAT.findall(text)]


def train_merges(corpus, count):
    words = {}
    for w in pretokens(corpus):
        words[tuple(w)] = words.get(tuple(w), 0) + 1
    return merge_words(words, count)


def merge_words(words, count):
    """The first count BPE merges of words (symbol tuple -> frequency)."""
    merges = []
    for _ in range(count):
        pairs = {}
        for w, n in words.items():
            for a, b in zip(w, w[1:]):
                pairs[(a, b)] = pairs.get((a, b), 0) + n
        best = max(sorted(pairs), key=lambda p: pairs[p])  # most frequent, ties broken by the smallest pair
        merges.append(best)
        new = {}
        for w, n in words.items():
            out, i = [], 0
            while i < len(w):
                if i + 1 < len(w) and (w[i], w[i + 1]) == best:
                    out.append(w[i] + w[i + 1])
                    i += 2
                else:
                    out.append(w[i])
                    i += 1
            new[tuple(out)] = new.get(tuple(out), 0) + n
        words = new
    return merges


def bpe(word, ranks):
    parts = list(word)
    while len(parts) > 1:
        pairs = [(ranks.get((a, b), math.inf), i) for i, (a, b) in enumerate(zip(parts, parts[1:]))]
        rank, _ = min(pairs)
        if rank == math.inf:
            break
        pair = min(pairs)[1]
        a, b = parts[pair], parts[pair + 1]
        out, i = [], 0
        while i < len(parts):  # merge every occurrence of the best pair, left to right
            if i + 1 < len(parts) and parts[i] == a and parts[i + 1] == b:
                out.append(a + b)
                i += 2
            else:
                out.append(parts[i])
                i += 1
        parts = out
    return parts


def encode(text, vocab, ranks):
    ids = []
    for i, chunk in enumerate(text.split(EOS)):  # the special token is matched before pre-tokenization
        if i > 0:
            ids.append(EOS_ID)
        for w in pretokens(chunk):
            ids.extend(vocab[p] for p in bpe(w, ranks))
    return ids


def write_tokenizer(out):
    merges = train_merges(CORPUS, MERGES)
    vocab = {BYTE_CHAR[b]: i for i, b in enumerate(BYTE_ORDER)}
    for a, b in merges:
        vocab[a + b] = len(vocab)
    assert len(vocab) == VOCAB - 1
    ranks = {m: i for i, m in enumerate(merges)}
    level = {"add_prefix_space": False, "trim_offsets": True, "use_regex": True}
    tok = {"version": "1.0", "truncation": None, "padding": None,
           "added_tokens": [{"id": EOS_ID, "content": EOS, "single_word": False, "lstrip": False,
                             "rstrip": False, "normalized": True, "special": True}],
           "normalizer": None,
           "pre_tokenizer": dict(type="ByteLevel", **level),
           "post_processor": dict(type="ByteLevel", **level),
           "decoder": dict(type="ByteLevel", **level),
           "model": {"type": "BPE", "dropout": None, "unk_token": None, "continuing_subword_prefix": "",
                     "end_of_word_suffix": "", "fuse_unk": False, "byte_fallback": False,
                     "vocab": vocab, "merges": [a + " " + b for a, b in merges]}}
    with open(os.path.join(out, "tokenizer.json"), "w", encoding="utf-8") as f:
        json.dump(tok, f, ensure_ascii=False, indent=1)
    texts = ["the cat sat on the mat.", "Hello world!", "hello there, said the other one",
             "it's the end, isn't it?", "  two  spaces\nand a newline\n\n", "1234 5678 90",
             "naïve café", "Привет мир", "日本語のテキスト", "emoji 🙂 and ✓", "snake_case_name",
             "end of text<|endoftext|>next document", "the" * 7, ""]
    with open(os.path.join(out, "expected_encodings.json"), "w", encoding="utf-8") as f:
        json.dump({"eos_id": EOS_ID, "vocab_size": VOCAB,
                   "encodings": [{"text": t, "ids": encode(t, vocab, ranks)} for t in texts]},
                  f, ensure_ascii=False, indent=1)


# ---------------------------------------------------------------- dtype edge cases
def write_dtype_cases(out):
    f16 = torch.tensor([0.0, -0.0, 1.0, -2.5, 65504.0, -65504.0, 6.103515625e-05, 5.960464477539063e-08,
                        3.0517578125e-05, float("inf"), float("-inf"), float("nan"), 0.333251953125, 1e-3],
                       dtype=torch.float16)
    bf16 = torch.tensor([0.0, -0.0, 1.0, -2.5, 3.3895313892515355e38, -3.3895313892515355e38, 1.1754943508222875e-38,
                         9.183549615799121e-41, float("inf"), float("-inf"), float("nan"), 0.333984375, 1e-3],
                        dtype=torch.bfloat16)
    write_safetensors(os.path.join(out, "dtypes.safetensors"),
                      {"f16": f16, "bf16": bf16, "f16_matrix": torch.arange(-6, 6, dtype=torch.float16).view(3, 4) / 4,
                       "bf16_matrix": torch.arange(-6, 6, dtype=torch.bfloat16).view(3, 4) / 4},
                      {"format": "pt"})

    def bits(t):
        return [int(x) for x in t.float().view(torch.int32).tolist()]

    with open(os.path.join(out, "dtypes.json"), "w") as f:
        json.dump({"f16": bits(f16), "bf16": bits(bf16),
                   "f16_matrix": bits((torch.arange(-6, 6, dtype=torch.float16).view(3, 4) / 4).reshape(-1)),
                   "bf16_matrix": bits((torch.arange(-6, 6, dtype=torch.bfloat16).view(3, 4) / 4).reshape(-1))},
                  f, indent=1)


def main(out):
    os.makedirs(out, exist_ok=True)
    gen = torch.Generator().manual_seed(SEED)
    weights = make_weights(gen)
    write_tokenizer(out)
    write_logits(out, write_model(out, weights, torch.float32, "transformer.", buffers=True))
    write_logits(os.path.join(out, "f16"), write_model(os.path.join(out, "f16"), weights, torch.float16,
                                                        "transformer.", buffers=False))
    write_logits(os.path.join(out, "bf16"), write_model(os.path.join(out, "bf16"), weights, torch.bfloat16,
                                                         "transformer.", buffers=False))
    write_model(os.path.join(out, "no-prefix"), weights, torch.float32, "", buffers=True)
    write_dtype_cases(out)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "lm/src/test/resources/hf-tiny-gpt2")
