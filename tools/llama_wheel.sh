#!/usr/bin/env bash
# Build (once per version + CPU flags) and install llama-cpp-python with portable CPU flags.
#
# Why: pip's default build sets GGML_NATIVE=ON, which turns on ggml's AMX kernels; on
# sandboxed AMX CPUs any prompt longer than one token then segfaults. This script builds for
# an explicit instruction set with AMX off, never through pip's wheel cache, and keeps the
# wheel in a directory named by version + flags, so it cannot be confused with a native build.
# A venv holding any other llama-cpp-python build (a native one included) gets this one.
#
# usage: tools/llama_wheel.sh PYTHON        env: LLAMA_CPP_VERSION, KBC_WHEEL_CACHE
set -euo pipefail

PY=${1:?usage: tools/llama_wheel.sh PYTHON}
VERSION=${LLAMA_CPP_VERSION:-0.3.36}
CACHE=${KBC_WHEEL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kbc/wheels}

has() { grep -qw "$1" /proc/cpuinfo 2>/dev/null; }
flags="-DGGML_NATIVE=OFF -DGGML_CPU_ALL_VARIANTS=OFF -DGGML_BACKEND_DL=OFF"
flags+=" -DGGML_AMX_TILE=OFF -DGGML_AMX_INT8=OFF -DGGML_AMX_BF16=OFF"
for feature in avx avx2 fma f16c; do
  upper=$(echo "$feature" | tr '[:lower:]' '[:upper:]')
  if has "$feature"; then flags+=" -DGGML_${upper}=ON"; else flags+=" -DGGML_${upper}=OFF"; fi
done
if has avx512f; then flags+=" -DGGML_AVX512=ON"; else flags+=" -DGGML_AVX512=OFF"; fi
flags+=" -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_SERVER=OFF"

key=$(printf '%s|%s' "$VERSION" "$flags" | sha256sum | cut -c1-12)
dir="$CACHE/llama-cpp-python-$VERSION-portable-$key"
venv=$("$PY" -c 'import sys; print(sys.prefix)')
marker="$venv/.kbc-llama-build"

if [ -f "$marker" ] && [ "$(cat "$marker")" = "$key" ] \
   && "$PY" -c 'import llama_cpp' 2>/dev/null; then
  echo "llama-cpp-python $VERSION portable build $key already installed"
  exit 0
fi

if ! ls "$dir"/llama_cpp_python-*.whl >/dev/null 2>&1; then
  echo "building llama-cpp-python $VERSION with portable flags (once, ~8 min on 2 cores)"
  echo "  CMAKE_ARGS=$flags"
  mkdir -p "$CACHE"
  tmp=$(mktemp -d "$CACHE/.build.XXXXXX")
  CMAKE_ARGS="$flags" FORCE_CMAKE=1 CMAKE_BUILD_PARALLEL_LEVEL="$(nproc)" \
    "$PY" -m pip wheel --quiet --no-deps --no-cache-dir --no-binary llama-cpp-python \
    "llama-cpp-python==$VERSION" -w "$tmp"
  printf '{"version": "%s", "cmake_args": "%s", "key": "%s"}\n' "$VERSION" "$flags" "$key" \
    > "$tmp/BUILD.json"
  mkdir -p "$(dirname "$dir")"
  rm -rf "$dir" && mv "$tmp" "$dir"
fi

wheel=$(ls "$dir"/llama_cpp_python-*.whl | head -n 1)
"$PY" -m pip install --quiet --no-cache-dir --force-reinstall --no-deps "$wheel"
"$PY" -m pip install --quiet "$wheel"
echo "$key" > "$marker"
echo "installed $(basename "$wheel") (portable build $key: $dir/BUILD.json)"
