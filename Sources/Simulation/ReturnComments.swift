import Foundation

/// The free-text comments customers leave with a return, from templates per reason code.
///
/// Comments are short and a little uneven, as real ones are, but each template makes its reason
/// recoverable from the text (so a text classifier has something to learn). `{n}` is the number
/// the return carries (days late, or days since delivery); `{carrier}` the carrier's name.
enum ReturnComments {
    /// Templates indexed by reason code (`Retailer.returnReasonNames`).
    static let templates: [[String]] = [
        [  // size_fit
            "too small, ordering a size up", "runs large, does not fit", "sleeves too long",
            "fits tighter than the size chart says", "wrong size, need one size down", "didn't fit",
            "too big around the waist",
        ],
        [  // damaged
            "box was crushed and the item is broken", "arrived damaged, {carrier} parcel was torn open",
            "item scratched on arrival", "packaging soaked through, item damaged", "parcel dented, contents broken",
        ],
        [  // late_delivery
            "arrived {n} days late, no longer needed", "came too late for the event",
            "delivery was {n} days late, bought elsewhere",
            "ordered for a birthday, arrived {n} days after", "late delivery, not needed anymore",
        ],
        [  // defective
            "stopped working after {n} days", "does not power on", "missing parts", "faulty, makes a rattling noise",
            "broke after {n} days of use",
        ],
        [  // changed_mind
            "changed my mind", "found it cheaper elsewhere", "ordered by mistake", "no longer needed",
            "gift not wanted",
        ],
        [  // not_as_described
            "colour is different from the photos", "material feels cheap, not as described", "smaller than pictured",
            "not the model in the listing",
        ],
    ]

    /// The comment for a template, with its number and carrier filled in.
    ///
    /// - Complexity: O(*m*) in the template's length.
    static func text(reason: Int, template: Int, detail: Int, carrier: String) -> String {
        var text = templates[reason][template]
        if text.contains("{n}") {
            if detail == 1 { text = text.replacingOccurrences(of: "{n} days", with: "a day") }
            text = text.replacingOccurrences(of: "{n}", with: String(detail))
        }
        if text.contains("{carrier}") { text = text.replacingOccurrences(of: "{carrier}", with: carrier) }
        return text
    }
}
