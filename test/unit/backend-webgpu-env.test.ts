// The webgpu backend's diagnosis: which adapters count as software, and the one-line reason for each missing
// piece (Electron, Vulkan loader, ICD, NVIDIA's graphics capability, buffer limits), over a described machine.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  classifyAdapter,
  electronReason,
  memoryReason,
  noAdapterReason,
  nvidiaWithoutGraphics,
  softwareAdapterReason,
  softwareAllowed,
  vulkanIcds,
  type GpuHost,
} from '../../src/core/backend/webgpu-env';

/** A machine described by its files: `files` are paths that exist; a folder lists the files under it. */
function machine(
  files: string[],
  env: NodeJS.ProcessEnv = {},
  versions: Partial<NodeJS.ProcessVersions> = {},
): GpuHost {
  const set = new Set(files);
  return {
    env,
    versions: { node: '20.20.2', ...versions } as NodeJS.ProcessVersions,
    exists: (f) => set.has(f),
    list: (dir) => files.filter((f) => f.startsWith(dir + '/')).map((f) => f.slice(dir.length + 1)),
  };
}

const LAVAPIPE = {
  vendor: 'mesa',
  architecture: 'software',
  device: '',
  description: 'llvmpipe: Mesa 25.0.7-2~bpo12+1 (LLVM 15.0.6)',
  isFallbackAdapter: true,
};
const H100 = {
  vendor: 'nvidia',
  architecture: 'hopper',
  device: '',
  description: 'NVIDIA H100 80GB HBM3',
  isFallbackAdapter: false,
};

test('a software adapter is recognised by isFallbackAdapter, architecture or its name', () => {
  assert.deepEqual(classifyAdapter(LAVAPIPE), {
    label: 'mesa · software · llvmpipe: Mesa 25.0.7-2~bpo12+1 (LLVM 15.0.6)',
    software: true,
  });
  assert.deepEqual(classifyAdapter(H100), {
    label: 'nvidia · hopper · NVIDIA H100 80GB HBM3',
    software: false,
  });
  // Each sign alone is enough.
  assert.equal(classifyAdapter({ ...H100, isFallbackAdapter: true }).software, true);
  assert.equal(classifyAdapter({ ...H100, architecture: 'software' }).software, true);
  assert.equal(
    classifyAdapter({ vendor: 'google', description: 'SwiftShader Device (Subzero)' }).software,
    true,
  );
  assert.equal(classifyAdapter({ vendor: 'mesa', description: 'lavapipe' }).software, true);
  assert.equal(classifyAdapter({}).label, 'an adapter with no name');
});

test('a software adapter is refused with its name unless MLA_WEBGPU_ALLOW_SOFTWARE=1', () => {
  const label = classifyAdapter(LAVAPIPE).label;
  assert.equal(
    softwareAdapterReason(label, machine([])),
    'the only adapter is a software one (mesa · software · llvmpipe: Mesa 25.0.7-2~bpo12+1 (LLVM 15.0.6)): ' +
      'it runs on the CPU, slower than wasm; set MLA_WEBGPU_ALLOW_SOFTWARE=1 to use it anyway',
  );
  assert.equal(softwareAllowed({ MLA_WEBGPU_ALLOW_SOFTWARE: '1' }), true);
  assert.equal(softwareAllowed({ MLA_WEBGPU_ALLOW_SOFTWARE: 'yes' }), false);
  assert.equal(softwareAllowed({}), false);
});

test('under Electron the reason says a real Node is needed and names mla.nodePath', () => {
  assert.equal(electronReason(machine([])), null);
  const viaEnv = electronReason(machine([], { ELECTRON_RUN_AS_NODE: '1' }));
  const viaVersions = electronReason(machine([], {}, { electron: '34.2.0' }));
  assert.match(viaEnv!, /needs a real Node; set mla\.nodePath$/);
  assert.equal(viaVersions, viaEnv);
});

test('no adapter: the reason names the first missing piece, loader, then NVIDIA capability, then ICD', () => {
  assert.equal(
    noAdapterReason(machine([])),
    'no Vulkan loader (libvulkan.so.1 not found): install libvulkan1 and a GPU driver with Vulkan',
  );
  // LD_LIBRARY_PATH is searched as well as the system folders.
  const loaderOnly = machine(['/opt/vk/libvulkan.so.1'], { LD_LIBRARY_PATH: '/opt/vk' });
  assert.match(noAdapterReason(loaderOnly), /^no Vulkan driver \(no ICD manifest in/);

  const nvidiaCompute = machine(['/usr/lib/x86_64-linux-gnu/libvulkan.so.1', '/dev/nvidiactl'], {
    NVIDIA_DRIVER_CAPABILITIES: 'compute,utility',
  });
  assert.equal(
    noAdapterReason(nvidiaCompute),
    "an NVIDIA GPU is present but its Vulkan driver is not: the container lacks the 'graphics' driver capability " +
      '(NVIDIA_DRIVER_CAPABILITIES=compute,utility); start it with NVIDIA_DRIVER_CAPABILITIES=compute,utility,graphics',
  );
  // With the capability, or with NVIDIA's ICD on the loader's path, that is not the reason.
  const withGraphics = machine(['/dev/nvidiactl'], { NVIDIA_DRIVER_CAPABILITIES: 'all' });
  assert.equal(nvidiaWithoutGraphics(withGraphics), null);
  const withIcd = machine(['/dev/nvidiactl', '/etc/vulkan/icd.d/nvidia_icd.json']);
  assert.equal(nvidiaWithoutGraphics(withIcd), null);
  assert.equal(nvidiaWithoutGraphics(machine(['/dev/nvidiactl'], { NVIDIA_VISIBLE_DEVICES: 'void' })), null);

  const oldDriver = machine(['/usr/lib/libvulkan.so.1', '/usr/share/vulkan/icd.d/lvp_icd.x86_64.json']);
  assert.equal(
    noAdapterReason(oldDriver),
    'Dawn found no usable Vulkan adapter (drivers: /usr/share/vulkan/icd.d/lvp_icd.x86_64.json); the driver may be too old for WebGPU',
  );
});

test('the ICD search follows the loader: VK_DRIVER_FILES alone when set, else the XDG and /etc folders', () => {
  const files = [
    '/etc/vulkan/icd.d/a.json',
    '/usr/share/vulkan/icd.d/b.json',
    '/opt/c.json',
    '/usr/share/vulkan/icd.d/notes.txt',
  ];
  assert.deepEqual(vulkanIcds(machine(files)), [
    '/etc/vulkan/icd.d/a.json',
    '/usr/share/vulkan/icd.d/b.json',
  ]);
  assert.deepEqual(vulkanIcds(machine(files, { VK_DRIVER_FILES: '/opt/c.json:/missing.json' })), [
    '/opt/c.json',
  ]);
  assert.deepEqual(vulkanIcds(machine(files, { VK_ICD_FILENAMES: '/opt/c.json' })), ['/opt/c.json']);
  assert.deepEqual(vulkanIcds(machine(files, { VK_ADD_DRIVER_FILES: '/opt/c.json' }))[0], '/opt/c.json');
});

test('a buffer larger than the adapter can bind is refused with both sizes', () => {
  const limits = { maxBufferSize: 2 ** 32, maxStorageBufferBindingSize: 128 * 2 ** 20 };
  assert.equal(memoryReason(limits, undefined), null);
  assert.equal(memoryReason(limits, 128 * 2 ** 20), null);
  assert.equal(
    memoryReason(limits, 300 * 2 ** 20),
    'too little device memory: the run’s largest buffer needs about 300.0 MiB, the adapter binds at most 128.0 MiB',
  );
});
