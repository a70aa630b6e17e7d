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

        # Training (`waybill train sla`): the hyperparameters. Flags given to the command override
        # them; uncommented as they stand, they are the defaults.
        # training:
        #   algorithm: gbt              # or logistic
        #   seed: 42
        #   logistic:
        #     c: 1                      # inverse L2 strength (scikit-learn's C)
        #   trees:
        #     rounds: 300               # early stopping on the validation window may stop sooner
        #     leaves: 31
        #     max_depth: 0              # 0: no limit
        #     learning_rate: 0.05
        #     min_data_in_leaf: 20
        #     lambda_l2: 1
        #     feature_fraction: 0.9     # of the features, drawn per tree
        #     bagging_fraction: 0.8     # of the rows, drawn every bagging_frequency rounds
        #     bagging_frequency: 1
        #     early_stopping_rounds: 30 # 0: never stop early

        """
}
