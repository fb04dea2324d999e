#!/usr/bin/env bash
# The PPO stack's check on a GPU host (Python with a CUDA PyTorch, CMake, a C++ compiler, nvcc; no Java, no network).
#   run-gpu-check.sh OUTDIR          on the GPU host: builds DJL's JNI against the host's libtorch, then checks
#   run-gpu-check.sh --cpu OUTDIR    the rehearsal on a CPU machine: Maven Central's libtorch 2.7.1 and its JNI, tiny shapes
#   run-gpu-check.sh --native-cpu OUTDIR   the GPU path without a GPU: builds the JNI (CPU) against the Python's own
#                                    torch and checks with it, tiny shapes (GPU_CHECK_JNI_BUDGET_S: a 2-core machine needs ~30 min)
# Writes into OUTDIR: check.log (everything printed), summary.json, correctness.json, bench.json (GPT-2 small, or
# tiny for --cpu), bench-xl.json (GPU, when time allows), torch_ref.jsonl, jni-build.log (GPU).
# On the GPU the speed runs are mixed precision on both sides (ours --precision bfloat16, torch_ref under autocast
# bfloat16); the CPU modes run float32.
# Every phase has a time budget; the whole run stays under GPU_CHECK_BUDGET_S seconds (default 450, under 8 min).
# Environment: PYTHON (default: the first of python3, /usr/bin/python3 that imports torch), GPU_CHECK_WORK (scratch
# folder, default a new one under /tmp), RLHF_CPU_LIBTORCH (--cpu: the folder with libtorch.so; default: the DJL
# engine cache, ~/.djl.ai/pytorch/2.7.1-*cpu-linux-x86_64), GPU_CHECK_XL=0 to skip the GPT-2 XL iteration.
set -uo pipefail
kit="$(cd "$(dirname "$0")" && pwd)"
mode=gpu
precision=float32
case "${1:-}" in
  --cpu) mode=cpu; shift ;;
  --native-cpu) mode=native; shift ;;
