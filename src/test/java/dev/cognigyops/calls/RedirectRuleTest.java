package dev.cognigyops.calls;

import java.net.URI;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.cognigyops.calls.RedirectRule.Kind;

import static org.assertj.core.api.Assertions.assertThat;

/** Which redirects a call follows, and whether the token goes along (docs/contract.md#hostile-input-and-failing-dependencies). */
class RedirectRuleTest {

    static final String TENANT = "https://tenant.cognigy.test/api/v1/artifacts/exp-1";

    @ParameterizedTest(name = "{0} token={1} {2} -> {3}: follow={4} token={5}")
    @CsvSource({
            // a call with the token: its own origin only
            "CALL,     true,  " + TENANT + ", https://tenant.cognigy.test/api/v1/artifacts/exp-1/file, true,  true",
            "CALL,     true,  " + TENANT + ", https://TENANT.Cognigy.test:443/other,                    true,  true",
            "CALL,     true,  " + TENANT + ", https://cdn.cognigy.test/exp-1,                           false, false",
            "CALL,     true,  " + TENANT + ", https://tenant.cognigy.test:8443/exp-1,                   false, false",
            "CALL,     true,  http://tenant.test/x,  https://tenant.test/x,                               false, false",
            "CALL,     true,  http://tenant.test/x,  http://tenant.test:80/y,                             true,  true",
            // a call without the token (webhook, MLflow): never
            "CALL,     false, https://hooks.acme.test/nlu, https://hooks.acme.test/nlu2,                  false, false",
            "CALL,     false, https://hooks.acme.test/nlu, http://169.254.169.254/latest,                 false, false",
            "CALL,     false, http://mlflow.test/api,     http://mlflow.test/api/,                        false, false",
            // a download: anywhere http(s), the token only while on the tenant's origin
            "DOWNLOAD, true,  " + TENANT + ", https://tenant.cognigy.test/blobs/exp-1,                   true,  true",
            "DOWNLOAD, true,  " + TENANT + ", https://bucket.s3.amazonaws.test/exp-1?X-Amz-Signature=s, true,  false",
            "DOWNLOAD, true,  " + TENANT + ", https://tenant.cognigy.test:444/exp-1,                    true,  false",
            "DOWNLOAD, false, https://cdn.cognigy.test/a, https://tenant.cognigy.test/back,                true,  false",
            "DOWNLOAD, false, https://cdn.cognigy.test/a, https://cdn.cognigy.test/b,                      true,  false",
            // never down to http, never to another scheme
            "DOWNLOAD, true,  " + TENANT + ", http://tenant.cognigy.test/api/v1/artifacts/exp-1,        false, false",
            "DOWNLOAD, false, https://cdn.cognigy.test/a, http://cdn.cognigy.test/a,                       false, false",
            "DOWNLOAD, false, https://cdn.cognigy.test/a, ftp://cdn.cognigy.test/a,                        false, false",
            "DOWNLOAD, false, https://cdn.cognigy.test/a, file:///etc/passwd,                              false, false",
            "DOWNLOAD, false, http://cdn.cognigy.test/a,  https://cdn.cognigy.test/a,                      true,  false"})
    void decides(Kind kind, boolean withToken, String from, String to, boolean follow, boolean tokenGoesAlong) {
        RedirectRule.Decision decision = RedirectRule.decide(kind, withToken, URI.create(from), URI.create(to), 1);

        assertThat(decision.follow()).as(decision.reason()).isEqualTo(follow);
        assertThat(decision.withToken()).as(decision.reason()).isEqualTo(tokenGoesAlong);
        assertThat(decision.reason()).isNotBlank().doesNotContain("X-Amz-Signature");
    }

    @ParameterizedTest(name = "hop {1} of a {0}: follow={2}")
    @CsvSource({"CALL, 1, true", "CALL, 5, true", "CALL, 6, false", "DOWNLOAD, 5, true", "DOWNLOAD, 6, false"})
    void followsAtMostFiveRedirects(Kind kind, int hop, boolean follow) {
        RedirectRule.Decision decision = RedirectRule.decide(kind, true, URI.create(TENANT),
                URI.create("https://tenant.cognigy.test/next"), hop);

        assertThat(decision.follow()).isEqualTo(follow);
        if (!follow) {
            assertThat(decision.reason()).isEqualTo("more than 5 redirects");
        }
    }

    @ParameterizedTest(name = "{0} vs {1}: {2}")
    @CsvSource({
            "https://a.test/x,       https://a.test:443/y,   true",
            "https://a.test/x,       HTTPS://A.TEST/y,       true",
            "http://a.test/x,        http://a.test:80/y,     true",
            "http://a.test:8080/x,   http://a.test:8080/y,   true",
            "http://a.test:8080/x,   http://a.test:8081/x,   false",
            "http://a.test/x,        https://a.test/x,       false",
            "https://a.test/x,       https://b.a.test/x,     false",
            "https://a.test/x,       https://a.test.evil/x,  false"})
    void sameOriginIsSchemeHostAndEffectivePort(String a, String b, boolean same) {
        assertThat(RedirectRule.sameOrigin(URI.create(a), URI.create(b))).isEqualTo(same);
        assertThat(RedirectRule.sameOrigin(URI.create(b), URI.create(a))).isEqualTo(same);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"301, true", "302, true", "303, true", "307, true", "308, true",
            "300, false", "304, false", "305, false", "200, false", "404, false"})
    void redirectStatuses(int status, boolean redirect) {
        assertThat(RedirectRule.isRedirect(status)).isEqualTo(redirect);
    }

    @Test
    void whereARedirectPointsIsShownResolvedWithoutQueryOrUserInfo() {
        assertThat(RedirectRule.shown("https://hooks.acme.test/nlu?k=1", "/moved?session=abc"))
                .isEqualTo("https://hooks.acme.test/moved");
        assertThat(RedirectRule.shown("https://hooks.acme.test/a/b", "c"))
                .isEqualTo("https://hooks.acme.test/a/c");
        assertThat(RedirectRule.shown("https://hooks.acme.test/nlu", "http://user:pw@10.0.0.5:8080/admin?token=x"))
                .isEqualTo("http://10.0.0.5:8080/admin");
        assertThat(RedirectRule.shown(null, "https://cdn.test/a?sig=1")).isEqualTo("https://cdn.test/a");
        assertThat(RedirectRule.shown(null, "/relative?x=1")).isEqualTo("/relative");
        assertThat(RedirectRule.shown("https://a.test/", "http://bad host/")).isEqualTo("(an unparseable Location)");
        assertThat(RedirectRule.shown("https://a.test/", null)).isEqualTo("(no Location)");
    }
}
