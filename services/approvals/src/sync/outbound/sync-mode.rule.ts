/**
 * A province's sync mode with its one-stop system (the ministry counts provinces by it): both ways,
 * one way in (the province's system → Ansinh), one way out (Ansinh → the province's system), or not
 * connected (a province without a row).
 */
export const SYNC_MODES = ['two-way', 'inbound', 'outbound', 'none'] as const;
export type SyncMode = (typeof SYNC_MODES)[number];

export type SyncModeValue = 'TWO_WAY' | 'INBOUND' | 'OUTBOUND' | 'NONE';

const VALUES: Record<SyncMode, SyncModeValue> = {
  'two-way': 'TWO_WAY',
  inbound: 'INBOUND',
  outbound: 'OUTBOUND',
  none: 'NONE',
};

export const syncModeValue = (mode: SyncMode): SyncModeValue => VALUES[mode];

export function syncModeOfValue(value: SyncModeValue): SyncMode {
  const found = SYNC_MODES.find((mode) => VALUES[mode] === value);
  if (!found) throw new Error(`unknown sync mode ${String(value)}`);
  return found;
}

export const isSyncMode = (text: string): text is SyncMode =>
  (SYNC_MODES as readonly string[]).includes(text);

/** Whether the feed and the webhooks carry a province's events: only when Ansinh sends to it. */
export const feedCarries = (mode: SyncMode): boolean => mode === 'two-way' || mode === 'outbound';

/** Whether the province's system may send dossiers: only when Ansinh takes them from it. */
export const intakeAccepts = (mode: SyncMode): boolean => mode === 'two-way' || mode === 'inbound';
