#!/usr/bin/env bash
# Makes TorchSharp's native shim (libLibTorchSharp.so) load on systems whose libstdc++ predates GCC 13.
# The shim references std::ios_base_library_init@GLIBCXX_3.4.32, its only symbol newer than Debian 12's
# libstdc++. For every shim below DIR this script: copies a tiny compat library that defines the function
# next to it, marks the GLIBCXX_3.4.32 requirement weak, clears the symbol's version so it binds to the
# compat library, and adds the compat library as DT_NEEDED (the shim's RUNPATH has $ORIGIN).
# Idempotent; a no-op where the system libstdc++ already has GLIBCXX_3.4.32. Never touches the NuGet cache:
# it only edits copies in build and publish folders.
# Usage: fix-torchsharp-native.sh DIR [TOOL_CACHE_DIR]
set -euo pipefail

dir=${1:?usage: fix-torchsharp-native.sh DIR [TOOL_CACHE_DIR]}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cache=${2:-$here/../.native-cache}
version=GLIBCXX_3.4.32
symbol=_ZSt21ios_base_library_initv
compat=libcxrvl_glibcxx_compat.so

[ "$(uname -s)" = Linux ] || exit 0
mapfile -t shims < <(find "$dir" -name libLibTorchSharp.so -type f 2>/dev/null)
[ ${#shims[@]} -gt 0 ] || exit 0

libstdcxx=$(/sbin/ldconfig -p 2>/dev/null | awk '/libstdc\+\+\.so\.6 .*x86-64|libstdc\+\+\.so\.6 .*AArch64/ {print $NF; exit}')
if [ -n "$libstdcxx" ] && grep -qa "$version" "$libstdcxx"; then
  exit 0
fi

missing=()
for tool in g++ gcc patchelf readelf; do command -v "$tool" >/dev/null || missing+=("$tool"); done
if [ ${#missing[@]} -gt 0 ]; then
  echo "error CXRVL001: TorchSharp's native shim needs a patch on this system (libstdc++ lacks $version), which needs: ${missing[*]}. Run 'bash scripts/setup' (installs g++ and patchelf with apt)." >&2
  exit 1
fi

mkdir -p "$cache"
if [ ! -f "$cache/$compat" ] || [ "$here/native/glibcxx_compat.cpp" -nt "$cache/$compat" ]; then
  g++ -shared -fPIC -O2 -o "$cache/$compat.tmp" "$here/native/glibcxx_compat.cpp" && mv "$cache/$compat.tmp" "$cache/$compat"
fi
if [ ! -x "$cache/elf_weaken_verneed" ] || [ "$here/native/elf_weaken_verneed.c" -nt "$cache/elf_weaken_verneed" ]; then
  gcc -O2 -o "$cache/elf_weaken_verneed.tmp" "$here/native/elf_weaken_verneed.c" && mv "$cache/elf_weaken_verneed.tmp" "$cache/elf_weaken_verneed"
fi

for shim in "${shims[@]}"; do
  folder=$(dirname "$shim")
  cmp -s "$cache/$compat" "$folder/$compat" || cp "$cache/$compat" "$folder/$compat"
  if readelf -d "$shim" | grep -q "\[$compat\]"; then
    continue
  fi
  # Work on a private copy so a hard link into a package cache is never edited.
  work="$shim.cxrvl-tmp"
  cp "$shim" "$work"
  status=0
  "$cache/elf_weaken_verneed" "$work" "$version" || status=$?
  if [ $status -eq 1 ]; then
    rm -f "$work"   # this shim does not need the newer libstdc++
    continue
  elif [ $status -ne 0 ]; then
    rm -f "$work"; exit 1
  fi
  patchelf --clear-symbol-version "$symbol" "$work"
  patchelf --add-needed "$compat" "$work"
  mv "$work" "$shim"
  echo "fix-torchsharp-native: patched $shim"
done
