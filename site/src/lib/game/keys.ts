// Key bindings: every action has default keys and can be remapped; the bindings are saved in localStorage.
// Keys are KeyboardEvent.code values (the physical key), so that WASD stays WASD on any layout.

/** Actions the keyboard can trigger, with the label the settings panel shows. */
export const ACTIONS = {
  up: 'Move up',
  down: 'Move down',
  left: 'Move left',
  right: 'Move right',
  skill1: 'Skill 1 (Magic Missile)',
  skill2: 'Skill 2 (Arcane Nova)',
  skill3: 'Skill 3 (Heal)',
  nextTarget: 'Next hostile target (Shift: previous)',
  nextCreature: 'Next creature (Shift: previous)',
  capture: 'Capture the targeted creature',
  clearTarget: 'Clear target',
  zoomIn: 'Zoom in',
  zoomOut: 'Zoom out',
  console: 'Dev console',
  chat: 'Chat',
} as const;

/** An action name. */
export type Action = keyof typeof ACTIONS;

/** Bindings: action → key codes. */
export type KeyBindings = Record<Action, string[]>;

/** Default bindings, with the arrow keys as alternates for movement. */
export const DEFAULT_KEYS: KeyBindings = {
  up: ['KeyW', 'ArrowUp'],
  down: ['KeyS', 'ArrowDown'],
  left: ['KeyA', 'ArrowLeft'],
  right: ['KeyD', 'ArrowRight'],
  skill1: ['Digit1'],
  skill2: ['Digit2'],
  skill3: ['Digit3'],
  nextTarget: ['Tab'],
  nextCreature: ['KeyF'],
  capture: ['KeyC'],
  clearTarget: ['Escape'],
  zoomIn: ['Equal'],
  zoomOut: ['Minus'],
  console: ['Backquote'],
  chat: ['Enter'],
};

/** The localStorage key of the bindings. */
export const KEYS_STORAGE = 'arcane.keys';

const ACTION_NAMES = Object.keys(ACTIONS) as Action[];

/** A fresh copy of the defaults. */
export function defaultKeys(): KeyBindings {
  return Object.fromEntries(ACTION_NAMES.map((a) => [a, [...DEFAULT_KEYS[a]]])) as KeyBindings;
}

/** The saved bindings merged over the defaults (unknown actions and malformed entries are ignored). */
export function loadKeys(storage: Pick<Storage, 'getItem'> | null): KeyBindings {
  const keys = defaultKeys();
  try {
    const saved = JSON.parse(storage?.getItem(KEYS_STORAGE) ?? '{}') as Record<string, unknown>;
    for (const a of ACTION_NAMES) {
      const v = saved[a];
      if (Array.isArray(v) && v.length > 0 && v.every((k) => typeof k === 'string')) keys[a] = [...v];
    }
  } catch {
    // A corrupt entry falls back to the defaults.
  }
  return keys;
}

/** Saves the bindings. */
export function saveKeys(storage: Pick<Storage, 'setItem'> | null, keys: KeyBindings): void {
  storage?.setItem(KEYS_STORAGE, JSON.stringify(keys));
}

/**
 * Binds `code` as the only key of `action`. A key does one thing: it is taken away from any other action,
 * and an action left without keys gets its defaults back unless they are taken too.
 */
export function rebind(keys: KeyBindings, action: Action, code: string): KeyBindings {
  const next = Object.fromEntries(
    ACTION_NAMES.map((a) => [a, keys[a].filter((k) => k !== code)]),
  ) as KeyBindings;
  next[action] = [code];
  const used = new Set(ACTION_NAMES.flatMap((a) => next[a]));
  for (const a of ACTION_NAMES)
    if (next[a].length === 0) next[a] = DEFAULT_KEYS[a].filter((k) => !used.has(k));
  return next;
}

/** The action bound to a key code, if any. */
export function actionOf(keys: KeyBindings, code: string): Action | undefined {
  return ACTION_NAMES.find((a) => keys[a].includes(code));
}

/** A key code as a person reads it ("KeyW" → "W", "Digit1" → "1", "Backquote" → "~"). */
export function keyLabel(code: string | undefined): string {
  if (!code) return '—';
  const named: Record<string, string> = {
    ArrowUp: '↑',
    ArrowDown: '↓',
    ArrowLeft: '←',
    ArrowRight: '→',
    Backquote: '~',
    Equal: '=',
    Minus: '-',
    Escape: 'Esc',
    Space: 'Space',
  };
  return (
    named[code] ??
    code
      .replace(/^Key/, '')
      .replace(/^Digit/, '')
      .replace(/^Numpad/, 'Num ')
  );
}
