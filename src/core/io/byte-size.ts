// Sizes in messages: binary units, because the limits are powers of two and must read as such ("8 MiB").

const UNITS = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];

export function byteSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} ${bytes === 1 ? 'byte' : 'bytes'}`;
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  // 2 GiB − 1 byte reads as "2 GiB", not "2.0 GiB": whole figures drop the decimal.
  const text = Math.abs(value - Math.round(value)) < 0.005 ? String(Math.round(value)) : value.toFixed(1);
  return `${text} ${UNITS[unit]}`;
}
