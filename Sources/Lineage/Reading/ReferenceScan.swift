/// What one SQL, Jinja or Python text says about its dependencies, read without rendering.
public struct ReferenceScan: Sendable, Hashable {
    /// A `ref()` call with literal arguments.
    public struct Ref: Sendable, Hashable {
        /// The package, for the two-argument form `ref('pkg', 'model')`.
        public var package: String?
        /// The model, seed or snapshot name.
        public var name: String
        /// The version from `v=` or `version=`, as text.
        public var version: String?
        /// The 1-based line of the call.
        public var line: Int
    }

    /// A `source()` call with literal arguments.
    public struct SourceRef: Sendable, Hashable {
        /// The source name.
        public var source: String
        /// The table name.
        public var table: String
        /// The 1-based line of the call.
        public var line: Int
    }

    /// A `ref()` or `source()` call whose arguments are not literals: it cannot be resolved
    /// without rendering, and is reported rather than guessed.
    public struct Unresolved: Sendable, Hashable {
        /// The 1-based line of the call.
        public var line: Int
        /// The call as written.
        public var text: String
    }

    /// `ref()` calls, in order of appearance.
    public var refs: [Ref] = []
    /// `source()` calls, in order of appearance.
    public var sources: [SourceRef] = []
    /// Names called like macros (`name(` or `package.name(`), first appearance order, no duplicates.
    public var macroCalls: [String] = []
    /// Macro names passed to `adapter.dispatch('name', 'namespace')`, as `namespace.name` or `name`.
    public var dispatches: [String] = []
    /// Variables read with `var('name')`.
    public var vars: [String] = []
    /// The keyword arguments of `config(...)` calls, merged in order (literal values; anything
    /// else kept as its source text, the way dbt keeps unrendered config).
    public var config: Value = .map([])
    /// `config()` arguments that are expressions, not literals (key → the expression as written):
    /// dbt compares their rendered value, so the loader renders what it can (`var()`, `target`).
    public var configExpressions: [String: String] = [:]
    /// A macro call with string-literal arguments (`make_dim('stg_x', date_col='dt')`): a macro
    /// that passes one of its parameters to `ref()` refs the literal given here.
    public struct CallArguments: Sendable, Hashable {
        /// The called name (`name` or `package.name`).
        public var macro: String
        /// Positional arguments: the string, or nil where the argument is not a string literal.
        public var positional: [String?]
        /// Keyword arguments that are string literals.
        public var keywords: [String: String]
    }

    /// A `ref()` of a loop variable over a list built from literals (``LoopRefTracker``): the
    /// name, and the `if` conditions it was added under (rendered by the loader).
    public struct ConditionalRef: Sendable, Hashable {
        /// The model, seed or snapshot name.
        public var name: String
        /// Jinja conditions (`var('claims_enabled', false) | as_bool`) that must not be false.
        public var conditions: [String]
    }

    /// Refs through loops over literal lists.
    public var conditionalRefs: [ConditionalRef] = []
    /// Macro calls with at least one string-literal argument, in order of appearance.
    public var callArguments: [CallArguments] = []
    /// Names passed bare to `ref()` (`ref(table)`): inside a macro, its parameters that name
    /// what it refs (dbt renders the macro with the caller's arguments while parsing).
    public var parameterRefs: [String] = []
    /// References that cannot be resolved statically.
    public var unresolved: [Unresolved] = []
    /// The checksum of the file's text with leading and trailing whitespace stripped: what dbt
    /// compares as a model's `raw_code` (its loader strips every file), so a trailing newline
    /// or blank line is no body change. Nil for scans of parts of a file (blocks).
    public var bodyDigest: String?
    /// The line of a literal nested past `CallReader.depthLimit`: the file is refused (never
    /// cached as a scan, so it needs no encoding).
    public var tooDeepAt: Int?

    /// Creates an empty scan.
    public init() {}

    mutating func addMacroCall(_ name: String) {
        if !macroCalls.contains(name) { macroCalls.append(name) }
    }

    mutating func merge(_ other: ReferenceScan) {
        refs += other.refs
        sources += other.sources
        for call in other.macroCalls { addMacroCall(call) }
        for d in other.dispatches where !dispatches.contains(d) { dispatches.append(d) }
        for v in other.vars where !vars.contains(v) { vars.append(v) }
        config = config.mergingConfig(other.config)
        for (key, _) in other.config.pairs ?? [] { configExpressions[key] = other.configExpressions[key] }
        unresolved += other.unresolved
        callArguments += other.callArguments
        conditionalRefs += other.conditionalRefs
        for name in other.parameterRefs where !parameterRefs.contains(name) { parameterRefs.append(name) }
    }
}

/// A top-level Jinja block: `{% macro %}`, `{% test %}`, `{% materialization %}`,
/// `{% snapshot %}` or `{% docs %}`.
public struct TemplateBlock: Sendable, Hashable {
    /// `macro`, `test`, `materialization`, `snapshot` or `docs`.
    public var kind: String
    /// The block's name (for materializations, the name before the comma).
    public var name: String
    /// The 1-based line of the opening tag.
    public var line: Int
    /// The whole block, opening and closing tags included (dbt's `macro_sql`).
    public var text: String
    /// The text between the tags (dbt's `raw_code` of a snapshot, a docs block's content).
    public var body: String
    /// What the block's body references.
    public var scan: ReferenceScan
    /// A macro's parameter names, in order (`{% macro m(a, b=1) %}` → `a`, `b`).
    public var parameters: [String] = []
}
