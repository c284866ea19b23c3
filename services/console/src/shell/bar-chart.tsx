/** One bar: its label, its value, and the whole it is part of (drawn behind it) when there is one. */
export type Bar = { label: string; value: number; whole?: number };

/**
 * A horizontal bar chart that reflows from a laptop to a phone, with the figures written beside each
 * bar (read by the figures, never by the colour alone) and the whole chart read out as its text.
 */
export function BarChart({
  title,
  bars,
  format,
}: {
  title: string;
  bars: readonly Bar[];
  format: (value: number) => string;
}) {
  const max = Math.max(1, ...bars.map((bar) => Math.max(bar.value, bar.whole ?? 0)));
  const share = (value: number) => `${((value / max) * 100).toFixed(2)}%`;
  const figure = (bar: Bar) =>
    `${format(bar.value)}${bar.whole !== undefined ? ` / ${format(bar.whole)}` : ''}`;
  return (
    <figure className="chart">
      <figcaption>{title}</figcaption>
      <div
        className="bars"
        role="img"
        aria-label={`${title}: ${bars.map((bar) => `${bar.label} ${figure(bar)}`).join('; ')}`}
      >
        {bars.map((bar, index) => (
          <div className="bar" key={`${bar.label}-${index}`}>
            <span className="bar-label">{bar.label}</span>
            <span className="bar-track">
              {bar.whole !== undefined && <span className="bar-whole" style={{ width: share(bar.whole) }} />}
              <span className="bar-value" style={{ width: share(bar.value) }} />
            </span>
            <span className="bar-figure">{figure(bar)}</span>
          </div>
        ))}
      </div>
    </figure>
  );
}
