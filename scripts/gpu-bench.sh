#!/usr/bin/env bash
# gpu-bench.sh: MLA Studio's own trainer on the GPU through WebGPU (Dawn, npm `webgpu`), with figures.
#
#   bash scripts/gpu-bench.sh                  in a checkout with node_modules: build, then run on this machine
#   bash scripts/gpu-bench.sh --prepare DIR    on a machine that reaches npm and apt: fill DIR with everything the
#                                              run needs offline (Node binary, the bundled trainer, pruned
#                                              node_modules with linux-x64 dawn.node, Vulkan/GL loader .debs, the
#                                              benchmark workloads with their data). Then, on the GPU machine:
#                                              bash DIR/gpu-bench.sh
#
# What the run does: finds Node, the trainer (bundle or checkout) and the Vulkan loader (system, bundle .debs,
# else apt), picks an ICD as gpu-check.sh does (VK_DRIVER_FILES, the NVIDIA places, generated ones for
# libEGL_nvidia/libGLX_nvidia; each probed in its own process with `mla doctor`), then prints:
#   1. `mla doctor` (backends, adapter, limits, matmul GFLOP/s, MLP step) with a 20 s probe budget;
#   2. what `auto` weighs: ms/step of each workload's model on every backend (config.json run.backendsTried);
#   3. workloads (e) ResNet-18 on [64,64,3] + MLP and (f) the transformer at dim 256, 4 layers (and (a)-(d)
#      when time is left): s/epoch and samples/s on webgpu and wasm, epochs after the first.
# Results: stdout, plus $OUT/gpu-bench.json and $OUT/gpu-bench.log when OUT is set (else in the work folder).
# Environment: GPU_BENCH_BUDGET_S (default 540), GPU_BENCH_WORK (work folder), GPU_BENCH_EPOCHS (default 3),
# GPU_BENCH_ONLY=e,f (the workloads, in this order; default e,f,a,c,d,b),
# MLA_WEBGPU_ALLOW_SOFTWARE=1 (accept a CPU adapter such as lavapipe: to try the script without a GPU).
set -u
T0=$(date +%s)
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
DEBS=(libvulkan1 libglvnd0 libegl1 libgles2 libglx0 libgl1 libopengl0 libx11-6 libxext6 libxcb1 libxau6 libxdmcp6 libbsd0 libmd0)
log() { echo "[gpu-bench +$(($(date +%s) - T0))s] $*"; }
left() { echo $((BUDGET - ($(date +%s) - T0))); }

