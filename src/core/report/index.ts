// The incident report: gathered through the contract (build.ts), rendered to one self-contained HTML file
// (html/document.ts); the data is the JSON export (schema.ts, docs/report.md).
export { buildReportData, type ReportMeta, type FileHashes } from "./build";
export { renderReportHtml } from "./html/document";
export { REPORT_FORMAT, REPORT_VERSION, type ReportData, type AnalystTag } from "./schema";
export { workbenchTags } from "./workbench-notes";
