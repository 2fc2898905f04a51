import './styles.css';
import '@vscode-elements/elements/dist/vscode-badge/index.js';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-progress-bar/index.js';
import '@vscode-elements/elements/dist/vscode-progress-ring/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import { checkHostMessage } from './host-messages.js';
import { initialState, reduce, savedState, type PanelAction } from './store.js';
import type { PanelTestHook } from './test-hook.js';
import { readTheme, watchTheme } from './theme.js';
import type { Intents } from './views/intents.js';
import { PanelView } from './views/panel.js';
import { vscodeApi } from './vscode-api.js';

/**
 * Wiring: host messages and user intents go through the reducer; the UI is rendered from the state
 * once per frame; the user's choices are saved with `setState` so a hidden or reloaded panel comes
 * back as it was (the host re-sends the events).
 */
const vscode = vscodeApi();
let state = initialState(vscode.getState());
let version = 0;
let renders = 0;
let renderMs = 0;
let frame: number | undefined;
let waiters: ((renders: number) => void)[] = [];

function dispatch(action: PanelAction): void {
  const next = reduce(state, action);
  version++;
  if (next === state) return;
  if (next.ui !== state.ui) vscode.setState(savedState(next));
  state = next;
  if (frame === undefined) frame = requestAnimationFrame(render);
}

function render(): void {
  frame = undefined;
  const t0 = performance.now();
  panel.render(state);
  renderMs = performance.now() - t0;
  renders++;
  const done = waiters;
  waiters = [];
  for (const w of done) w(renders);
}

const intents: Intents = {
  select(id, from) {
    dispatch({ type: 'ui/select', id });
    if (id === undefined) return;
    vscode.postMessage({ type: 'select', id });
    if (from !== 'table') {
      const page = panel.table.pageOf(state, id);
      if (page !== undefined) dispatch({ type: 'ui/page', page });
    }
  },
  setAxis: (axis) => dispatch({ type: 'ui/axis', axis }),
  sortBy: (key) => dispatch({ type: 'ui/sort', key }),
  setPage: (page) => dispatch({ type: 'ui/page', page }),
  setFilter: (filter) => dispatch({ type: 'ui/filter', filter }),
  compare: (id) => dispatch({ type: 'ui/compare', id }),
  openAsModel: (id) => vscode.postMessage({ type: 'open-as-model', id }),
  exportModel: (id, format) => vscode.postMessage({ type: 'export', id, format }),
  retrain: (id, epochs, warm) => vscode.postMessage({ type: 'retrain', id, epochs, warm }),
};

const root = document.getElementById('app') ?? document.body.appendChild(document.createElement('main'));
const panel = new PanelView(root, intents, readTheme());
watchTheme(() => panel.applyTheme(readTheme(), state));

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const checked = checkHostMessage(event.data);
  if (!checked.ok) {
    console.warn(`μNAS panel: ignored a message: ${checked.error}`);
    return;
  }
  for (const error of checked.value.dropped) console.warn(`μNAS panel: dropped an event: ${error}`);
  dispatch(checked.value.message);
});

const hook: PanelTestHook = {
  debug: () => panel.debug(state, version, renders, renderMs),
  pointPosition: (id) => panel.pareto.pointPosition(id),
  rendered: () =>
    frame === undefined ? Promise.resolve(renders) : new Promise((resolve) => waiters.push(resolve)),
};
Object.defineProperty(window, '__unasPanel', { value: Object.freeze(hook), enumerable: false });

panel.render(state);
vscode.postMessage({ type: 'ready' });
