// Small DOM helpers shared by the views (the views build their DOM by hand: no framework, no innerHTML, so
// no text from a run folder is ever parsed as markup).

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs?: Record<string, string>,
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K];
export function el(tag: string, attrs?: Record<string, string>, ...children: (Node | string)[]): HTMLElement;
export function el(
  tag: string,
  attrs: Record<string, string> = {},
  ...children: (Node | string)[]
): HTMLElement {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  node.append(...children);
  return node;
}

export function button(label: string, onClick: () => void, attrs: Record<string, string> = {}): HTMLElement {
  const b = el('vscode-button', attrs, label);
  b.addEventListener('click', onClick);
  return b;
}

/** A `vscode-single-select` with options; `onChange` gets the chosen value. */
export function select(
  label: string,
  options: { value: string; label: string }[],
  value: string,
  onChange: (value: string) => void,
  attrs: Record<string, string> = {},
): HTMLElement {
  const id = `sel-${Math.random().toString(36).slice(2)}`;
  const box = el('vscode-single-select', { id, 'aria-label': label, ...attrs });
  for (const o of options) {
    const opt = el('vscode-option', { value: o.value }, o.label);
    if (o.value === value) opt.setAttribute('selected', '');
    box.append(opt);
  }
  box.addEventListener('change', () => onChange((box as HTMLElement & { value: string }).value));
  return el('div', { class: 'field' }, el('vscode-label', { for: id }, label), box);
}

export function notice(level: 'info' | 'error', text: string): HTMLElement {
  return el('p', { class: `notice notice-${level}`, role: level === 'error' ? 'alert' : 'status' }, text);
}
