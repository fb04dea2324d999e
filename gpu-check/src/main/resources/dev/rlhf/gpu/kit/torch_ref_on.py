#!/usr/bin/env python3
"""Runs the unmodified torch_ref.py on a device:  torch_ref_on.py DEVICE PATH/torch_ref.py [--autocast bfloat16] [its flags...]

torch_ref.py builds every tensor with PyTorch's default device and times with time.perf_counter(). For a GPU this
sets the default device, makes perf_counter wait for the device's queue first (so each interval covers the work
launched in it, as a synchronous CPU run would), and prints the bf16 GEMM peak at the model's shapes, the ceiling
the check measures MFU against. On "cpu" it only adds the bf16 line. With --autocast bfloat16 every step of
torch_ref.py runs under torch.autocast in bfloat16 (float32 weights and optimizer, bf16 matrix products), PyTorch's
own mixed precision, the peer of our --precision bfloat16.
"""
import json, runpy, sys, time
import torch

device, path, argv = sys.argv[1], sys.argv[2], sys.argv[3:]
autocast = "float32"
if "--autocast" in argv:
    i = argv.index("--autocast")
    autocast = argv[i + 1]
    del argv[i:i + 2]
if autocast not in ("float32", "bfloat16"):
    sys.exit("--autocast must be float32 or bfloat16, was " + autocast)
if device != "cpu":
    torch.set_default_device(device)
    _clock = time.perf_counter

    def synced_clock():
        torch.cuda.synchronize()
        return _clock()

    time.perf_counter = synced_clock


def flag(name, default):
    return int(argv[argv.index(name) + 1]) if name in argv else default


def bf16_peak():
    bt, d, v = flag("--batch", 8) * flag("--ctx", 256), flag("--n_embd", 384), flag("--vocab", 256)
    best = 0.0
    for (m, k, n) in [(bt, d, 3 * d), (bt, d, 4 * d), (bt, 4 * d, d), (bt, d, v)]:
        x, w = torch.randn(m, k, dtype=torch.bfloat16), torch.randn(k, n, dtype=torch.bfloat16)
        for _ in range(3):
            x @ w
        t = time.perf_counter()
        for _ in range(20):
            x @ w
        g = 20 * 2 * m * k * n / (time.perf_counter() - t) / 1e9
        print(json.dumps({"metric": "gemm_bf16_gflops", "shape": [m, k, n], "value": round(g, 1)}), flush=True)
        best = max(best, g)
    return best


only = argv[argv.index("--only") + 1] if "--only" in argv else "gemm,train,sample,ppo"
print(json.dumps({"metric": "torch_env", "torch": torch.__version__, "device": device, "precision": autocast,
                  "cuda": torch.version.cuda, "gpu": torch.cuda.get_device_name(0) if device != "cpu" else None}), flush=True)
if "gemm" in only:
    bf16_peak()
sys.argv = [path] + argv
if autocast == "bfloat16":
    with torch.autocast(device_type="cuda" if device != "cpu" else "cpu", dtype=torch.bfloat16):
        runpy.run_path(path, run_name="__main__")
else:
    runpy.run_path(path, run_name="__main__")
