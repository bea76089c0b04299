// Imported by azext.ts before @microsoft/vscode-azext-utils, so that DEBUGTELEMETRY is set while the library's modules
// load (imports run in order, in the bundle as under Node); azext.ts restores the previous value right after.
export const previousDebugTelemetry = process.env.DEBUGTELEMETRY;
process.env.DEBUGTELEMETRY = '1';