# The packages the bundled trainer loads at run time, each reduced to package.json, its "main" file and the
# files that file loads (the .wasm binaries, linux-x64's dawn.node).
prune_modules() { # SRC DST
  local src=$1 dst=$2 p main
  for p in webgpu @tensorflow/tfjs @tensorflow/tfjs-core @tensorflow/tfjs-backend-cpu @tensorflow/tfjs-backend-webgpu \
    @tensorflow/tfjs-backend-wasm @tensorflow/tfjs-backend-webgl @tensorflow/tfjs-layers @tensorflow/tfjs-converter @tensorflow/tfjs-data; do
    mkdir -p "$dst/$p"
    cp "$src/$p/package.json" "$dst/$p/"
    for l in LICENSE LICENSE.md; do [ -f "$src/$p/$l" ] && cp "$src/$p/$l" "$dst/$p/"; done
    main=$(node -p "require('$src/$p/package.json').main || 'index.js'")
    mkdir -p "$dst/$p/$(dirname "$main")" && cp "$src/$p/$main" "$dst/$p/$main"
  done
  mkdir -p "$dst/webgpu/dist/linux-x64" && cp "$src/webgpu/dist/linux-x64/dawn.node" "$dst/webgpu/dist/linux-x64/"
  cp "$src"/@tensorflow/tfjs-backend-wasm/dist/*.wasm "$dst/@tensorflow/tfjs-backend-wasm/dist/"
  for p in seedrandom long node-fetch whatwg-url tr46 webidl-conversions; do [ -d "$src/$p" ] && cp -r "$src/$p" "$dst/$p"; done
  return 0
}

if [ "${1:-}" = "--prepare" ]; then
  B=${2:?usage: gpu-bench.sh --prepare DIR}
  REPO=$(cd "$HERE/.." && pwd)
  mkdir -p "$B" && B=$(cd "$B" && pwd)
  log "build the trainer (node esbuild.mjs)"
  (cd "$REPO" && node esbuild.mjs) || { echo "build failed"; exit 1; }
  rm -rf "$B/app" && mkdir -p "$B/app/dist" "$B/app/bin"
  cp "$REPO/dist/trainer.js" "$REPO/dist/checkpoint-worker.js" "$B/app/dist/" && cp "$REPO/bin/mla.js" "$B/app/bin/" && cp "$REPO/package.json" "$B/app/"
  log "node_modules, pruned to what the trainer loads on linux-x64"
  prune_modules "$REPO/node_modules" "$B/app/node_modules"
  log "workloads (configs and generated data)"
  (cd "$REPO" && node --import tsx scripts/bench/write-workloads.ts "$B/workloads" "${GPU_BENCH_ONLY:-}") || { echo "workloads failed"; exit 1; }
  log "node binary $(command -v node) ($(node -v)) -> node.xz"
  xz -T1 -6 -c "$(readlink -f "$(command -v node)")" >"$B/node.xz"
  log "apt-get download ${DEBS[*]}"
  mkdir -p "$B/debs" && (cd "$B/debs" && apt-get download "${DEBS[@]}" 2>&1 | grep -v -e '^Get:' -e unsandboxed)
  cp "${BASH_SOURCE[0]}" "$B/gpu-bench.sh"
  du -sh "$B"
  exit 0
fi

BUDGET=${GPU_BENCH_BUDGET_S:-540}
EPOCHS=${GPU_BENCH_EPOCHS:-3}
WORK=${GPU_BENCH_WORK:-$(mktemp -d "${TMPDIR:-/tmp}/gpu-bench.XXXXXX")}
mkdir -p "$WORK/lib" "$WORK/xdg" && chmod 700 "$WORK/xdg"
RES=${OUT:-$WORK}
mkdir -p "$RES"
exec > >(tee "$RES/gpu-bench.log") 2>&1
export XDG_RUNTIME_DIR=$WORK/xdg

# ---- the trainer: a bundle made by --prepare (this script's folder), else the checkout it lives in
if [ -f "$HERE/app/bin/mla.js" ]; then
  BUNDLE=$HERE APP=$HERE/app WORKLOADS=$HERE/workloads
else
  BUNDLE="" APP=$(cd "$HERE/.." && pwd) WORKLOADS=$WORK/workloads
fi
log "trainer $APP; bundle ${BUNDLE:-none}; work $WORK; results $RES; budget ${BUDGET}s"
command -v nvidia-smi >/dev/null &&
  nvidia-smi --query-gpu=name,driver_version,memory.total,compute_cap --format=csv,noheader 2>&1 | sed 's/^/  nvidia-smi: /'
for d in /usr/local/nvidia/lib64 /usr/local/nvidia/lib; do [ -d "$d" ] && LD_LIBRARY_PATH=$d${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}; done
export LD_LIBRARY_PATH=$WORK/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}

# ---- Node: PATH (20+), else the bundle's
NODE=""
if command -v node >/dev/null && [ "$(node -p 'process.versions.node.split(".")[0]')" -ge 20 ]; then NODE=$(command -v node)
elif [ -n "$BUNDLE" ] && [ -f "$BUNDLE/node.xz" ]; then
  if command -v xz >/dev/null; then xz -dc "$BUNDLE/node.xz" >"$WORK/node"
  else python3 -c "import lzma,sys; sys.stdout.buffer.write(lzma.open(sys.argv[1]).read())" "$BUNDLE/node.xz" >"$WORK/node"; fi
  chmod +x "$WORK/node" && NODE=$WORK/node
fi
[ -z "$NODE" ] && { log "FAIL: no Node.js 20+"; exit 3; }
log "node $NODE $("$NODE" -v)"
MLA=("$NODE" "$APP/bin/mla.js")

if [ -z "$BUNDLE" ]; then
  log "build (node esbuild.mjs) and write the workloads"
  (cd "$APP" && "$NODE" esbuild.mjs && "$NODE" --import tsx scripts/bench/write-workloads.ts "$WORKLOADS" "${GPU_BENCH_ONLY:-}" >/dev/null) ||
    { log "FAIL: build or workloads"; exit 3; }
fi

# ---- the Vulkan loader and what NVIDIA's ICD links: the system's, else the bundle's .debs, else apt
have_so() { ldconfig -p 2>/dev/null | grep "$1 " >/dev/null || { for d in ${LD_LIBRARY_PATH//:/ }; do [ -e "$d/$1" ] && return 0; done; return 1; }; }
need_so() { # soname deb
  have_so "$1" && return 0
  local deb
  if [ -n "$BUNDLE" ] && deb=$(ls "$BUNDLE"/debs/"$2"_*.deb 2>/dev/null | head -1) && [ -n "$deb" ]; then
    rm -rf "$WORK/x" && dpkg-deb -x "$deb" "$WORK/x" 2>/dev/null || { mkdir -p "$WORK/x" && (cd "$WORK/x" && ar p "$deb" data.tar.xz | tar xJ); }
    find "$WORK/x" -name "$1*" -exec cp -P {} "$WORK/lib/" \;
    have_so "$1" && return 0
  fi
  command -v apt-get >/dev/null && DEBIAN_FRONTEND=noninteractive timeout 120 apt-get install -y -qq --no-install-recommends "$2" >/dev/null 2>&1
  have_so "$1"
}
need_so libvulkan.so.1 libvulkan1 || log "WARN: no Vulkan loader"
for pair in libGLdispatch.so.0:libglvnd0 libEGL.so.1:libegl1 libGLX.so.0:libglx0 libX11.so.6:libx11-6 libXext.so.6:libxext6 libxcb.so.1:libxcb1; do
  need_so "${pair%%:*}" "${pair##*:}" || true
done

# ---- an ICD whose adapter the trainer takes: each candidate probed by `mla doctor` in its own process
probe() { # label, env assignments...
  local label=$1 line
  shift
  line=$(env "$@" timeout 90 "${MLA[@]}" doctor --json --budget 0.1 2>/dev/null |
    "$NODE" -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{try{const r=JSON.parse(s);const w=r.backends.find(b=>b.name==="webgpu");console.log((w.ok?"OK ":"NO ")+w.reason)}catch{console.log("NO doctor failed")}})')
  log "  probe $label: $line"
  [[ $line == OK* ]]
}
CANDS=()
for f in ${VK_DRIVER_FILES:-} ${VK_ICD_FILENAMES:-} /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json /usr/local/nvidia/etc/vulkan/icd.d/nvidia_icd.json \
  /etc/vulkan/icd.d/nvidia_icd.json /usr/share/vulkan/icd.d/nvidia_icd.json /usr/local/share/vulkan/icd.d/nvidia_icd.json; do
  [ -f "$f" ] && [[ " ${CANDS[*]} " != *" $f "* ]] && CANDS+=("$f")
done
for lib in libEGL_nvidia.so.0 libGLX_nvidia.so.0; do # generated ICDs with a full path: headless EGL first
  p=$(for d in ${LD_LIBRARY_PATH//:/ } /usr/lib/x86_64-linux-gnu /usr/lib64 /usr/lib; do [ -e "$d/$lib" ] && echo "$d/$lib" && break; done)
  [ -n "$p" ] && printf '{"file_format_version":"1.0.1","ICD":{"library_path":"%s","api_version":"1.3.0"}}\n' "$p" >"$WORK/icd-$lib.json" && CANDS+=("$WORK/icd-$lib.json")
done
CHOSEN=()
for f in "${CANDS[@]}"; do
  if probe "$(basename "$f")" VK_DRIVER_FILES="$f" VK_ICD_FILENAMES="$f"; then CHOSEN=(VK_DRIVER_FILES="$f" VK_ICD_FILENAMES="$f"); break; fi
done
[ ${#CHOSEN[@]} = 0 ] && probe "the loader's own search" GPU_BENCH_DEFAULT=1 && CHOSEN=(GPU_BENCH_DEFAULT=1)
if [ ${#CHOSEN[@]} = 0 ]; then
  log "no adapter the webgpu backend takes (a container needs NVIDIA_DRIVER_CAPABILITIES with 'graphics'); wasm figures only"
  CHOSEN=(GPU_BENCH_NO_GPU=1)
fi
export "${CHOSEN[@]}"

# ---- 1. mla doctor
log "mla doctor (20 s of speed probes)"
"${MLA[@]}" doctor --budget 20 2>&1 | grep -v -e 'artificially reduced' -e '^probing'
"${MLA[@]}" doctor --json --budget 20 >"$WORK/doctor.json" 2>/dev/null

# ---- 2 and 3. the workloads: auto's per-step figures, then s/epoch and samples/s per backend
summary() { # run folder -> one JSON line: backend, adapter, s/epoch and samples/s (median after epoch 1), auto's figures
  "$NODE" -e '
    const fs = require("fs"), p = require("path"), dir = process.argv[1];
    const c = JSON.parse(fs.readFileSync(p.join(dir, "config.json"), "utf8")).run;
    const e = fs.readFileSync(p.join(dir, "metrics.jsonl"), "utf8").trim().split("\n").map(JSON.parse).filter(r => r.type === "epoch");
    const after = e.length > 1 ? e.slice(1) : e, med = xs => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const used = c.backendsTried.find(t => t.name === c.backend) || {};
    console.log(JSON.stringify({ backend: c.backend, adapter: used.adapter || null, epochs: e.length,
      secondsPerEpoch: med(after.map(r => r.seconds)), samplesPerSecond: Math.round(med(after.map(r => r.samplesPerSecond))),
      testFused: e[e.length - 1].test.fused, measured: c.backendsTried.filter(t => t.msPerStep !== undefined).map(t => `${t.name} ${t.msPerStep} ms/step`) }));
  ' "$1"
}
RESULTS=$WORK/results.jsonl
: >"$RESULTS"
for key in $(echo "${GPU_BENCH_ONLY:-e,f,a,c,d,b}" | tr ',' ' '); do
  cfg=$WORKLOADS/$key.mla.json
  [ -f "$cfg" ] || { log "($key): no workload file"; continue; }
  for backend in auto webgpu wasm; do
    [ "$(left)" -lt 30 ] && { log "($key) $backend: skipped, budget spent"; continue; }
    [ "$backend" = webgpu ] && [ "${GPU_BENCH_NO_GPU:-0}" = 1 ] && continue
    epochs=$EPOCHS
    [ "$backend" = auto ] && epochs=1
    runs=$WORK/runs-$key-$backend
    rm -rf "$runs"
    if timeout "$(($(left) - 10))" "${MLA[@]}" train "$cfg" --seed 0 --epochs "$epochs" --backend "$backend" --runs-dir "$runs" --quiet >"$WORK/train-$key-$backend.log" 2>&1; then
      line=$(summary "$(ls -d "$runs"/*/ | head -1)")
      echo "{\"workload\":\"$key\",\"asked\":\"$backend\",\"result\":$line}" >>"$RESULTS"
      log "($key) $backend: $line"
    else
      log "($key) $backend: failed or timed out: $(grep -v 'artificially' "$WORK/train-$key-$backend.log" | tail -2 | tr '\n' ' ')"
    fi
  done
