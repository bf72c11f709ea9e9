package dev.cognigyops.webhooks;

import java.net.InetAddress;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** Where a request's webhook may point (docs/contract.md#hostile-input-and-failing-dependencies): with an allow-list, and with the setting blank. */
class WebhookTargetsTest {

    static final WebhookTargets BLANK = WebhookTargets.of("");
    static final WebhookTargets LISTED = WebhookTargets.of(
            " https://hooks.example.com/team-a , http://127.0.0.1:8089,https://[::1]:9443/h/,HTTPS://Registry.Example.com:443/");

    static Stream<Arguments> blankSetting() {
        return Stream.of(
                arguments("https://hooks.example.com/cognigy?key=abc", null),
                arguments("https://hooks.example.com:8443/x", null),
                arguments("https://Hooks.Example.COM./x", null),
                arguments("HTTPS://hooks.example.com/x", "must be an absolute http(s) URL"),
                arguments("https://intranet/hook", null), // a name is judged by its addresses when called
                arguments("https://8.8.8.8/hook", null),
                arguments("https://[2606:4700:4700::1111]/hook", null),
                arguments("https://[::ffff:8.8.8.8]/hook", null),
                arguments("https://[2002:808:808::1]/hook", null), // 6to4 of 8.8.8.8
                arguments("http://hooks.example.com/cognigy", "http is not allowed"),
                arguments("https://localhost/admin", "localhost is a loopback name"),
                arguments("https://LOCALHOST./admin", "localhost. is a loopback name"),
                arguments("https://api.localhost/admin", "api.localhost is a loopback name"),
                arguments("https://ip6-localhost/admin", "ip6-localhost is a loopback name"),
                arguments("https://127.0.0.1/admin?cmd=shutdown", "127.0.0.1 is a loopback address"),
                arguments("https://127.8.9.10:8080/", "127.8.9.10 is a loopback address"),
                arguments("https://10.1.2.3/", "10.1.2.3 is a private address"),
                arguments("https://172.16.0.1/", "172.16.0.1 is a private address"),
                arguments("https://172.31.255.255/", "172.31.255.255 is a private address"),
                arguments("https://172.32.0.1/", null),
                arguments("https://192.168.1.1/", "192.168.1.1 is a private address"),
                arguments("https://169.254.169.254/latest/meta-data/", "169.254.169.254 is a link-local address"),
                arguments("https://100.64.0.1/", "100.64.0.1 is a shared (carrier-grade NAT) address"),
                arguments("https://100.128.0.1/", null),
                arguments("https://0.0.0.0/", "0.0.0.0 is the unspecified ('this network') range"),
                arguments("https://224.0.0.1/", "224.0.0.1 is a multicast address"),
                arguments("https://255.255.255.255/", "255.255.255.255 is a reserved address"),
                arguments("https://198.18.0.1/", "198.18.0.1 is a benchmarking address"),
                arguments("https://2130706433/", "2130706433 is not an IP address in canonical form"),
                arguments("https://017700000001/", "017700000001 is not an IP address in canonical form"),
                arguments("https://0x7f000001/", "0x7f000001 is not an IP address in canonical form"),
                arguments("https://127.000.000.001/", "127.000.000.001 is not an IP address in canonical form"),
                arguments("https://[::1]/", "[::1] is a loopback address"),
                arguments("https://[0:0:0:0:0:0:0:1]:8443/", "[0:0:0:0:0:0:0:1] is a loopback address"),
                arguments("https://[::]/", "[::] is the unspecified address"),
                arguments("https://[::ffff:127.0.0.1]/", "[::ffff:127.0.0.1] is a loopback address"),
                arguments("https://[::ffff:7f00:1]/", "[::ffff:7f00:1] is a loopback address"),
                arguments("https://[::ffff:a9fe:a9fe]/", "[::ffff:a9fe:a9fe] is a link-local address"),
                arguments("https://[::127.0.0.1]/", "is a reserved (IPv4-compatible) address"),
                arguments("https://[64:ff9b::a00:1]/", "is an IPv6 form of a private address"),
                arguments("https://[2002:7f00:1::1]/", "is a 6to4 form of a loopback address"),
                arguments("https://[fe80::1]/", "is a link-local address"),
                arguments("https://[fc00::1]/", "is a unique-local address"),
                arguments("https://[fd12:3456::1]/", "is a unique-local address"),
                arguments("https://[ff02::1]/", "is a multicast address"),
                arguments("https://[2001:db8::1]/", "is a documentation address"),
                arguments("https://[2001:0:4136:e378::1]/", "is a reserved (IETF protocol or tunnel) address"),
                arguments("https://[100::1]/", "is a reserved (discard) address"),
                arguments("https://[4000::1]/", "is a reserved address (outside the global unicast range)"),
                arguments("https://user:pw@hooks.example.com/", "must not carry user info"),
                arguments("https://hooks.example.com@127.0.0.1/", "must not carry user info"),
                arguments("ftp://files.example.com/x", "must be an absolute http(s) URL"),
                arguments("/hooks/relative", "must be an absolute http(s) URL"),
                arguments("https://", "must be an absolute http(s) URL"),
                arguments("https://a b.example.com/", "must be an absolute http(s) URL"),
                arguments("https://hooks.example.com:99999/", "must be an absolute http(s) URL"),
                arguments("https://under_score.example.com/", "must be an absolute http(s) URL"),
                arguments("mailto:ops@example.com", "must be an absolute http(s) URL"),
                arguments("https://hooks.example.com/" + "a".repeat(2100), "must be at most 2048 characters"));
    }

