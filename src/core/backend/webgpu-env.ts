// What the webgpu backend needs around dawn.node, and a one-line reason for each way it is missing: a real Node
// (not Electron), the Vulkan loader, a Vulkan driver (ICD), in a container the NVIDIA `graphics` capability,
// and a hardware adapter (a software one is refused unless MLA_WEBGPU_ALLOW_SOFTWARE=1).
// Pure functions over an injectable view of the machine, so that each reason is tested without that machine.
import { existsSync, readdirSync } from 'node:fs';
import * as path from 'node:path';

/** The part of the machine the diagnosis looks at. */
export interface GpuHost {
  env: NodeJS.ProcessEnv;
  versions: NodeJS.ProcessVersions;
  exists(file: string): boolean;
  /** File names in a folder; [] when it does not exist or cannot be read. */
  list(dir: string): string[];
}

export const REAL_HOST: GpuHost = {
  env: process.env,
  versions: process.versions,
  exists: existsSync,
  list(dir: string): string[] {
    try {
      return readdirSync(dir);
    } catch {
      return [];
    }
  },
};

/** GPUAdapterInfo's fields the classification reads (all strings may be empty). */
export interface AdapterInfoLike {
  vendor?: string;
  architecture?: string;
  device?: string;
  description?: string;
  isFallbackAdapter?: boolean;
}

export interface AdapterClass {
  /** "vendor · architecture · description", what the run records and the dashboard shows. */
  label: string;
  /** A CPU implementation (lavapipe, llvmpipe, SwiftShader): correct, and slower than wasm. */
  software: boolean;
}

const SOFTWARE_NAMES = /llvmpipe|lavapipe|swiftshader/i;

export function classifyAdapter(info: AdapterInfoLike): AdapterClass {
  const parts = [info.vendor, info.architecture, info.description].map((s) => (s ?? '').trim());
  const label = parts.filter((s) => s !== '').join(' · ') || 'an adapter with no name';
  const names = `${info.vendor ?? ''} ${info.device ?? ''} ${info.description ?? ''}`;
  const software =
    info.isFallbackAdapter === true || info.architecture === 'software' || SOFTWARE_NAMES.test(names);
  return { label, software };
}

export const ALLOW_SOFTWARE_ENV = 'MLA_WEBGPU_ALLOW_SOFTWARE';

export function softwareAllowed(env: NodeJS.ProcessEnv): boolean {
  return env[ALLOW_SOFTWARE_ENV] === '1';
}

/** The reason to refuse a software adapter, naming it (and the likely cause when an NVIDIA GPU is hidden). */
export function softwareAdapterReason(label: string, host: GpuHost): string {
  const hidden = nvidiaWithoutGraphics(host);
  return (
    `the only adapter is a software one (${label}): it runs on the CPU, slower than wasm` +
    (hidden ? `; ${hidden}` : `; set ${ALLOW_SOFTWARE_ENV}=1 to use it anyway`)
  );
}

/** dawn.node's external ArrayBuffers are refused by Electron's V8 memory cage (electron#41823). */
export function electronReason(host: GpuHost): string | null {
  if (host.versions.electron === undefined && host.env.ELECTRON_RUN_AS_NODE === undefined) return null;
  return (
    'the trainer runs on the editor’s Electron runtime, whose memory cage refuses dawn.node’s buffers: ' +
    'webgpu needs a real Node; set mla.nodePath'
  );
}

const LIB_DIRS = [
  '/lib/x86_64-linux-gnu',
  '/usr/lib/x86_64-linux-gnu',
  '/lib/aarch64-linux-gnu',
  '/usr/lib/aarch64-linux-gnu',
  '/lib64',
  '/usr/lib64',
  '/lib',
  '/usr/lib',
  '/usr/local/lib',
  '/usr/local/nvidia/lib64',
];

export function vulkanLoader(host: GpuHost): string | null {
  const dirs = [...(host.env.LD_LIBRARY_PATH ?? '').split(':').filter((d) => d !== ''), ...LIB_DIRS];
  for (const dir of dirs) {
    const file = path.join(dir, 'libvulkan.so.1');
    if (host.exists(file)) return file;
  }
  return null;
}

