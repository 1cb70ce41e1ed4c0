import Crypto
import Foundation
import RouteHandlersTestHarness
import Testing

/// POST /webhooks/stripe of the example, through nginx, with signatures made the way Stripe makes them.
@Suite("Example API: Stripe webhook", .timeLimit(.minutes(2)))
struct ExampleWebhookTests {
    static let payload = Array(#"{"id":"evt_1","object":"event","type":"payment_intent.succeeded","data":{"object":{}}}"#.utf8)

    static func signature(_ payload: [UInt8], secret: String = ExampleAPIServer.webhookSecret, at timestamp: Int = now()) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Array("\(timestamp).".utf8) + payload, using: SymmetricKey(data: Array(secret.utf8)))
        return mac.map { String(format: "%02x", $0) }.joined()
    }

    static func now() -> Int { Int(Date().timeIntervalSince1970) }

    func post(_ api: ExampleAPIServer, signature: String?, payload: [UInt8] = payload) async throws -> ReceivedResponse {
        let headers = ["Content-Type: application/json"] + (signature.map { ["Stripe-Signature: \($0)"] } ?? [])
        return try await api.request("/webhooks/stripe", method: "POST", headers: headers, body: payload)
    }

    @Test func aValidSignatureIsReceived() async throws {
        try await withExampleAPI { api in
            let t = Self.now()
            let response = try await post(api, signature: "t=\(t),v1=\(Self.signature(Self.payload, at: t))")
            #expect(response.status == 200, "\(response)")
            #expect(response.text == #"{"received":true,"type":"payment_intent.succeeded"}"#)
            // Any matching v1 is enough (Stripe sends several while a secret is being rolled), and v0 is ignored.
            let rolled =
                "t=\(t),v1=\(Self.signature(Self.payload, secret: "whsec_old", at: t)),v0=abc,v1=\(Self.signature(Self.payload, at: t))"
            #expect(try await post(api, signature: rolled).status == 200)
            // Within the 5-minute tolerance on either side.
            let early = t - 240
            #expect(try await post(api, signature: "t=\(early),v1=\(Self.signature(Self.payload, at: early))").status == 200)
        }
    }

    @Test func badOrMissingSignaturesAre400() async throws {
        try await withExampleAPI { api in
            let t = Self.now()
            let good = Self.signature(Self.payload, at: t)
            let tampered = Array(#"{"id":"evt_1","object":"event","type":"charge.refunded","data":{"object":{}}}"#.utf8)
            let stale = t - 301
            let future = t + 400
            let cases: [(String?, [UInt8])] = [
                (nil, Self.payload),
                ("", Self.payload),
                ("garbage", Self.payload),
                ("v1=\(good)", Self.payload),  // no timestamp
                ("t=\(t)", Self.payload),  // no v1
                ("t=\(t),v1=\(good)", tampered),  // body changed after signing
                ("t=\(t + 1),v1=\(good)", Self.payload),  // timestamp changed after signing
                ("t=\(t),v1=\(Self.signature(Self.payload, secret: "whsec_wrong", at: t))", Self.payload),
                ("t=\(t),v1=zz\(good.dropFirst(2))", Self.payload),  // not hex
                ("t=\(t),v1=\(good.prefix(32))", Self.payload),  // truncated
                ("t=\(t),v0=\(good)", Self.payload),  // only the test scheme
                ("t=\(stale),v1=\(Self.signature(Self.payload, at: stale))", Self.payload),
                ("t=\(future),v1=\(Self.signature(Self.payload, at: future))", Self.payload),
            ]
            for (header, payload) in cases {
                let response = try await post(api, signature: header, payload: payload)
                #expect(response.status == 400, "\(header ?? "no header"): \(response)")
                #expect(response.header("Content-Type") == "application/problem+json")
            }
        }
    }

    @Test func aSignedPayloadThatIsNotAnEventIsRefused() async throws {
        try await withExampleAPI { api in
            let t = Self.now()
            let notJSON = Array("not json".utf8)
            let malformed = try await post(api, signature: "t=\(t),v1=\(Self.signature(notJSON, at: t))", payload: notJSON)
            #expect(malformed.status == 400)
            let noType = Array(#"{"id":"evt_2"}"#.utf8)
            let untyped = try await post(api, signature: "t=\(t),v1=\(Self.signature(noType, at: t))", payload: noType)
            #expect(untyped.status == 422)
            #expect(untyped.problemDetail.contains(#""type""#))
        }
    }

    @Test func withoutASecretTheServerRefusesWith500() async throws {
        try await withExampleAPI(environment: ["STRIPE_WEBHOOK_SECRET": ""]) { api in
            let t = Self.now()
            let response = try await post(api, signature: "t=\(t),v1=\(Self.signature(Self.payload, at: t))")
            #expect(response.status == 500)
            #expect(await eventually { api.appLog.contains("STRIPE_WEBHOOK_SECRET is not set") }, "\(api.appLog)")
        }
    }
}
