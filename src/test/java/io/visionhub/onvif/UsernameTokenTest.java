package io.visionhub.onvif;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The WS-Security PasswordDigest and HTTP digest computations against published test vectors. */
class UsernameTokenTest {

    @Test
    void passwordDigestMatchesTheOnvifTestVector() {
        // ../shared/reference/mes-context-onvif.md (the ONVIF Application Programmer's Guide example)
        assertThat(UsernameToken.digest("LKqI6G/AikKCQrN0zqZFlg==", "2010-09-16T07:50:45Z", "userpassword"))
                .isEqualTo("tuOSpGlFlIXsozq4HFNeeGeFLEI=");
    }

    @Test
    void aTokenCarriesAFreshNonceAndCreatedToTheSecondAndNoPassword() {
        UsernameToken a = UsernameToken.create("admin", "s3cret", Instant.parse("2026-01-02T03:04:05.678Z"));
        UsernameToken b = UsernameToken.create("admin", "s3cret", Instant.parse("2026-01-02T03:04:05.678Z"));
        assertThat(a.created()).isEqualTo("2026-01-02T03:04:05Z");
        assertThat(Base64.getDecoder().decode(a.nonceBase64())).hasSize(16);
        assertThat(a.nonceBase64()).isNotEqualTo(b.nonceBase64());
        assertThat(a.digest()).isEqualTo(UsernameToken.digest(a.nonceBase64(), a.created(), "s3cret"));
        assertThat(a.toXml()).contains("#PasswordDigest").doesNotContain("s3cret");
        assertThat(a.toString()).doesNotContain(a.digest());
    }

    @Test
    void httpDigestMatchesTheRfc2617Example() {
        Map<String, String> auth = HttpDigest.fields("Digest username=\"Mufasa\", realm=\"testrealm@host.com\", "
                + "nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", uri=\"/dir/index.html\", qop=auth, nc=00000001, "
                + "cnonce=\"0a4f113b\", response=\"6629fae49393a05397450978507c4ef1\", "
                + "opaque=\"5ccc069c403ebaf9f0171e9517f40e41\"");
        assertThat(HttpDigest.expectedResponse(auth, "Circle Of Life", "GET"))
                .isEqualTo("6629fae49393a05397450978507c4ef1");
    }

    @Test
    void httpDigestAnswersAChallengeSoThatTheServerSideCheckAgrees() {
        HttpDigest challenge = HttpDigest.parse(
                "Digest realm=\"cam\", qop=\"auth,auth-int\", nonce=\"abc123\", opaque=\"xyz\", algorithm=MD5");
        assertThat(challenge).isNotNull();
        String header = challenge.authorization("admin", "pw", "POST", "/onvif/device_service");
        Map<String, String> f = HttpDigest.fields(header);
        assertThat(f)
                .containsEntry("qop", "auth")
                .containsEntry("nc", "00000001")
                .containsEntry("opaque", "xyz");
        assertThat(HttpDigest.expectedResponse(f, "pw", "POST")).isEqualTo(f.get("response"));
        assertThat(HttpDigest.expectedResponse(f, "wrong", "POST")).isNotEqualTo(f.get("response"));
        assertThat(HttpDigest.fields(challenge.authorization("admin", "pw", "POST", "/x")))
                .containsEntry("nc", "00000002");
    }

    @Test
    void aBasicChallengeOrGarbageIsNoDigestChallenge() {
        assertThat(HttpDigest.parse("Basic realm=\"cam\"")).isNull();
        assertThat(HttpDigest.parse("Digest qop=auth")).isNull();
        assertThat(HttpDigest.parse(null)).isNull();
    }
}
