// The incident report for the adapters (which import only session/ and io/): gathered through the contract,
// rendered to one self-contained HTML file; its data is the JSON export (docs/report.md).
export { buildReportData, renderReportHtml, workbenchTags, REPORT_FORMAT, REPORT_VERSION, type ReportMeta, type FileHashes, type ReportData, type AnalystTag } from "../report";
