// Name-based guesses of which file is what, so that `mla init DIR` needs no flags for a tidy folder and the
// wizard starts from sensible defaults: labels are `labels.*` or `y.*`, split files name their split, masks
// name their modality (`pix_present.csv`), and the other array files are modalities named after their files.

import type { ScannedFile, SplitName } from './types';

/** The file name without its array extension. */
export function baseName(file: string): string {
  return file.replace(/\.(npy|csv\.gz|csv|txt)$/i, '');
}

export function isLabelsName(file: string): boolean {
  return /^(labels?|y|targets?)$/i.test(baseName(file));
}

const SPLIT_WORDS: Record<string, SplitName> = {
  train: 'train',
  training: 'train',
  val: 'val',
  valid: 'val',
  validation: 'val',
  test: 'test',
};

/** The split a 1-D index file names (`split_train.txt`, `test_idx.npy`, `val.txt`), else null. */
export function splitOfName(file: string): SplitName | null {
  for (const word of baseName(file)
    .toLowerCase()
    .split(/[^a-z0-9]+/)) {
    const split = SPLIT_WORDS[word];
    if (split) return split;
  }
  return null;
}

/** The modality a mask file names (`pix_present`, `present_pix`, `pix_mask`), else null. */
export function maskTargetOfName(file: string): string | null {
  const base = baseName(file);
  const match = /^(?:present|mask)[_-](.+)$/i.exec(base) ?? /^(.+?)[_-](?:present|mask)$/i.exec(base);
  return match ? match[1] : null;
}

/** Modality names from file names: the extension and a prefix all of them share (`view_pix` → `pix`). */
export function modalityNamesFromFiles(files: string[]): string[] {
  const bases = files.map(baseName);
  let prefix = '';
  if (bases.length > 1) {
    const shortest = bases.reduce((a, b) => (a.length <= b.length ? a : b));
    let common = 0;
    while (common < shortest.length && bases.every((b) => b[common] === shortest[common])) common++;
    const cut = Math.max(shortest.lastIndexOf('_', common - 1), shortest.lastIndexOf('-', common - 1));
    if (cut >= 0 && bases.every((b) => b.length > cut + 1)) prefix = shortest.slice(0, cut + 1);
  }
  return bases.map((b) => b.slice(prefix.length).replace(/[^A-Za-z0-9_-]+/g, '_') || 'modality');
}

/** A name safe as a file name and a run name, from a folder name. */
export function projectNameFrom(folder: string): string {
  const slug = folder
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^[-._]+|[-._]+$/g, '')
    .toLowerCase();
  return slug || 'project';
}

export interface GuessedRoles {
  labels: string | null;
  splits: Partial<Record<SplitName, string>>;
  /** Mask file by the modality file it belongs to. */
  masks: Record<string, string>;
  /** Files that look like modalities, in folder order. */
  modalities: string[];
}

function isOneColumn(file: ScannedFile): boolean {
  const shape = file.header?.shape;
  return !!shape && (shape.length === 1 || (shape.length === 2 && shape[1] === 1));
}

/** A split file's name with its split word blanked: files of one split set share it (`split_tmc_*`). */
function splitSetOf(file: string): string {
  return baseName(file)
    .toLowerCase()
    .split(/([^a-z0-9]+)/)
    .map((part) => (SPLIT_WORDS[part] ? '*' : part))
    .join('');
}

/**
 * `labels`: a file the user already chose (then not guessed). Of several split sets (`split_tmc_*`,
 * `split_t4c_*`) the first with both train and test is used; the others are set aside, not offered as
 * modalities. Unreadable files are listed by the scan but not guessed as anything.
 */
export function guessRoles(files: ScannedFile[], labels?: string): GuessedRoles {
  const labelsFile = labels ?? files.find((f) => f.header && isLabelsName(f.name))?.name ?? null;
  const readable = files.filter((f) => f.header && f.name !== labelsFile);
  const splitFiles = readable.filter((f) => isOneColumn(f) && splitOfName(f.name) !== null);
  const sets = [...new Set(splitFiles.map((f) => splitSetOf(f.name)))];
  const complete = sets.find((set) => {
    const members = splitFiles.filter((f) => splitSetOf(f.name) === set).map((f) => splitOfName(f.name));
    return members.includes('train') && members.includes('test');
  });
  const splits: Partial<Record<SplitName, string>> = {};
  for (const f of splitFiles) {
    const split = splitOfName(f.name)!;
    if (splitSetOf(f.name) === (complete ?? sets[0]) && !splits[split]) splits[split] = f.name;
  }
  const maskFiles: ScannedFile[] = [];
  const rest: ScannedFile[] = [];
  for (const f of readable) {
    if (splitFiles.includes(f)) continue;
    if (isOneColumn(f) && maskTargetOfName(f.name) !== null) maskFiles.push(f);
    else rest.push(f);
  }
  const modalities = rest.map((f) => f.name);
  const names = modalityNamesFromFiles(modalities);
  const masks: Record<string, string> = {};
  const unmatched: string[] = [];
  for (const mask of maskFiles) {
    const target = maskTargetOfName(mask.name)!.toLowerCase();
    const k = modalities.findIndex(
      (m, i) => names[i].toLowerCase() === target || baseName(m).toLowerCase() === target,
    );
    if (k >= 0 && !masks[modalities[k]]) masks[modalities[k]] = mask.name;
    else unmatched.push(mask.name);
  }
  // A mask of no modality is offered as one, so the checks say it is 1-D rather than it silently vanishing.
  return { labels: labelsFile, splits, masks, modalities: [...modalities, ...unmatched] };
}
