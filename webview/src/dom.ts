/**
 * Building DOM without HTML strings: text goes through `textContent` and attributes through
 * `setAttribute`, so nothing from the event stream is ever parsed as markup. No inline styles
 * (the CSP forbids them): look is in styles.css, state in classes and `hidden`.
 */

export interface Props {
  readonly class?: string;
  readonly text?: string;
  readonly attrs?: Readonly<Record<string, string | number | boolean | undefined>>;
}

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Props = {},
  children: readonly (Node | string)[] = [],
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (props.class) el.className = props.class;
  if (props.text !== undefined) el.textContent = props.text;
  if (props.attrs) setAttrs(el, props.attrs);
  for (const child of children) el.append(child);
  return el;
}

export function setAttrs(
  el: Element,
  attrs: Readonly<Record<string, string | number | boolean | undefined>>,
): void {
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) el.removeAttribute(name);
    else el.setAttribute(name, value === true ? '' : String(value));
  }
}

/** Sets text only when it changed (cheap re-renders). */
export function setText(el: Node, text: string): void {
  if (el.textContent !== text) el.textContent = text;
}

export function show(el: HTMLElement, visible: boolean): void {
  if (el.hidden === visible) el.hidden = !visible;
}

/** Replaces an element's children (used for small lists only). */
export function replaceChildren(el: Element, children: readonly (Node | string)[]): void {
  el.replaceChildren(...children);
}

/** Whether codicons can be shown: the host linked the stylesheet (vscode-icon needs its id). */
export function codiconsAvailable(): boolean {
  return document.getElementById('vscode-codicon-stylesheet') !== null;
}

/** A vscode-button with a label, and a codicon when the stylesheet is there. */
export function button(
  label: string,
  options: { icon?: string; secondary?: boolean; class?: string } = {},
): HTMLElement {
  const el = h('vscode-button', { text: label, ...(options.class ? { class: options.class } : {}) });
  if (options.icon && codiconsAvailable()) el.setAttribute('icon', options.icon);
  if (options.secondary) el.setAttribute('secondary', '');
  return el;
}

/** A vscode-single-select of `options` (value, label). */
export function singleSelect(
  label: string,
  cls: string,
  options: readonly (readonly [string, string])[],
): HTMLElement & { value: string } {
  return h(
    'vscode-single-select',
    { attrs: { 'aria-label': label, class: cls } },
    options.map(([value, text]) => h('vscode-option', { text, attrs: { value } })),
  ) as HTMLElement & { value: string };
}

/** Shows `value` in a single select: it reads its options' `selected` attributes when they are slotted, its `value` after. */
export function showSelected(select: HTMLElement & { value: string }, value: string): void {
  for (const option of select.children) {
    const on = option.getAttribute('value') === value;
    if (option.hasAttribute('selected') !== on) option.toggleAttribute('selected', on);
  }
  if (select.value !== value) select.value = value;
}
