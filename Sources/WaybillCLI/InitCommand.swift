import ArgumentParser
import Configuration
import Foundation
import Storage

/// `waybill init`: creates a workspace with a commented `waybill.yaml`.
struct Init: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create a workspace: the folders and a commented waybill.yaml with the default SLA rule.",
        discussion: """
            Writes <workspace>/waybill.yaml (the case type and the SLA rule, with the
            alternatives as comments) and creates Models/, Reports/ and Notebooks-data/.
            An existing waybill.yaml is left alone unless --force is given.

            Examples:
              waybill init --workspace ws
              waybill init --workspace ws --force
            """)

    @OptionGroup var workspace: WorkspaceOptions

    @Flag(help: "Overwrite an existing waybill.yaml.")
    var force = false

    func run() throws {
        try runReportingErrors {
            let ws = try workspace.open()
            let path = ws.configPath
            let exists = FileManager.default.fileExists(atPath: path)
            if exists && !force {
                throw ConfigurationError("already exists; edit it, or give --force to replace it with the template", file: path)
            }
            do {
                try Data(WorkspaceConfig.template.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
            } catch {
                throw OutputError(path: path, reason: error.localizedDescription)
            }
            if workspace.json {
                try printJSON(["config": path, "workspace": ws.root.path])
            } else {
                print("Wrote \(path)\(exists ? " (replaced)" : ""); edit the sla: section to match your order process.")
            }
        }
    }
}
