import Workflow

/// Renders doctor's checklist.
enum DoctorRenderer {
    /// One line per check (`ok`, `note` or `problem`, then the message), the fix indented below.
    static func text(_ report: DoctorReport) -> String {
        var lines: [String] = []
        for check in report.checks {
            lines.append(check.status.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0) + " " + check.message)
            if let fix = check.fix {
                lines.append(String(repeating: " ", count: 9) + "fix: " + fix)
            }
        }
        let problems = report.checks.filter { $0.status == .problem }.count
        lines.append(problems == 0 ? "\nno problems found" : "\n\(problems) problem\(problems == 1 ? "" : "s") found")
        return lines.joined(separator: "\n") + "\n"
    }

    /// `{"checks": [{"fix", "id", "message", "status"}], "ok": Bool, "problems": N}`, sorted
    /// keys; `fix` is null when nothing needs doing.
    static func json(_ report: DoctorReport) -> String {
        let checks: [JSONText] = report.checks.map { check in
            .object([
                "id": .string(check.id),
                "status": .string(check.status.rawValue),
                "message": .string(check.message),
                "fix": check.fix.map { .string($0) } ?? .null,
            ])
        }
        let problems = report.checks.filter { $0.status == .problem }.count
        return JSONText.render(.object(["checks": .array(checks), "problems": .int(problems), "ok": .bool(problems == 0)])) + "\n"
    }
}