    @ParameterizedTest(name = "{0} → {1}")
    @MethodSource("blankSetting")
    void withTheSettingBlankOnlyHttpsOnPublicHostsIsAllowed(String url, String reason) {
        WebhookTargets.Verdict verdict = BLANK.check(url);
        if (reason == null) {
            assertThat(verdict.allowed()).as(verdict.reason()).isTrue();
        } else {
            assertThat(verdict.allowed()).isFalse();
            assertThat(verdict.reason()).contains(reason);
        }
    }

    @Test
    void aRefusalSaysWhatIsAllowedAndWhichSettingWidensIt() {
        assertThat(BLANK.check("http://127.0.0.1:8080/admin?cmd=shutdown").reason())
                .isEqualTo("must be an https URL on a public host (cognigy.webhook.allowed-urls is blank): http is not allowed");
        assertThat(BLANK.check("https://127.0.0.1:8080/admin").reason())
                .isEqualTo("must be an https URL on a public host (cognigy.webhook.allowed-urls is blank): "
                        + "127.0.0.1 is a loopback address");
        assertThat(LISTED.check("https://evil.example.net/").reason())
                .isEqualTo("must start with one of the URL prefixes in cognigy.webhook.allowed-urls");
    }

    static Stream<Arguments> allowList() {
        return Stream.of(
                // https://hooks.example.com/team-a
                arguments("https://hooks.example.com/team-a", true),
                arguments("https://hooks.example.com/team-a/", true),
                arguments("https://hooks.example.com/team-a/builds?key=1", true),
                arguments("https://hooks.example.com/team-a?key=1", true),
                arguments("https://HOOKS.example.com/team-a/x", true),
                arguments("https://hooks.example.com./team-a/x", true),
                arguments("https://hooks.example.com:443/team-a/x", true),
                arguments("https://hooks.example.com/team-ab", false),
                arguments("https://hooks.example.com/team-", false),
                arguments("https://hooks.example.com/Team-a/x", false),
                arguments("https://hooks.example.com/", false),
                arguments("https://hooks.example.com.evil.net/team-a", false),
                arguments("https://hooks.example.com:8443/team-a", false),
                arguments("http://hooks.example.com/team-a", false),
                arguments("https://evil.net/hooks.example.com/team-a", false),
                arguments("https://hooks.example.com@evil.net/team-a", false),
                arguments("https://evil.net#@hooks.example.com/team-a", false),
                arguments("https://hooks.example.com/team-a/../admin", false),
                arguments("https://hooks.example.com/team-a/%2e%2e/admin", false),
                arguments("https://hooks.example.com/team-a%2F..%2Fadmin", false),
                arguments("https://hooks.example.com/team-a/./x", false),
                // http://127.0.0.1:8089 (no path: the whole origin)
                arguments("http://127.0.0.1:8089/admin?cmd=shutdown", true),
                arguments("http://127.0.0.1:8089", true),
                arguments("http://127.0.0.1:8090/", false),
                arguments("HTTP://127.0.0.1:8089/x", false), // the call route takes only a lower-case scheme
                arguments("http://localhost:8089/", false),
                arguments("http://127.0.0.1/", false),
                arguments("https://127.0.0.1:8089/", false),
                arguments("http://[::ffff:127.0.0.1]:8089/x", true),
                // https://[::1]:9443/h/
                arguments("https://[::1]:9443/h/x", true),
                arguments("https://[0:0::1]:9443/h/x", true),
                arguments("https://[::1]:9443/h", false),
                arguments("https://[::1]:9443/hx", false),
                // HTTPS://Registry.Example.com:443/
                arguments("https://registry.example.com/anything", true),
                arguments("https://registry.example.com", true),
                arguments("https://registry.example.com:80/", false),
                // a public https URL that no prefix covers is not allowed when there is a list
                arguments("https://hooks.example.org/team-a", false));
    }

