// The webgpu tier runs on whatever Vulkan adapter the machine has, software ones included (CI installs
// lavapipe: scripts/webgpu/install-software-gpu.sh). Its tests skip, saying why, only where there is none.
import { selectBackend } from '../../src/core/backend/select';
import { listWebgpuAdapters } from '../../src/core/backend/webgpu';

process.env.MLA_WEBGPU_ALLOW_SOFTWARE = '1';

let availability: Promise<string | null> | null = null;

/** null when the webgpu backend loads here, else the reason it cannot (for `t.skip`). */
export function webgpuUnavailable(): Promise<string | null> {
  availability ??= (async () => {
    const { adapters, reason } = await listWebgpuAdapters();
    if (adapters.length === 0) return `no Vulkan adapter on this machine: ${reason}`;
    try {
      await selectBackend('webgpu');
      return null;
    } catch (error) {
      return (error as Error).message;
    }
  })();
  return availability;
}
