/// The rule as it is saved in a model's `model.json`, so a model scores with the rule it was
/// trained with: `{"promise": {"attribute": "promised_at"}, ...}` or
/// `{"promise": {"hours_default": 72, "hours_by_channel": {...}}, ...}`.
extension SLARule: Codable {
    enum CodingKeys: String, CodingKey {
        case promise, milestone
        case channelAttribute = "channel_attribute"
        case milestoneByChannel = "milestone_by_channel"
        case cancellationActivities = "cancellation_activities"
    }

    enum PromiseKeys: String, CodingKey {
        case attribute
        case hoursDefault = "hours_default"
        case hoursByChannel = "hours_by_channel"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let promise = try container.nestedContainer(keyedBy: PromiseKeys.self, forKey: .promise)
        let decodedPromise: Promise =
            if let attribute = try promise.decodeIfPresent(String.self, forKey: .attribute) {
                .attribute(attribute)
            } else {
                .hoursAfterCreation(
                    default: try promise.decodeIfPresent(Double.self, forKey: .hoursDefault),
                    byChannel: try promise.decodeIfPresent([String: Double].self, forKey: .hoursByChannel) ?? [:])
            }
        self.init(
            promise: decodedPromise,
            channelAttribute: try container.decode(String.self, forKey: .channelAttribute),
            milestone: try container.decode(String.self, forKey: .milestone),
            milestoneByChannel: try container.decode([String: String].self, forKey: .milestoneByChannel),
            cancellationActivities: try container.decode([String].self, forKey: .cancellationActivities))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        var promise = container.nestedContainer(keyedBy: PromiseKeys.self, forKey: .promise)
        switch self.promise {
        case .attribute(let name): try promise.encode(name, forKey: .attribute)
        case .hoursAfterCreation(let fallback, let byChannel):
            try promise.encodeIfPresent(fallback, forKey: .hoursDefault)
            try promise.encode(byChannel, forKey: .hoursByChannel)
        }
        try container.encode(channelAttribute, forKey: .channelAttribute)
        try container.encode(milestone, forKey: .milestone)
        try container.encode(milestoneByChannel, forKey: .milestoneByChannel)
        try container.encode(cancellationActivities, forKey: .cancellationActivities)
    }
}
