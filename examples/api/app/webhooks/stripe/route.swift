import RouteHandlers

#if canImport(Glibc)
import Glibc
#endif

/// POST /webhooks/stripe: verifies the `Stripe-Signature` header against the raw body with the secret in
/// `STRIPE_WEBHOOK_SECRET`, then answers `{"received":true,"type":<event type>}`.
///
/// 400 for a missing, malformed, stale or wrong signature (Stripe shows it in the dashboard and retries);
/// 500 when the server has no secret configured: that is the operator's mistake, not the sender's.
func POST(_ request: Request, _ context: Context) async throws -> Response {
    guard let secret = environment("STRIPE_WEBHOOK_SECRET") else {
        context.logger.error("STRIPE_WEBHOOK_SECRET is not set: cannot verify Stripe webhooks")
        throw HTTPError(.internalServerError, "Webhook verification is not configured.")
    }
    guard let header = request.headers.get("Stripe-Signature") else {
        throw HTTPError(.badRequest, "Missing Stripe-Signature header.")
    }
    // The signature covers the raw bytes, so verify them before decoding anything.
    let payload = try await request.bytes()
    try StripeSignature(header: header).verify(payload: payload, secret: secret, now: Int64(time(nil)))
    let event = try await request.json(Event.self)
    return .json(Received(received: true, type: event.type))
}

struct Event: Decodable {
    var type: String
}

struct Received: Encodable, Sendable {
    var received: Bool
    var type: String
}
