// Stands in for @vscode/extension-telemetry in the bundle. azext-utils constructs a TelemetryReporter only when
// DEBUGTELEMETRY is unset while it loads; src/ui/azext.ts always sets it then, so azext-utils uses its DebugReporter and
// this class is never constructed. The real package would bring 1DS and Application Insights (~350 KB) that never run.
class TelemetryReporter {
  constructor() {
    throw new Error('Telemetry is never sent by this extension; @vscode/extension-telemetry is not bundled.');
  }
}
module.exports = { TelemetryReporter, default: TelemetryReporter };
