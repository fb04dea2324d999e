#!/usr/bin/env bash
# Builds DJL 0.35.1's PyTorch JNI (libdjl_torch.so) against a libtorch found on this machine.
#   build-jni.sh TORCH_DIR DJL_SRC JNI_INCLUDE BUILD_DIR [cuda|cpu]
# TORCH_DIR: the torch package (lib/, include/, share/cmake/), e.g. python3 -c 'import torch,os;print(os.path.dirname(torch.__file__))'.
# DJL_SRC: the unmodified DJL 0.35.1 tree (api/src/main/native, engines/pytorch/pytorch-native); it is copied,
# and the patches beside this script (patches/*.patch, in name order) are applied to the copy.
# JNI_INCLUDE: a folder with jni.h and linux/jni_md.h. Writes BUILD_DIR/libdjl_torch.so.
# CMake with the vendor CMakeLists.txt comes first; if it fails (a CUDA toolkit that Caffe2's CMake files cannot
# describe, say), the same sources are compiled with the compiler directly, and the log says so (JNI_DIRECT=1 goes
# straight there; JNI_CXX_STD sets its -std, c++17 as the vendor CMakeLists has it: libtorch 2.13 headers ask for C++20
# but compile under C++17 with warnings).
set -euo pipefail
torch="$1" djl="$2" jni="$3" build="$4" flavor="${5:-cuda}"
here="$(cd "$(dirname "$0")" && pwd)"
jobs="${JNI_JOBS:-$(nproc)}"
rm -rf "$build" && mkdir -p "$build"
cp -r "$djl" "$build/djl"
chmod -R u+w "$build/djl"
src="$build/djl/engines/pytorch/pytorch-native"
for p in "$here"/patches/*.patch; do
  [ -e "$p" ] || continue
  echo "applying $(basename "$p")"
  patch -s -p1 -d "$build/djl" < "$p"
done
defs=()
if [ "$flavor" = cuda ]; then
  cuda="${CUDA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v nvcc)")")")}"
  defs+=(-DUSE_CUDA=ON -DCUDAToolkit_ROOT="$cuda" -DCUDA_TOOLKIT_ROOT_DIR="$cuda" -DCMAKE_CUDA_COMPILER="$cuda/bin/nvcc")
  # A pip-installed torch keeps cuDNN in site-packages/nvidia/cudnn; tell Caffe2's CMake where, in case it asks.
  cudnn="$(dirname "$torch")/nvidia/cudnn"
  if [ -d "$cudnn/include" ]; then
    lib="$(ls "$cudnn"/lib/libcudnn.so* 2> /dev/null | head -1)"
    defs+=(-DCUDNN_INCLUDE_PATH="$cudnn/include" -DCUDNN_ROOT="$cudnn" ${lib:+-DCUDNN_LIBRARY_PATH="$lib"})
  fi
fi
gen=()
command -v ninja > /dev/null && gen=(-G Ninja)
export TORCH_CUDA_ARCH_LIST="${TORCH_CUDA_ARCH_LIST:-9.0}"
if [ "${JNI_DIRECT:-0}" != 1 ] && cmake -S "$src" -B "$build/cmake" "${gen[@]}" -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_PREFIX_PATH="$torch/share/cmake" -DTorch_DIR="$torch/share/cmake/Torch" \
    -DJAVA_INCLUDE_PATH="$jni" -DJAVA_INCLUDE_PATH2="$jni/linux" -DJAVA_JVM_LIBRARY=NotNeeded \
    -DJAVA_AWT_LIBRARY=NotNeeded -DJAVA_AWT_INCLUDE_PATH=NotNeeded \
    -DCMAKE_SHARED_LINKER_FLAGS="-Wl,-rpath,$torch/lib" "${defs[@]}" > "$build/cmake-configure.log" 2>&1 \
   && echo "cmake configure: ok" \
   && cmake --build "$build/cmake" -j "$jobs" > "$build/cmake-build.log" 2>&1; then
  echo "cmake build: ok"
  cp "$build/cmake/libdjl_torch.so" "$build/libdjl_torch.so"
else
  if [ "${JNI_DIRECT:-0}" = 1 ]; then
    echo "JNI_DIRECT=1: compiling directly"
  else
    echo "cmake configure or build failed (last lines below); compiling directly"
    tail -25 "$build/cmake-configure.log" "$build/cmake-build.log" 2> /dev/null || true
  fi
  abi=$("${PYTHON:-python3}" -c 'import torch; print(int(torch._C._GLIBCXX_USE_CXX11_ABI))' 2>/dev/null || echo 1)
  cflags=(-O2 -fPIC -std="${JNI_CXX_STD:-c++17}" -D_GLIBCXX_USE_CXX11_ABI="$abi" -I"$src/build/include" -I"$build/djl/api/src/main/native"
          -I"$jni" -I"$jni/linux" -I"$torch/include" -I"$torch/include/torch/csrc/api/include")
  libs=(-L"$torch/lib" -Wl,--no-as-needed -ltorch -ltorch_cpu -lc10)
  if [ "$flavor" = cuda ]; then
    cflags+=(-DUSE_CUDA -I"$cuda/include")
    libs+=(-ltorch_cuda -lc10_cuda)
  fi
  mkdir -p "$build/obj"
  pids=()
  for f in "$src"/src/main/native/*.cc; do
    c++ "${cflags[@]}" -c "$f" -o "$build/obj/$(basename "$f" .cc).o" &
    pids+=($!)
    if [ "${#pids[@]}" -ge "$jobs" ]; then wait "${pids[0]}"; pids=("${pids[@]:1}"); fi
  done
  for p in "${pids[@]}"; do wait "$p"; done
  c++ -shared -o "$build/libdjl_torch.so" "$build"/obj/*.o "${libs[@]}" -Wl,-rpath,"$torch/lib"
fi
ls -la "$build/libdjl_torch.so"
