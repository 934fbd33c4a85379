import { describe, expect, it } from 'vitest';
import { engineUrl, shortcutToCommand } from './browser-host';

describe('browser host', () => {
  it('connects to /engine on the serving host with the page token', () => {
    expect(engineUrl({ protocol: 'http:', host: '127.0.0.1:5173', search: '?token=a%2Bb' })).toBe(
      'ws://127.0.0.1:5173/engine?token=a%2Bb',
    );
    expect(engineUrl({ protocol: 'https:', host: 'box:443', search: '?x=1&token=t' })).toBe(
      'wss://box:443/engine?token=t',
    );
    expect(() => engineUrl({ protocol: 'http:', host: 'h', search: '' })).toThrow(/token/);
  });

  it('maps the desktop menu shortcuts to menu commands', () => {
    const k = (key: string, shiftKey = false, ctrlKey = true) =>
      shortcutToCommand({ key, shiftKey, ctrlKey, metaKey: false });
    expect([k('s'), k('S', true), k('o'), k('e'), k('z'), k('Z', true), k('y')]).toEqual([
      'save',
      'saveAs',
      'open',
      'export',
      'undo',
      'redo',
      'redo',
    ]);
    expect(k('s', false, false)).toBeNull();
    expect(k('q')).toBeNull();
  });
});
