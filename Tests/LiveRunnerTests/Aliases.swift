import LiveRunner

/// conform's request type (Hummingbird's HTTPTypes has one of the same name).
typealias OutgoingRequest = HTTPRequest
