import { DEFAULT_THEME, Text } from "@mantine/core";
import { Bar, BarChart, CartesianGrid, Legend, Tooltip, XAxis, YAxis } from "recharts";
import { statusesIn, type SeriesPoint } from "../../components/reportSeries";

/** Mantine's colour as a hex value: SVG presentation attributes cannot read CSS variables. */
function hex(color: string): string {
  return (DEFAULT_THEME.colors as Record<string, readonly string[]>)[color]?.[6] ?? DEFAULT_THEME.colors.gray[6];
}

// Series names are written in the text colour: the bar colours are too light for text on white.
const textColor = DEFAULT_THEME.colors.gray[9];

/**
 * Messages per interval as bars stacked by status. Arrow keys move between the bars (recharts' accessibility
 * layer) and the caption says what is drawn, so the chart is usable without a mouse.
 */
export function StatusBarChart({ points, caption, height = 280 }: { points: SeriesPoint[]; caption: string; height?: number }) {
  const statuses = statusesIn(points);
  return (
    <figure style={{ margin: 0 }}>
      <figcaption><Text size="sm" c="dimmed" mb="xs">{caption}</Text></figcaption>
      {statuses.length === 0 ? (
        <Text size="sm" py="xl" ta="center">No messages in this period.</Text>
      ) : (
        <BarChart data={points} responsive style={{ width: "100%", height }} desc={caption} margin={{ top: 8, right: 8, bottom: 8, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey="label" tick={{ fontSize: 12 }} minTickGap={16} />
          <YAxis allowDecimals={false} tick={{ fontSize: 12 }} width={40} />
          <Tooltip itemStyle={{ color: textColor }} />
          <Legend formatter={(value) => <span style={{ color: textColor }}>{value}</span>} />
          {statuses.map((s) => (
            <Bar key={s.key} dataKey={s.key} name={s.label} stackId="status" fill={hex(s.color)} isAnimationActive={false} />
          ))}
        </BarChart>
      )}
    </figure>
  );
}