done

"$NODE" -e '
  const fs = require("fs"), [file, doctor, out] = process.argv.slice(1);
  const rows = fs.readFileSync(file, "utf8").trim().split("\n").filter(Boolean).map(JSON.parse);
  console.log("\nworkload  backend   s/epoch   samples/s   auto measured");
  for (const r of rows) {
    const x = r.result, name = x.backend + (x.adapter ? " (" + x.adapter + ")" : "");
    if (r.asked === "auto") console.log(`(${r.workload})       auto -> ${name}: ${x.measured.join(", ")}`);
    else console.log(`(${r.workload})       ${name.padEnd(9)} ${String(x.secondsPerEpoch).padStart(8)}  ${String(x.samplesPerSecond).padStart(10)}`);
  }
  const byKey = {};
  for (const r of rows) if (r.asked !== "auto") (byKey[r.workload] ??= {})[r.asked] = r.result.samplesPerSecond;
  for (const [k, v] of Object.entries(byKey)) if (v.webgpu && v.wasm) console.log(`(${k}) webgpu / wasm samples/s: ${(v.webgpu / v.wasm).toFixed(2)}x`);
  let d = null; try { d = JSON.parse(fs.readFileSync(doctor, "utf8")); } catch {}
  fs.writeFileSync(out, JSON.stringify({ doctor: d, workloads: rows }, null, 1));
' "$RESULTS" "$WORK/doctor.json" "$RES/gpu-bench.json"
log "done; results in $RES/gpu-bench.json"