/** The Vulkan driver manifests the loader would read, by its search rules (explicit files first). */
export function vulkanIcds(host: GpuHost): string[] {
  const explicit = host.env.VK_DRIVER_FILES ?? host.env.VK_ICD_FILENAMES;
  if (explicit) return explicit.split(':').filter((f) => f !== '' && host.exists(f));
  const config = (host.env.XDG_CONFIG_DIRS || '/etc/xdg').split(':');
  const data = (host.env.XDG_DATA_DIRS || '/usr/local/share:/usr/share').split(':');
  const dirs = [
    ...config.map((d) => `${d}/vulkan/icd.d`),
    '/etc/vulkan/icd.d',
    ...data.map((d) => `${d}/vulkan/icd.d`),
  ];
  const added = (host.env.VK_ADD_DRIVER_FILES ?? '').split(':').filter((f) => f !== '' && host.exists(f));
  const found = dirs.flatMap((d) =>
    host
      .list(d)
      .filter((f) => f.endsWith('.json'))
      .map((f) => path.join(d, f)),
  );
  return [...added, ...found];
}

function nvidiaVisible(host: GpuHost): boolean {
  const visible = host.env.NVIDIA_VISIBLE_DEVICES;
  if (visible === 'void' || visible === 'none') return false;
  return host.exists('/dev/nvidiactl') || host.exists('/proc/driver/nvidia/version');
}

/**
 * An NVIDIA GPU whose Vulkan driver is not mounted: nvidia-container-toolkit mounts it only with the `graphics`
 * capability (the default is compute,utility).
 */
export function nvidiaWithoutGraphics(host: GpuHost): string | null {
  if (!nvidiaVisible(host)) return null;
  const caps = host.env.NVIDIA_DRIVER_CAPABILITIES;
  const list = (caps ?? 'compute,utility').split(',').map((c) => c.trim());
  if (list.includes('graphics') || list.includes('all')) return null;
  if (vulkanIcds(host).some((f) => /nvidia/i.test(path.basename(f)))) return null;
  return (
    `an NVIDIA GPU is present but its Vulkan driver is not: the container lacks the 'graphics' driver ` +
    `capability (NVIDIA_DRIVER_CAPABILITIES=${caps ?? 'unset'}); start it with ` +
    `NVIDIA_DRIVER_CAPABILITIES=compute,utility,graphics`
  );
}

/** Why Dawn found no adapter at all, most basic cause first. */
export function noAdapterReason(host: GpuHost): string {
  if (vulkanLoader(host) === null) {
    return 'no Vulkan loader (libvulkan.so.1 not found): install libvulkan1 and a GPU driver with Vulkan';
  }
  const hidden = nvidiaWithoutGraphics(host);
  if (hidden) return hidden;
  const icds = vulkanIcds(host);
  if (icds.length === 0) {
    return 'no Vulkan driver (no ICD manifest in /etc/vulkan/icd.d, /usr/share/vulkan/icd.d or VK_DRIVER_FILES): install the GPU vendor’s driver with Vulkan';
  }
  return `Dawn found no usable Vulkan adapter (drivers: ${icds.join(', ')}); the driver may be too old for WebGPU`;
}

export interface AdapterLimitsLike {
  maxBufferSize: number;
  maxStorageBufferBindingSize: number;
}

/** The run's largest buffer (an estimate) against what the adapter can bind; null when it fits. */
export function memoryReason(
  limits: AdapterLimitsLike,
  largestBufferBytes: number | undefined,
): string | null {
  if (largestBufferBytes === undefined) return null;
  const cap = Math.min(limits.maxBufferSize, limits.maxStorageBufferBindingSize);
  if (largestBufferBytes <= cap) return null;
  const mib = (b: number) => `${(b / 2 ** 20).toFixed(1)} MiB`;
  return `too little device memory: the run’s largest buffer needs about ${mib(largestBufferBytes)}, the adapter binds at most ${mib(cap)}`;
}