    @ParameterizedTest(name = "{0} → {1}")
    @MethodSource("allowList")
    void withAnAllowListTheUrlMustLieWithinAPrefix(String url, boolean allowed) {
        WebhookTargets.Verdict verdict = LISTED.check(url);
        assertThat(verdict.allowed()).as(url + ": " + verdict.reason()).isEqualTo(allowed);
    }

    @Test
    void aPrefixThatIsNoPrefixStopsTheApplicationNamingIt() {
        assertThatThrownBy(() -> WebhookTargets.of("https://hooks.example.com,hooks.example.com/x"))
                .hasMessageContaining("cognigy.webhook.allowed-urls").hasMessageContaining("'hooks.example.com/x'");
        assertThatThrownBy(() -> WebhookTargets.of("https://user:pw@hooks.example.com/")).hasMessageContaining("user info");
        assertThatThrownBy(() -> WebhookTargets.of("https://hooks.example.com/a?x=1")).hasMessageContaining("query");
        assertThatThrownBy(() -> WebhookTargets.of("https://hooks.example.com/a/../b")).hasMessageContaining("'..'");
        assertThat(WebhookTargets.of(" , ").hasAllowList()).isFalse();
        assertThat(WebhookTargets.of(null).hasAllowList()).isFalse();
    }

    static Stream<Arguments> addresses() {
        return Stream.of(
                arguments("8.8.8.8", null),
                arguments("1.1.1.1", null),
                arguments("2606:4700:4700::1111", null),
                arguments("127.0.0.1", "a loopback address"),
                arguments("10.0.0.5", "a private address"),
                arguments("192.168.0.10", "a private address"),
                arguments("169.254.169.254", "a link-local address"),
                arguments("100.100.100.200", "a shared (carrier-grade NAT) address"),
                arguments("::1", "a loopback address"),
                arguments("fd00::5", "a unique-local address"),
                arguments("fe80::1", "a link-local address"),
                arguments("::ffff:10.0.0.1", "a private address"),
                arguments("::", "the unspecified address"));
    }

    @ParameterizedTest(name = "{0} → {1}")
    @MethodSource("addresses")
    void atCallTimeEveryResolvedAddressMustBePublic(String address, String range) throws Exception {
        InetAddress a = InetAddress.getByName(address);
        assertThat(WebhookTargets.nonPublicRange(a)).isEqualTo(range);
        WebhookTargets.Verdict verdict = BLANK.checkAddresses("hooks.example.com",
                new InetAddress[] {InetAddress.getByName("8.8.4.4"), a});
        assertThat(verdict.allowed()).isEqualTo(range == null);
        if (range != null) {
            assertThat(verdict.reason()).isEqualTo("hooks.example.com resolves to " + a.getHostAddress() + ", " + range
                    + "; only public addresses may be called while cognigy.webhook.allowed-urls is blank");
        }
    }
}