esac
[ $# -eq 1 ] || { echo "usage: run-gpu-check.sh [--cpu|--native-cpu] OUTDIR" >&2; exit 2; }
mkdir -p "$1" && out="$(cd "$1" && pwd)"
work="${GPU_CHECK_WORK:-$(mktemp -d /tmp/gpu-check.XXXXXX)}"
mkdir -p "$work"
total="${GPU_CHECK_BUDGET_S:-450}"
t0=$(date +%s)
log="$out/check.log"
: > "$log"
rm -f "$out/summary.json" "$out/correctness.json" "$out/bench.json" "$out/bench-xl.json"
phases="$work/phases.tsv"
: > "$phases"

# Whatever stops the run, OUTDIR ends with a summary.json.
trap '[ -f "$out/summary.json" ] || printf "{\"mode\": \"%s\", \"all_passed\": false, \"error\": \"stopped early; see check.log\"}\n" "$mode" > "$out/summary.json"' EXIT
say() { printf '%s\n' "$*" | tee -a "$log" >&2; }
left() { echo $(( total - ($(date +%s) - t0) )); }
note() { printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "${4:-}" >> "$phases"; }

# phase NAME BUDGET_S CMD...: runs CMD with its output in check.log, killed after min(BUDGET_S, what is left − 15 s).
phase() {
  local name="$1" budget="$2"; shift 2
  local remaining=$(( $(left) - 15 ))
  if [ "$remaining" -lt 5 ]; then
    say "== $name: skipped, the run's ${total} s budget is spent"
    note "$name" skipped 0 "budget spent"
    return 3
  fi
  [ "$budget" -gt "$remaining" ] && budget="$remaining"
  say "== $name (budget ${budget} s)"
  local s=$(date +%s%N) rc
  timeout --kill-after=5 "$budget" "$@" 2>&1 | tee -a "$log"
  rc=${PIPESTATUS[0]}
  local secs
  secs=$(awk -v a="$s" -v b="$(date +%s%N)" 'BEGIN { printf "%.1f", (b - a) / 1e9 }')
  if [ "$rc" -eq 0 ]; then note "$name" ok "$secs"; say "== $name: ok in ${secs} s"
  elif [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then note "$name" timeout "$secs" "over ${budget} s"; say "== $name: TIMEOUT after ${secs} s"
  else note "$name" failed "$secs" "exit $rc"; say "== $name: FAILED (exit $rc) after ${secs} s"
  fi
  return "$rc"
}

say "gpu check, mode $mode, kit $kit, work $work, out $out, budget ${total} s, $(date -u +%FT%TZ)"

# --- 1. Unpack the Java runtime.
if [ ! -x "$kit/jre/bin/java" ]; then
  phase unpack 30 tar -C "$work" -xJf "$kit/jre.tar.xz" || exit 1
  java="$work/jre/bin/java"
else
  java="$kit/jre/bin/java"
fi

# --- 2. Python and what it has.
py="${PYTHON:-}"
if [ -z "$py" ]; then
  for c in python3 /usr/bin/python3; do
    if command -v "$c" > /dev/null && "$c" -c 'import torch' 2> /dev/null; then py="$c"; break; fi
  done
fi
have_torch=0 have_tf=0
if [ -n "$py" ] && "$py" -c 'import torch' 2> /dev/null; then have_torch=1; fi
if [ "$have_torch" = 1 ] && "$py" -c 'import transformers' 2> /dev/null; then have_tf=1; fi
export PYTHON="$py"
say "python: ${py:-none}; torch importable: $have_torch; transformers importable: $have_tf"
[ "$have_torch" = 1 ] && "$py" -c 'import torch; print("torch", torch.__version__, "cuda", torch.version.cuda, "gpu", torch.cuda.is_available() and torch.cuda.get_device_name(0))' 2>&1 | tee -a "$log"

cp_jars="$(sed "s|^|$kit/|" "$kit/classpath.txt" | grep '^.*/lib/' | paste -sd: -)"
export OMP_WAIT_POLICY=PASSIVE
jopts=(-Dai.djl.offline=true -XX:+UseParallelGC)

# --- 3. libtorch and the JNI.
if [ "$mode" != cpu ]; then
  [ "$have_torch" = 1 ] || { say "no Python with torch: cannot find the host's libtorch"; note python failed 0 "no torch"; exit 1; }
  torch_dir="$("$py" -c 'import os, torch; print(os.path.dirname(torch.__file__))')"
  tv="$("$py" -c 'import torch; print(torch.__version__.split("+")[0])')"
  cu="$("$py" -c 'import torch; print((torch.version.cuda or "").replace(".", ""))')"
  if [ "$mode" = gpu ]; then
    [ -n "$cu" ] || { say "the host's torch has no CUDA"; note python failed 0 "torch without CUDA"; exit 1; }
    flavor="cu$cu" jni_flavor=cuda
  else
    flavor=cpu jni_flavor=cpu
  fi
  jobs=$(nproc)
  if [ -n "${GPU_CHECK_JNI:-}" ] && [ -f "$GPU_CHECK_JNI" ]; then
    # A JNI this script built before for the same torch (a rerun within the 8 minutes).
    mkdir -p "$work/jni" && cp "$GPU_CHECK_JNI" "$work/jni/libdjl_torch.so"
    say "== jni-build: skipped, using $GPU_CHECK_JNI"; note jni-build skipped 0 "prebuilt $GPU_CHECK_JNI"; rc=0
  else
    JNI_JOBS="$jobs" phase jni-build "${GPU_CHECK_JNI_BUDGET_S:-240}" "$kit/build-jni.sh" "$torch_dir" "$kit/djl-0.35.1" "$kit/jni/include" "$work/jni" "$jni_flavor"
    rc=$?
  fi
  cp "$work/jni/cmake-configure.log" "$out/jni-build.log" 2> /dev/null
  cat "$work/jni/cmake-build.log" >> "$out/jni-build.log" 2> /dev/null
  if [ "$rc" -ne 0 ] || [ ! -f "$work/jni/libdjl_torch.so" ]; then
    say "the JNI did not build: nothing in Java can run"
    printf '{"mode": "%s", "all_passed": false, "error": "JNI build failed; see jni-build.log and check.log"}\n' "$mode" > "$out/summary.json"
    exit 1
  fi
  # DJL looks for the JNI in PYTORCH_LIBRARY_PATH, then in its cache as VERSION-FLAVOR-CLASSIFIER/0.35.1-libdjl_torch.so.
  cache="$work/djl-cache"
  mkdir -p "$cache/pytorch/$tv-$flavor-linux-x86_64"
  cp "$work/jni/libdjl_torch.so" "$cache/pytorch/$tv-$flavor-linux-x86_64/0.35.1-libdjl_torch.so"
  nv="$("$py" -c 'import glob, os, torch; print(":".join(sorted(glob.glob(os.path.join(os.path.dirname(os.path.dirname(torch.__file__)), "nvidia", "*", "lib")))))')"
  export PYTORCH_LIBRARY_PATH="$torch_dir/lib" PYTORCH_VERSION="$tv" PYTORCH_FLAVOR="$flavor"
  export DJL_CACHE_DIR="$cache" ENGINE_CACHE_DIR="$cache" PYTORCH_LIBRARY_EXCLUSION="libtorch_python.so,libshm.so,libaoti_custom_ops.so,libbackend_with_compiler.so,libjitbackend_test.so,libtorchbind_test.so"
  export LD_LIBRARY_PATH="$torch_dir/lib${nv:+:$nv}${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  if [ "$mode" = gpu ]; then
    # DJL counts GPUs through JNA's Native.load("cudart"), which wants a file named libcudart.so: point it at the
    # CUDA runtime torch itself loads (the same file, so one copy in the process), else at the toolkit's.
    rt=""
    for d in "$torch_dir/lib" ${nv//:/ } /usr/local/cuda/lib64; do
      rt="$(ls "$d"/libcudart.so* 2> /dev/null | head -1)"
      [ -n "$rt" ] && break
    done
    mkdir -p "$work/cudart"
    [ -n "$rt" ] && ln -sf "$(readlink -f "$rt")" "$work/cudart/libcudart.so"
    say "CUDA runtime for DJL's GPU count: ${rt:-none found}"
    jopts+=(-Djna.library.path="$work/cudart")
  fi
  jopts+=(-Drlhf.bf16=true)  # the patched JNI knows bfloat16 (patches/0001)
  if [ "$mode" = gpu ]; then device=gpu size=small torch_device=cuda precision=bfloat16; else device=cpu size=tiny torch_device=cpu; fi
else
  lt="${RLHF_CPU_LIBTORCH:-}"
  if [ -z "$lt" ]; then
    for d in "${DJL_CACHE_DIR:-$HOME/.djl.ai}"/pytorch/2.7.1-*cpu-linux-x86_64; do [ -f "$d/libtorch.so" ] && lt="$d"; done
  fi
  [ -n "$lt" ] && [ -f "$lt/libtorch.so" ] || { say "no CPU libtorch 2.7.1 (set RLHF_CPU_LIBTORCH, or run any lm test once to fill the DJL cache)"; note libtorch failed 0 "none found"; exit 1; }
  export PYTORCH_LIBRARY_PATH="$lt" PYTORCH_VERSION=2.7.1 PYTORCH_FLAVOR=cpu
  cp_jars="$cp_jars:$(ls "$kit"/cpu/pytorch-jni-*.jar | head -1)"
  jopts+=(-Dai.djl.pytorch.num_threads=2 -Dai.djl.pytorch.num_interop_threads=1)
  device=cpu size=tiny torch_device=cpu
  say "libtorch: $lt (Maven Central's CPU build and its JNI)"
fi
say "PYTORCH_LIBRARY_PATH=$PYTORCH_LIBRARY_PATH PYTORCH_VERSION=$PYTORCH_VERSION PYTORCH_FLAVOR=$PYTORCH_FLAVOR"
check=("$java" "${jopts[@]}" -cp "$cp_jars" dev.rlhf.gpu.GpuCheck)

# --- 4. The transformers reference.
hf=none hf_reason=""
if [ "$have_tf" = 1 ]; then
  if phase hf-reference 60 "$py" "$kit/hf_reference.py" "$work/hf"; then hf="$work/hf"; else hf_reason="hf_reference.py failed (check.log)"; fi
else
  hf_reason="transformers not importable from ${py:-any python}: the Hugging Face comparison is skipped"
  say "$hf_reason"
  note hf-reference skipped 0 "$hf_reason"
fi

# --- 5. Correctness on the device.
phase correctness 120 "${check[@]}" correctness --device "$device" --hf "$hf" --hf-skip-reason "${hf_reason:-none}" --out "$out/correctness.json"

# --- 6. Speed: torch_ref.py, then ours, with the same shapes.
flags="$("${check[@]}" bench --size "$size" --device cpu --print-torch-flags true 2> /dev/null | tail -1)"
: > "$out/torch_ref.jsonl"
if [ "$have_torch" = 1 ] && [ -f "$kit/torch_ref.py" ]; then
  # shellcheck disable=SC2086
  phase torch-ref 100 "$py" "$kit/torch_ref_on.py" "$torch_device" "$kit/torch_ref.py" --autocast "$precision" $flags --threads 2 --only gemm,train,sample,ppo \
    | grep '^{' | tee "$out/torch_ref.jsonl"
else
  why="no Python with torch"; [ -f "$kit/torch_ref.py" ] || why="the kit carries no torch_ref.py"
  say "torch_ref.py not run: $why"; note torch-ref skipped 0 "$why"
fi
phase bench 150 "${check[@]}" bench --device "$device" --size "$size" --precision "$precision" --only gemm,train,sample,ppo,methods --ppo-iterations 2 \
  --torch "$out/torch_ref.jsonl" --out "$out/bench.json"
benches="$out/bench.json"

# --- 7. GPT-2 XL (1.5B), one PPO iteration each side, if the budget allows.
if [ "$mode" = gpu ] && [ "${GPU_CHECK_XL:-1}" = 1 ]; then
  if [ "$(left)" -ge 170 ]; then
    xl="$("${check[@]}" bench --size xl --device cpu --print-torch-flags true 2> /dev/null | tail -1)"
    # shellcheck disable=SC2086
    phase torch-ref-xl 70 "$py" "$kit/torch_ref_on.py" cuda "$kit/torch_ref.py" --autocast "$precision" $xl --only ppo | grep '^{' | tee "$work/torch_ref_xl.jsonl"
    cat "$work/torch_ref_xl.jsonl" >> "$out/torch_ref.jsonl"
    phase bench-xl 100 "${check[@]}" bench --device gpu --size xl --precision "$precision" --only ppo --ppo-iterations 1 --torch "$work/torch_ref_xl.jsonl" --out "$out/bench-xl.json"
    benches="$benches,$out/bench-xl.json"
  else
    say "== GPT-2 XL iteration skipped: $(left) s left of ${total} s, it needs about 170"
    note bench-xl skipped 0 "budget: $(left) s left, needs about 170"
  fi
fi

# --- 8. Summary.
"${check[@]}" summary --mode "$mode" --phases "$phases" --correctness "$out/correctness.json" --bench "$benches" --out "$out/summary.json" 2>&1 | tee -a "$log"
[ -f "$out/summary.json" ] || printf '{"mode": "%s", "all_passed": false, "error": "summary failed; see check.log"}\n' "$mode" > "$out/summary.json"
say "done in $(( $(date +%s) - t0 )) s; results in $out"
grep -q '"all_passed": true' "$out/summary.json"
