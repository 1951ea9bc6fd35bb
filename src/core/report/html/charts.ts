// Two small inline SVG charts: tasks per CPU (runnable ones darker, the task on the CPU named, the panic CPU
// marked) and tasks per state. Geometry is computed here; labels pass through `h` like any other text.
import type { ReportData } from "../schema";
import { h, join, type Html } from "../escape";
import { count } from "./format";

const STATE_NAMES: Record<string, string> = {
  RU: "running / runnable",
  IN: "interruptible sleep",
  UN: "uninterruptible (D)",
  ID: "idle kernel thread",
  ZO: "zombie",
  ST: "stopped",
  TR: "traced",
  DE: "dead",
  WA: "waking",
  PA: "parked",
  NE: "new",
};
/** CPUs drawn; a machine with more is summarised. */
const MAX_CPUS = 64;
const ROW = 20;

function short(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function cpuChart(data: ReportData): Html {
  const cpus = data.overview.cpus.slice(0, MAX_CPUS);
  if (!cpus.length) return h`<p class="muted">No CPU data.</p>`;
  const max = Math.max(1, ...cpus.map((c) => c.tasks));
  const W = 540;
  const barX = 48;
  const barW = 160;
  const rows = cpus.map((c, i) => {
    const y = i * ROW + 4;
    const w = Math.round((c.tasks / max) * barW);
    const run = Math.round((c.running / max) * barW);
    const on = c.active ? `${short(c.active.comm, 24)} (${c.active.pid})` : "—";
    return h`<g><text x="0" y="${y + 12}" class="m">CPU ${c.cpu}</text><rect class="track" x="${barX}" y="${y + 2}" width="${barW}" height="12"/><rect class="bar" x="${barX}" y="${y + 2}" width="${w}" height="12"/><rect class="bar run${c.panic ? " panic" : ""}" x="${barX}" y="${y + 2}" width="${run}" height="12"/><text x="${barX + barW + 8}" y="${y + 12}">${count(c.tasks)} · ${count(c.running)} RU</text><text x="${barX + barW + 74}" y="${y + 12}" class="m${c.panic ? "" : " muted"}">${c.panic ? "panic · " : ""}on CPU: ${on}</text></g>`;
  });
  const more = data.overview.cpus.length > MAX_CPUS ? h`<p class="small muted">${count(data.overview.cpus.length - MAX_CPUS)} more CPUs are in the JSON.</p>` : "";
  const height = cpus.length * ROW + 8;
  return h`<figure><figcaption>Tasks per CPU (last CPU each ran on; runnable darker)</figcaption><svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${height}" width="${W}" height="${height}" role="img" aria-label="Tasks per CPU">${join(rows)}</svg>${more}</figure>`;
}

function stateChart(data: ReportData): Html {
  const states = Object.entries(data.overview.states)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 16);
  if (!states.length) return h`<p class="muted">No task states.</p>`;
  const max = Math.max(1, ...states.map(([, n]) => n));
  const W = 460;
  const barX = 36;
  const barW = 220;
  const rows = states.map(([state, n], i) => {
    const y = i * ROW + 4;
    const w = Math.max(1, Math.round((n / max) * barW));
    return h`<g><text x="0" y="${y + 12}" class="m">${short(state, 4)}</text><rect class="track" x="${barX}" y="${y + 2}" width="${barW}" height="12"/><rect class="bar${state === "RU" ? " run" : ""}" x="${barX}" y="${y + 2}" width="${w}" height="12"/><text x="${barX + barW + 8}" y="${y + 12}">${count(n)}</text><text x="${barX + barW + 48}" y="${y + 12}" class="muted">${STATE_NAMES[state] ?? ""}</text></g>`;
  });
  const height = states.length * ROW + 8;
  return h`<figure><figcaption>Tasks per state</figcaption><svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${height}" width="${W}" height="${height}" role="img" aria-label="Tasks per state">${join(rows)}</svg></figure>`;
}

export function renderCharts(data: ReportData): Html {
  return h`<div class="charts">${cpuChart(data)}${stateChart(data)}</div>`;
}
