// The progress of a long job on a command line: a bar redrawn in place on a terminal, plain lines
// every few seconds otherwise (a log file, a pipe, a CI run), so that the output stays readable there.

/** How far a job is: the fields of a job record's progress. */
export type ProgressState = {
  phase: string | null;
  done: number;
  total: number | null;
  ratePerSecond: number | null;
  secondsLeft: number | null;
};

/** How a phase is shown: its name for officials and the unit it counts in. */
export type PhaseLabel = { label: string; unit: 'bytes' | string };

export type ProgressOutput = {
  write(text: string): unknown;
  isTTY?: boolean | undefined;
  columns?: number | undefined;
};

export type ProgressBarOptions = {
  phases?: Readonly<Record<string, PhaseLabel>>;
  /** Shown before the first progress arrives. */
  waitingLabel?: string;
  now?: () => number;
  /** Fastest redraw of the bar on a terminal (10 a second). */
  redrawEveryMs?: number;
  /** A plain line at most this often, and at once when the phase changes. */
  lineEveryMs?: number;
};

const numberFormat = new Intl.NumberFormat('vi-VN', { maximumFractionDigits: 0 });
const MIB = 1024 * 1024;

const count = (value: number, unit: string) =>
  unit === 'bytes'
    ? `${(value / MIB).toLocaleString('vi-VN', { minimumFractionDigits: 1, maximumFractionDigits: 1 })} MB`
    : numberFormat.format(value);

/** `42 giây`, `3:05`, `1:02:05`: short enough for a line, exact enough to plan a coffee. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} giây`;
  const pad = (n: number) => String(n).padStart(2, '0');
  const hours = Math.floor(s / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  return hours ? `${hours}:${pad(minutes)}:${pad(s % 60)}` : `${minutes}:${pad(s % 60)}`;
}

/** The parts of a progress line after the phase: percent, counts, rate, time left (each when known). */
function details(
  state: ProgressState,
  phase: PhaseLabel,
  compact = false,
): { percent: number | null; text: string } {
  const unit = phase.unit === 'bytes' || phase.unit === '' ? '' : ` ${phase.unit}`;
  const percent =
    state.total && state.total > 0 ? Math.min(100, Math.floor((100 * state.done) / state.total)) : null;
  const parts = [
    state.total !== null
      ? `${count(state.done, phase.unit)}/${count(state.total, phase.unit)}${unit}`
      : `${count(state.done, phase.unit)}${unit}`,
  ];
  // Beside a bar the unit is said once, after the counts.
  if (state.ratePerSecond !== null)
    parts.push(`${count(state.ratePerSecond, phase.unit)}${compact ? '' : unit}/giây`);
  if (state.secondsLeft !== null) parts.push(`còn ${formatDuration(state.secondsLeft)}`);
  return { percent, text: parts.join(' · ') };
}

/** One plain line: `Kiểm tra dòng: 52% 10.400/20.000 dòng · 8.200 dòng/giây · còn 2 giây`. */
export function progressLine(state: ProgressState, phase: PhaseLabel): string {
  if (state.phase === null) return `${phase.label}…`;
  const { percent, text } = details(state, phase);
  return `${phase.label}: ${percent === null ? '' : `${percent}% `}${text}`;
}

const BAR_WIDTH = 30;
/** ` 100% 150.000/150.000 dòng · 99.000/giây · còn 1:05:00`, about. */
const TAIL_ROOM = 54;

/**
 * The bar for a terminal `columns` wide: `Kiểm tra dòng [█████░░░░░]  52% 10.400/20.000 dòng · ...`;
 * of a steady width, narrower only when the line would not fit, left out when even that does not.
 */
export function progressBarLine(state: ProgressState, phase: PhaseLabel, columns: number): string {
  if (state.phase === null) return `${phase.label}…`.slice(0, Math.max(0, columns - 1));
  const { percent, text } = details(state, phase, true);
  const label = `${phase.label} `;
  const tail = ` ${percent === null ? '   …' : `${String(percent).padStart(3)}%`} ${text}`;
  // Room is kept for the longest numbers, so that the bar does not shrink as they grow.
  const width = Math.min(BAR_WIDTH, columns - 1 - label.length - 2 - TAIL_ROOM);
  if (width < 5) return (label + tail.trimStart()).slice(0, Math.max(0, columns - 1));
  const filled = percent === null ? 0 : Math.round((width * percent) / 100);
  return `${label}[${'█'.repeat(filled)}${'░'.repeat(width - filled)}]${tail}`.slice(0, columns - 1);
}

/**
 * Shows a job's progress on `output` (stderr): `update` with each state read, `finish` once at the
 * end (draws the last state, ends the line). On a terminal the bar is redrawn at most every
 * `redrawEveryMs`; elsewhere a line is written when the phase changes and at most every `lineEveryMs`.
 */
export function progressBar(output: ProgressOutput, options: ProgressBarOptions = {}) {
  const now = options.now ?? Date.now;
  const tty = Boolean(output.isTTY);
  const redrawEveryMs = options.redrawEveryMs ?? 100;
  const lineEveryMs = options.lineEveryMs ?? 5_000;
  const labelOf = (phase: string | null): PhaseLabel =>
    phase === null
      ? { label: options.waitingLabel ?? 'Đang chờ', unit: '' }
      : (options.phases?.[phase] ?? { label: phase, unit: '' });
  let lastDrawnAt = Number.NEGATIVE_INFINITY;
  let lastPhase: string | null | undefined;
  let lastLine = '';
  let finished = false;

  const draw = (state: ProgressState) => {
    lastDrawnAt = now();
    const phaseChanged = state.phase !== lastPhase;
    lastPhase = state.phase;
    if (tty) {
      const line = progressBarLine(state, labelOf(state.phase), output.columns || 80);
      if (line === lastLine) return;
      // A finished phase keeps its own line; the next one is drawn below it.
      if (phaseChanged && lastLine) output.write('\n');
      output.write(`\r${line}\x1b[K`);
      lastLine = line;
    } else {
      lastLine = progressLine(state, labelOf(state.phase));
      output.write(`${lastLine}\n`);
    }
  };

  return {
    update(state: ProgressState) {
      if (finished) return;
      const since = now() - lastDrawnAt;
      if (state.phase !== lastPhase || since >= (tty ? redrawEveryMs : lineEveryMs)) draw(state);
    },
    /** Draws `state`, the job's last (unless it is what was last shown), and ends the bar's line. */
    finish(state?: ProgressState) {
      if (finished) return;
      finished = true;
      if (state) {
        const line = tty
          ? progressBarLine(state, labelOf(state.phase), output.columns || 80)
          : progressLine(state, labelOf(state.phase));
        if (line !== lastLine) draw(state);
      }
      if (tty && lastLine) output.write('\n');
    },
  };
}
