import ContractCore
import Testing

@Suite struct RedactorTests {
    @Test func withoutSecretsTextIsUnchanged() {
        let redactor = Redactor()
        #expect(redactor.isEmpty)
        #expect(redactor.redact("Bearer abc.def") == "Bearer abc.def")
        #expect(Redactor(secrets: ["abc", "", "  x  "]).isEmpty, "secrets under 4 characters are ignored")
    }

    @Test func everyOccurrenceIsReplaced() {
        let redactor = Redactor(secrets: ["s3cr3t-key"])
        #expect(!redactor.isEmpty)
        #expect(redactor.redact("a s3cr3t-key b s3cr3t-keys3cr3t-key") == "a [REDACTED] b [REDACTED][REDACTED]")
        #expect(redactor.redact("no secret here") == "no secret here")
        #expect(redactor.redact("S3CR3T-KEY") == "S3CR3T-KEY", "matching is case-sensitive")
        #expect(redactor.redact("") == "")
    }

    @Test func overlappingSecretsLeaveNoPartBehind() {
        let redactor = Redactor(secrets: ["abcd", "abcdefgh", "ghij"])
        #expect(redactor.redact("xabcdefghijy") == "x[REDACTED]y")
        #expect(redactor.redact("abcd abcdefgh ghij") == "[REDACTED] [REDACTED] [REDACTED]")
        #expect(Redactor(secrets: ["aaaa"]).redact("aaaaaa!") == "[REDACTED]!")
    }

    @Test func authorizationValuesAlsoRedactTheirCredential() {
        var redactor = Redactor()
        redactor.add("Bearer eyJhbGciOi.payload.sig")
        redactor.add("basic dXNlcjpwYXNz\n")
        redactor.add("Bearer abc")  // the token is too short on its own; the whole value is kept
        #expect(redactor.redact("token eyJhbGciOi.payload.sig") == "token [REDACTED]")
        #expect(redactor.redact("Authorization: Bearer eyJhbGciOi.payload.sig") == "Authorization: [REDACTED]")
        #expect(redactor.redact("creds=dXNlcjpwYXNz;") == "creds=[REDACTED];")
        #expect(redactor.redact("Bearer abc, abc") == "[REDACTED], abc")
        #expect(Redactor(secrets: ["Token abcdefgh"]).redact("abcdefgh") == "abcdefgh", "only Bearer and Basic")
    }

    @Test func multiByteSecretsAreFound() {
        let redactor = Redactor(secrets: ["пароль🔑秘密"])
        #expect(redactor.redact("é пароль🔑秘密 é") == "é [REDACTED] é")
    }

    @Test(arguments: [
        ("Authorization", true), ("authorization", true), ("PROXY-AUTHORIZATION", true), ("Cookie", true),
        ("Set-Cookie", true), ("X-API-Key", true), ("api-key", true), ("X-Auth-Token", true),
        ("Content-Type", false), ("X-Request-ID", false), ("", false), ("x-api-keys", false),
        ("x-aUTH-tOKEN", true), ("X_API_KEY", false), ("Authorizatio", false), ("Cookie\u{0435}", false),
        // Not ASCII: compared once lowercased (the Kelvin sign lowercases to "k").
        ("X-API-\u{212A}ey", true), ("Cooki\u{0435}", false),
    ])
    func sensitiveHeadersAreRecognised(name: String, isSensitive: Bool) {
        #expect(Redactor.isSensitiveHeader(name) == isSensitive)
    }
}
