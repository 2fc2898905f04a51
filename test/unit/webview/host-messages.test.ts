import { describe, expect, it } from 'vitest';
import { withAlpha } from '../../../webview/src/color.js';
import { checkHostMessage } from '../../../webview/src/host-messages.js';

describe('checkHostMessage', () => {
  it('accepts reset and events', () => {
    expect(checkHostMessage({ type: 'reset', run: 'r', loading: true })).toEqual({
      ok: true,
      value: { message: { type: 'reset', run: 'r', loading: true }, dropped: [] },
    });
    expect(checkHostMessage({ type: 'events', events: [] })).toMatchObject({ ok: true });
  });

  it('rejects what is not a host message', () => {
    for (const bad of [
      null,
      'reset',
      { type: 'reset' },
      { type: 'events', events: {} },
      { type: 'select', id: 1 },
    ])
      expect(checkHostMessage(bad).ok).toBe(false);
  });

  it('drops bad events, keeps the rest, and tidies candidates', () => {
    const candidate = {
      id: 1,
      origin: 7,
      status: 'trained',
      resources: { ram: 1, arena: 1, flash: 1, macs: 1, latency: 1 },
      feasible: true,
      violations: ['ok', 3],
      model: '',
      layers: [{ name: 'a', text: 'conv', shape: [1], ram: 1, flash: 1, macs: 1 }, { name: 'b' }],
      curve: [0.5, 'x'],
      parent: 'p',
    };
    const r = checkHostMessage({
      type: 'events',
      events: [
        { type: 'epoch', id: 'x' },
        { type: 'candidate-finished', candidate, time: 't' },
      ],
    });
    if (!r.ok) throw new Error(r.error);
    expect(r.value.dropped).toHaveLength(1);
    expect(r.value.message).toMatchObject({
      type: 'events',
      events: [{ type: 'candidate-finished', candidate: { origin: '', violations: ['ok'], curve: [0.5] } }],
    });
    const tidy = (r.value.message as unknown as { events: { candidate: Record<string, unknown> }[] })
      .events[0]?.candidate;
    expect(tidy?.layers).toHaveLength(1);
    expect(tidy && 'parent' in tidy).toBe(false);
  });
});

describe('withAlpha', () => {
  it('reads hex and rgb forms', () => {
    expect(withAlpha('#3794ff', 0.5)).toBe('rgba(55, 148, 255, 0.5)');
    expect(withAlpha('#cccccc80', 0.5)).toBe('rgba(204, 204, 204, 0.251)');
    expect(withAlpha('#fff', 1)).toBe('rgba(255, 255, 255, 1)');
    expect(withAlpha('rgb(1, 2, 3)', 0.2)).toBe('rgba(1, 2, 3, 0.2)');
    expect(withAlpha('rgba(1, 2, 3, 0.5)', 0.5)).toBe('rgba(1, 2, 3, 0.25)');
    expect(withAlpha('red', 0.5)).toBe('red');
  });
});
