import Storage
import _WaybillSupport

/// What `waybill mine --object-centric` computes on an OCEL 2.0 store: the object-centric
/// directly-follows graph and, per object type, the variants of its objects.
///
/// The case views of all object types with events (the log flattened onto each type,
/// `pm4py.ocel_flattening`) are loaded together in one pass over the store; the graph and the
/// variant tables are computed from those columns.
/// A type's variants are the distinct activity sequences of its objects, ranked as `VariantTable`
/// ranks cases, so they equal `pm4py.get_variants` on the flattened log.
public struct ObjectCentricAnalysis: Sendable {
    /// The object-centric directly-follows graph.
    public var graph: ObjectCentricDFG
    /// Per object type, in `graph.types` order: the variants of its objects.
    public var variants: [VariantTable]

    /// The variants per type written to `object_variants.csv` unless told otherwise.
    public static let defaultTopVariants = 10

    /// Analyses the case views of the object types (one per type, sharing one activity coding).
    ///
    /// - Complexity: that of `ObjectCentricDFG.init(views:)` plus a `VariantTable` per type:
    ///   O(*L* + *P* log *P* + Σ *v* log *v* · *k*) for *L* links, *P* pairs and, per type,
    ///   *v* variants of length up to *k*. The variant tables run concurrently.
    public init(views: [ColumnarLog]) {
        let kept = views.filter { $0.eventCount > 0 }
            .sorted { $0.caseType.utf8.lexicographicallyPrecedes($1.caseType.utf8) }
        enum Part: Sendable {
            case graph(ObjectCentricDFG)
            case variants(VariantTable)
        }
        // The graph and each type's variants as independent jobs.
        let parts = Concurrently.map(kept.count + 1) { job in
            job == kept.count ? Part.graph(ObjectCentricDFG(views: kept)) : .variants(VariantTable(log: kept[job]))
        }
        guard case .graph(let graph) = parts[kept.count] else { preconditionFailure("the last job makes the graph") }
        self.graph = graph
        variants = parts.dropLast().map {
            guard case .variants(let table) = $0 else { preconditionFailure("the other jobs make variant tables") }
            return table
        }
    }

    /// Loads the case view of every object type with events from a store, and analyses them.
    ///
    /// - Throws: `StoreError` when the store cannot be read.
    /// - Complexity: O(*E* + *L* + *O*) to load all views in one pass over the *E* events, *L*
    ///   links and *O* objects (`EventStore.loadCaseViews`), then `init(views:)`.
    public init(store: EventStore) throws {
        self.init(views: try store.loadCaseViews())
    }

    /// Refuses case filters: the object-centric figures describe the whole log, and a filter
    /// on one case view has no meaning for the other types.
    ///
    /// - Throws: `MiningError.invalidOption` when `filter` would drop anything.
    public static func checkUnfiltered(_ filter: CaseFilter) throws {
        guard filter.keepsEverything else {
            throw MiningError(
                .invalidOption,
                "the object-centric figures cover the whole log and take no filters; run `waybill mine` with the filters and --object-type separately",
                location: "--object-centric")
        }
    }
}
