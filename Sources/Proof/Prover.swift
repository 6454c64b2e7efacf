import Foundation

/// Runs a plan through dbt, batch by batch, and turns the answers into proofs.
public enum Prover {
    /// The proofs, and how dbt was run.
    public struct Outcome: Sendable {
        public var models: [ModelProof]
        public var dbt: ProofReport.DbtRun
        /// The target dbt connected with (its own word).
        public var target: String?
    }

    /// Proves every item of `plan` with `runner`; `progress` hears what is happening (for a
    /// terminal).
    ///
    /// - Throws: ``ProofError`` when dbt cannot run or fails (its messages passed on), when a
    ///   modified node is not built on the branch, or when both sides are one relation.
    public static func run(_ plan: ProofPlan, runner: DbtRunner, progress: (String) -> Void = { _ in }) throws -> Outcome {
        var answers: [String: ProofAssembler.Answer] = [:]
        var seconds = 0.0
        var version: String?
        var adapter: String?
        var target: String?
        let batches = plan.batches()
        for (index, batch) in batches.enumerated() {
            progress(
                "dbt show \(index + 1) of \(batches.count): \(batch.count) model\(batch.count == 1 ? "" : "s") (dbt parses the project first)")
            let output = try runner.run(plan: plan.json(batch)) { step in progress("  proving " + step) }
            seconds += output.seconds
            let events = DbtEvents(stdout: output.stdout)
            guard output.status == 0 else {
                var messages = events.errors
                if messages.isEmpty {
                    let stderr = String(decoding: output.stderr, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
                    if !stderr.isEmpty { messages = [String(stderr.suffix(4000))] }
                }
                throw ProofError.dbtFailed(status: output.status, messages: messages)
            }
            version = version ?? events.version
            adapter = adapter ?? events.adapter
            target = target ?? events.target
            answers.merge(try ProofAssembler.answers(try events.answer())) { first, _ in first }
        }
        let models = plan.items.map { item in ProofAssembler.proof(item, item.ephemeral ? nil : answers[item.uniqueID]) }
        if let same = zip(plan.items, models).first(where: { answers[$0.0.uniqueID]?.sameRelation == true }) {
            throw ProofError.sameRelation(same.0.name, relation: same.1.branch?.relation ?? answers[same.0.uniqueID]?.branch ?? "")
        }
        let unbuilt = models.filter { ["modified", "selected"].contains($0.role) && $0.status == .notBuilt }.map(\.name)
        if !unbuilt.isEmpty { throw ProofError.notBuilt(unbuilt, target: target ?? runner.target) }
        return Outcome(
            models: models,
            dbt: .init(executable: runner.executable, version: version, adapter: adapter, invocations: batches.count, seconds: (seconds * 10).rounded() / 10),
            target: target ?? runner.target)
    }
}

extension ProofReport {
    /// The largest proof.json read: 16 MB (a proof of a hundred models is a few hundred KB).
    public static let maxFileBytes = 16 << 20

    /// Reads a proof.json; `file` names it in errors.
    ///
    /// - Throws: ``ProofError`` when the file is too large, not a proof, or of another schema.
    public static func read(path: String, file: String) throws -> ProofReport {
        let size = ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.intValue ?? 0
        guard size <= maxFileBytes else { throw ProofError.proofTooLarge(file: file, limit: maxFileBytes) }
        guard let data = FileManager.default.contents(atPath: path) else { throw ProofError.notAProof(file: file, reason: "cannot read it") }
        return try decode(data, file: file)
    }

    /// Decodes a proof.json's bytes.
    public static func decode(_ data: Data, file: String) throws -> ProofReport {
        struct Header: Decodable { var schema: String? }
        guard let header = try? JSONDecoder().decode(Header.self, from: data) else { throw ProofError.notAProof(file: file, reason: "not a JSON object") }
        guard let schema = header.schema else { throw ProofError.notAProof(file: file, reason: "no `schema` key") }
        guard schema == currentSchema else { throw ProofError.unsupportedProof(file: file, schema: schema) }
        do {
            return try JSONDecoder().decode(ProofReport.self, from: data)
        } catch let DecodingError.keyNotFound(key, context) {
            throw ProofError.notAProof(file: file, reason: "`\((context.codingPath + [key]).map(\.stringValue).joined(separator: "."))` is missing")
        } catch let DecodingError.typeMismatch(_, context) {
            throw ProofError.notAProof(file: file, reason: "`\(context.codingPath.map(\.stringValue).joined(separator: "."))` has the wrong type")
        } catch {
            throw ProofError.notAProof(file: file, reason: "not valid JSON")
        }
    }

    /// The document as written to proof.json: pretty, keys sorted.
    public func encoded() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        // Strings, numbers and arrays of them: encoding cannot fail.
        return (try? encoder.encode(self)).map { String(decoding: $0, as: UTF8.self) + "\n" } ?? "{}\n"
    }
}
