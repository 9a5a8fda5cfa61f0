// CPU and memory of the agent session over its last samples (`resource_sample`), drawn by
// uPlot, which is loaded only when the first samples arrive.
import { useEffect, useRef } from "preact/hooks";
import type uPlotType from "uplot";
import type { ResourceSample } from "../lib/types";

let uPlotModule: Promise<typeof uPlotType> | null = null;
function loadUPlot(): Promise<typeof uPlotType> {
  uPlotModule ??= Promise.all([import("uplot"), import("uplot/dist/uPlot.min.css")]).then(
    ([m]) => m.default,
  );
  return uPlotModule;
}

function series(samples: ResourceSample[]): uPlotType.AlignedData {
  return [
    samples.map((s) => s.timestamp / 1000),
    samples.map((s) => s.cpuPercent),
    samples.map((s) => s.memoryMb),
  ];
}

function formatMb(mb: number): string {
  return mb < 10 ? `${mb.toFixed(1)} MB` : `${Math.round(mb)} MB`;
}

export function Sparkline(props: { samples: ResourceSample[] }) {
  const host = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlotType | null>(null);
  const last = props.samples[props.samples.length - 1];

  useEffect(() => {
    let cancelled = false;
    void loadUPlot().then((UPlot) => {
      if (cancelled || !host.current || plot.current) return;
      plot.current = new UPlot(
        {
          width: 120,
          height: 28,
          legend: { show: false },
          cursor: { show: false },
          axes: [{ show: false }, { show: false, scale: "cpu" }, { show: false, scale: "mem" }],
          scales: { x: { time: false }, cpu: { auto: true }, mem: { auto: true } },
          series: [
            {},
            { stroke: "#4c9aff", scale: "cpu", points: { show: false } },
            { stroke: "#f0a030", scale: "mem", points: { show: false } },
          ],
        },
        series(props.samples),
        host.current,
      );
    });
    return () => {
      cancelled = true;
    };
  }, []);
  useEffect(() => plot.current?.setData(series(props.samples)), [props.samples]);
  useEffect(() => () => plot.current?.destroy(), []);

  return (
    <span class="resources" data-testid="resources">
      <span ref={host} class="sparkline" title="CPU (blue) and memory (orange)" aria-hidden="true" />
      {last && (
        <span class="muted small-text">
          {last.cpuPercent !== null ? `${Math.round(last.cpuPercent)}% CPU` : ""}
          {last.memoryMb !== null ? ` · ${formatMb(last.memoryMb)}` : ""}
        </span>
      )}
    </span>
  );
}
