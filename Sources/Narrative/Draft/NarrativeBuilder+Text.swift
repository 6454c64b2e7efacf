import Sessions

extension NarrativeBuilder {
    /// A session section's visible text: comments and placeholders removed, blank lines trimmed.
    public static func sectionText(_ session: SessionInput, _ title: String) -> String? {
        guard let lines = session.writtenLines(title) else { return nil }
        // Deeper headings inside the section would break the narrative's outline: make them bold;
        // a heading with nothing under it (a reasoning step left out) is left out.
        var kept: [String] = []
        for (index, line) in lines.enumerated() {
            guard let heading = MarkdownDocument.heading(line) else {
                kept.append(line)
                continue
            }
            let body = lines[(index + 1)...].prefix { MarkdownDocument.heading($0) == nil }
            if body.contains(where: { !$0.trimmingCharacters(in: .whitespaces).isEmpty }) { kept.append("**\(heading.title)**") }
        }
        while let last = kept.last, last.trimmingCharacters(in: .whitespaces).isEmpty { kept.removeLast() }
        // Blank lines left twice by a step left out count once.
        var text: [String] = []
        for line in kept where !(line.trimmingCharacters(in: .whitespaces).isEmpty && (text.last?.trimmingCharacters(in: .whitespaces).isEmpty ?? true)) {
            text.append(line)
        }
        return text.joined(separator: "\n")
    }
}
