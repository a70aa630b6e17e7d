extension WorkspaceConfig {
    /// The commented `waybill.yaml` that `waybill init` writes: the defaults, with the
    /// alternatives shown as comments. Parsing it gives `WorkspaceConfig()`.
    public static let template = """
        # waybill.yaml: settings for this workspace. Every key is optional; CLI flags override them.

        # The object type a case is (the case view flattens the event log onto it).
        case_type: orders

        # The service-level rule: when an order is due, and what counts as fulfilling it.
        # An order MISSES when its milestone activity completes after the promise, when it is
        # cancelled before the milestone, or when it is still open after the promise. An order
        # whose promise is still ahead is open: not labelled, but scored.
        sla:
          # The promise: a case attribute holding the promised instant (ISO 8601 with a zone) ...
          promise_attribute: promised_at
          # ... or, instead, hours after the order's first event, per channel:
          # promise_hours:
          #   default: 72
          #   store_pickup: 24
          #   b2b: 120

          # The case attribute naming the sales channel.
          channel_attribute: channel

          # The milestone activity, and per-channel exceptions.
          milestone: Delivered
          milestone_by_channel:
            store_pickup: Ready For Pickup

          # Activities that end an order as cancelled.
          cancellation_activities: [Order Cancelled]

        """
}
