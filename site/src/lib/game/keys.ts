// Key bindings: every action has a default key and can be remapped (saved in localStorage).

/** Actions the keyboard can trigger. */
export const ACTIONS = {
  up: 'Move up',
  down: 'Move down',
  left: 'Move left',
  right: 'Move right',
  skill1: 'Skill 1 (Magic Missile)',
  skill2: 'Skill 2 (Arcane Nova)',
  skill3: 'Skill 3 (Heal)',
  nextTarget: 'Next hostile target (with Shift: next creature)',
  capture: 'Capture creature',
  console: 'Dev console',
  chat: 'Chat',
} as const;

/** An action name. */
export type Action = keyof typeof ACTIONS;

/** Default bindings (KeyboardEvent.code), with arrow keys as alternates for movement. */
export const DEFAULT_KEYS: Record<Action, string[]> = {
  up: ['KeyW', 'ArrowUp'],
  down: ['KeyS', 'ArrowDown'],
  left: ['KeyA', 'ArrowLeft'],
  right: ['KeyD', 'ArrowRight'],
  skill1: ['Digit1'],
  skill2: ['Digit2'],
  skill3: ['Digit3'],
  nextTarget: ['Tab'],
  capture: ['KeyC'],
  console: ['Backquote'],
  chat: ['Enter'],
};

const STORE = 'arcane.keys';

/** The saved bindings merged over the defaults. */
export function loadKeys(storage: Pick<Storage, 'getItem'> | null): Record<Action, string[]> {
  const keys = structuredClone(DEFAULT_KEYS);
  try {
    const saved = JSON.parse(storage?.getItem(STORE) ?? '{}') as Partial<Record<Action, string[]>>;
    for (const a of Object.keys(ACTIONS) as Action[])
      if (Array.isArray(saved[a]) && saved[a].every((k) => typeof k === 'string')) keys[a] = saved[a];
  } catch {
    // a corrupt entry falls back to the defaults
  }
  return keys;
}

/** Saves bindings. */
export function saveKeys(storage: Pick<Storage, 'setItem'> | null, keys: Record<Action, string[]>): void {
  storage?.setItem(STORE, JSON.stringify(keys));
}

/** The action bound to a key code, if any. */
export function actionOf(keys: Record<Action, string[]>, code: string): Action | undefined {
  return (Object.keys(keys) as Action[]).find((a) => keys[a].includes(code));
}

/** A key code as a person reads it ("KeyW" → "W", "Digit1" → "1"). */
export function keyLabel(code: string): string {
  const arrows: Record<string, string> = { ArrowUp: '↑', ArrowDown: '↓', ArrowLeft: '←', ArrowRight: '→' };
  if (arrows[code]) return arrows[code];
  if (code === 'Backquote') return '~';
  return code.replace(/^Key/, '').replace(/^Digit/, '');
}
