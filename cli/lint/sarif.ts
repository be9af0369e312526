import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { Finding, Rule } from "../../analysis/guards";

/**
 * SARIF 2.1.0 as checkov and trivy write it for code-scanning dashboards: one run, the rules in the
 * driver, one result per finding with its file and line when known, the resource address as a logical
 * location, and silenced findings as in-source suppressions with their reason.
 */

const SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json";

export function sarifLog(findings: readonly Finding[], rules: readonly Rule[], version: string): object {
  const ruleIndex = new Map(rules.map((rule, index) => [rule.id, index]));
  return {
    $schema: SCHEMA,
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "stateful-ecs",
            version,
            rules: rules.map((rule) => ({
              id: rule.id,
              name: rule.title,
              shortDescription: { text: rule.title },
              help: { text: rule.help },
              defaultConfiguration: { level: rule.severity },
            })),
          },
        },
        results: findings.map((finding) => ({
          ruleId: finding.ruleId,
          ruleIndex: ruleIndex.get(finding.ruleId),
          level: finding.severity,
          message: { text: `${finding.address}: ${finding.message}` },
          locations: [
            {
              ...(finding.location
                ? {
                    physicalLocation: {
                      artifactLocation: { uri: artifactUri(finding.location.file) },
                      ...(finding.location.line !== undefined ? { region: { startLine: finding.location.line } } : {}),
                    },
                  }
                : {}),
              logicalLocations: [{ fullyQualifiedName: finding.address, kind: "resource" }],
            },
          ],
          ...(finding.silenced !== undefined
            ? { suppressions: [{ kind: "inSource", justification: finding.silenced }] }
            : {}),
        })),
      },
    ],
  };
}

/** A file as a SARIF artifact URI: relative paths percent-encoded, absolute ones as `file://` URIs. */
function artifactUri(file: string): string {
  if (path.isAbsolute(file)) return pathToFileURL(file).href;
  return file.split(path.sep).map(encodeURIComponent).join("/");
}
