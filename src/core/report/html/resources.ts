// Open files and sockets of the panic task and of every flagged process.
import type { ReportData } from "../schema";
import { h, join, type Html } from "../escape";
import { badge } from "./format";

export function renderResources(data: ReportData): Html {
  if (!data.resources.length) return h`<p class="muted">No task to list: no panic task was found and nothing was flagged.</p>`;
  return join(
    data.resources.map((t) => {
      const files = t.files.length
        ? h`<table><thead><tr><th class="r">FD</th><th>Type</th><th>Path</th><th>File</th></tr></thead><tbody>${join(
            t.files.map((f) => h`<tr class="${f.deleted ? "mark" : ""}"><td class="r m">${f.fd}</td><td class="m">${f.type}</td><td class="m wrap">${f.path}${f.deleted ? h` ${badge("deleted", "alert")}` : ""}</td><td class="m">${f.file}</td></tr>`),
          )}</tbody></table>`
        : h`<p class="small muted">No open files read.</p>`;
      const sockets = t.sockets.length
        ? h`<table><thead><tr><th class="r">FD</th><th>Family</th><th>Type</th><th>Local</th><th>Remote</th><th>State</th></tr></thead><tbody>${join(
            t.sockets.map((s) => h`<tr><td class="r m">${s.fd}</td><td>${s.family}</td><td>${s.type}</td><td class="m">${s.local ?? ""}</td><td class="m">${s.remote ?? ""}</td><td>${s.state ?? ""}</td></tr>`),
          )}</tbody></table>`
        : h`<p class="small muted">No sockets.</p>`;
      return h`<h3><span class="m">${t.comm}</span> <span class="muted">pid ${t.pid} · ${t.reason}</span></h3>
<p class="small muted">root <span class="m">${t.root ?? "?"}</span> · cwd <span class="m">${t.cwd ?? "?"}</span></p>${files}${sockets}`;
    }),
    "\n",
  );
}
