package dev.cognigyops.webhooks;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

import dev.cognigyops.support.Settings;

/**
 * Where a request's webhook may point (docs/contract.md#hostile-input-and-failing-dependencies, "request senders reach only what they may"). With the
 * setting {@code cognigy.webhook.allowed-urls} (comma-separated URL prefixes) a URL must start with one
 * of the prefixes; with it blank only {@code https} URLs on public hosts are allowed.
 * <p>
 * A prefix is matched on a normalised form, never as text: the scheme, host and port must be the
 * prefix's (so {@code https://hooks.example.com} does not cover {@code https://hooks.example.com.evil.net}
 * or {@code https://hooks.example.com:8443}), and the path must be the prefix's path or lie below it
 * ({@code /team-a} covers {@code /team-a/x}, not {@code /team-ab}). User info ({@code user:pw@host}) is
 * never allowed: it is the classic way to make a URL read as one host and go to another.
 * <p>
 * {@link #check} needs no DNS: a host name passes when it is well formed and not a loopback name. The
 * addresses a name resolves to are judged by {@link #checkAddresses} when the call is made (DNS may
 * change in between), see {@link WebhookGuard}.
 */
public final class WebhookTargets {

    public static final String SETTING = "cognigy.webhook.allowed-urls";
    static final int MAX_URL_LENGTH = 2048;
    static final String NOT_A_URL = "must be an absolute http(s) URL";
    static final String NOT_LISTED = "must start with one of the URL prefixes in " + SETTING;
    static final String NOT_PUBLIC = "must be an https URL on a public host (" + SETTING + " is blank)";

    /** Allowed, or the reason it is not: the text after {@code payload.webhookUrl: }. */
    public record Verdict(boolean allowed, String reason) {
        static final Verdict ALLOWED = new Verdict(true, null);

        static Verdict refused(String reason) {
            return new Verdict(false, reason);
        }
    }

    /**
     * A URL taken apart and normalised: lower-case scheme and host, one spelling of an IP address, the
     * default port made explicit. {@code givenHost} is the host as written (lower-cased), for messages.
     */
    record Target(String scheme, String host, int port, String rawPath, String givenHost) {

        String authority() {
            return scheme + "://" + host + ":" + port;
        }

        /** The path is the prefix's, or lies below it (whole segments only). */
        boolean pathWithin(String prefixPath) {
            if (prefixPath.isEmpty() || prefixPath.equals("/")) {
                return true;
            }
            String path = rawPath.isEmpty() ? "/" : rawPath;
            String under = prefixPath.endsWith("/") ? prefixPath : prefixPath + "/";
            return path.equals(prefixPath) || path.startsWith(under);
        }
    }

    /** Every label a number (decimal, octal or 0x-hex): some resolvers read it as an IPv4 address. */
    private static final Pattern NUMERIC_HOST = Pattern.compile("(0x[0-9a-f]*|[0-9]+)(\\.(0x[0-9a-f]*|[0-9]+))*");
    private static final Pattern IPV6_LITERAL = Pattern.compile("[0-9A-Fa-f:][0-9A-Fa-f:.]*(%[0-9A-Za-z._-]+)?");
    private static final Pattern DOTTED_QUAD = Pattern.compile("(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}");
    /** A '.' or '..' segment, or a '/', '\' or '.' hidden in percent-encoding: a server may read the path otherwise than we do. */
    private static final Pattern AMBIGUOUS_PATH = Pattern.compile("(?i)(^|/)\\.{1,2}(/|$)|%2f|%5c|%2e");

    private final List<Target> prefixes;

    private WebhookTargets(List<Target> prefixes) {
        this.prefixes = List.copyOf(prefixes);
    }

    /** From the setting {@value #SETTING}. */
    public static WebhookTargets from(Settings settings) {
        return of(settings.get(SETTING, ""));
    }

    /**
     * From the setting's value: comma-separated {@code http(s)://host[:port][/path]} prefixes, or blank.
     *
     * @throws IllegalArgumentException naming the entry that is no such prefix (the application does not start)
     */
    public static WebhookTargets of(String allowedUrls) {
        List<Target> prefixes = new ArrayList<>();
        for (String entry : (allowedUrls == null ? "" : allowedUrls).split(",")) {
            String prefix = entry.trim();
            if (prefix.isEmpty()) {
                continue;
            }
            Target target = parse(prefix);
            String problem = target == null ? "is not an absolute http(s) URL"
                    : prefix.contains("?") || prefix.contains("#") ? "has a query or fragment"
                    : userInfo(prefix) ? "has user info"
                    : AMBIGUOUS_PATH.matcher(target.rawPath()).find() ? "has a '.' or '..' segment or an encoded '/', '\\' or '.'"
                    : null;
            if (problem != null) {
                throw new IllegalArgumentException("setting " + SETTING + ": the entry '" + prefix + "' " + problem
                        + "; each entry is a URL prefix such as https://hooks.example.com/cognigy");
            }
            prefixes.add(target);
        }
        return new WebhookTargets(prefixes);
    }

    /** Whether the setting lists prefixes (else: public https hosts only). */
    public boolean hasAllowList() {
        return !prefixes.isEmpty();
    }

    /** Whether a request may name this webhook URL. No DNS: a host name is judged by its form alone. */
    public Verdict check(String url) {
        if (url == null || url.length() > MAX_URL_LENGTH) {
            return Verdict.refused(url == null ? NOT_A_URL : "must be at most " + MAX_URL_LENGTH + " characters");
        }
        Target target = parse(url);
        // the call route takes only a lower-case scheme for an absolute URL (OutboundCall.isAbsolute)
        if (target == null || !url.startsWith(target.scheme() + "://")) {
            return Verdict.refused(NOT_A_URL);
        }
        if (userInfo(url)) {
            return Verdict.refused("must not carry user info (user:password@host)");
        }
        return hasAllowList() ? listed(target) : publicHttps(target);
    }

    private Verdict listed(Target target) {
        if (AMBIGUOUS_PATH.matcher(target.rawPath()).find()) {
            return Verdict.refused(NOT_LISTED + ", and have no '.' or '..' path segment or encoded '/', '\\' or '.'");
        }
        for (Target prefix : prefixes) {
            if (prefix.authority().equals(target.authority()) && target.pathWithin(prefix.rawPath())) {
                return Verdict.ALLOWED;
            }
        }
        return Verdict.refused(NOT_LISTED);
    }

    private static Verdict publicHttps(Target target) {
        if (!target.scheme().equals("https")) {
            return Verdict.refused(NOT_PUBLIC + ": " + target.scheme() + " is not allowed");
        }
        String why = hostProblem(target.givenHost());
        return why == null ? Verdict.ALLOWED : Verdict.refused(NOT_PUBLIC + ": " + why);
    }

    /** Why this host (as {@link URI#getHost()} gives it, lower-cased) is not public by its form alone, or null. */
    static String hostProblem(String host) {
        if (host.startsWith("[")) {
            InetAddress address = literal(host.substring(1, host.length() - 1));
            if (address == null) {
                return host + " is not an IP address";
            }
            String range = nonPublicRange(address);
            return range == null ? null : host + " is " + range;
        }
        String name = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
        if (NUMERIC_HOST.matcher(name).matches()) {
            if (!DOTTED_QUAD.matcher(name).matches()) {
                // 127.1, 2130706433, 0x7f.0.0.1 and 0177.0.0.1 all reach 127.0.0.1 through some resolver
                return host + " is not an IP address in canonical form (four decimal numbers)";
            }
            String range = nonPublicRange(literal(name));
            return range == null ? null : host + " is " + range;
        }
        if (name.equals("localhost") || name.endsWith(".localhost") || name.equals("localhost.localdomain")
                || name.equals("ip6-localhost") || name.equals("ip6-loopback")) {
            return host + " is a loopback name";
        }
        return null;
    }

    /**
     * At call time: the addresses the host resolves to right now must all be public, or the call is not
     * made. Only for the blank setting; a listed prefix is the operator's word.
     */
    public Verdict checkAddresses(String host, InetAddress[] addresses) {
        for (InetAddress address : addresses) {
            String range = nonPublicRange(address);
            if (range != null) {
                return Verdict.refused(host + " resolves to " + address.getHostAddress() + ", " + range
                        + "; only public addresses may be called while " + SETTING + " is blank");
            }
        }
        return Verdict.ALLOWED;
    }

    // ---- addresses

    private record Range(byte[] network, int bits, String name) {
    }

    private static final List<Range> V4 = List.of(
            v4("0.0.0.0", 8, "the unspecified ('this network') range"),
            v4("10.0.0.0", 8, "a private address"),
            v4("100.64.0.0", 10, "a shared (carrier-grade NAT) address"),
            v4("127.0.0.0", 8, "a loopback address"),
            v4("169.254.0.0", 16, "a link-local address"),
            v4("172.16.0.0", 12, "a private address"),
            v4("192.0.0.0", 24, "a reserved (IETF protocol) address"),
            v4("192.0.2.0", 24, "a documentation address"),
            v4("192.88.99.0", 24, "a reserved (6to4 relay) address"),
            v4("192.168.0.0", 16, "a private address"),
            v4("198.18.0.0", 15, "a benchmarking address"),
            v4("198.51.100.0", 24, "a documentation address"),
            v4("203.0.113.0", 24, "a documentation address"),
            v4("224.0.0.0", 4, "a multicast address"),
            v4("240.0.0.0", 4, "a reserved address"));

    private static final List<Range> V6 = List.of(
            v6("::", 128, "the unspecified address"),
            v6("::1", 128, "a loopback address"),
            v6("::", 96, "a reserved (IPv4-compatible) address"),
            v6("64:ff9b:1::", 48, "a reserved (local NAT64) address"),
            v6("100::", 64, "a reserved (discard) address"),
            v6("2001:db8::", 32, "a documentation address"),
            v6("2001::", 23, "a reserved (IETF protocol or tunnel) address"),
            v6("3fff::", 20, "a documentation address"),
            v6("5f00::", 16, "a reserved (segment routing) address"),
            v6("fc00::", 7, "a unique-local address"),
            v6("fe80::", 10, "a link-local address"),
            v6("fec0::", 10, "a site-local address"),
            v6("ff00::", 8, "a multicast address"));

    private static final Range MAPPED = v6("::ffff:0:0", 96, "IPv4-mapped");
    private static final Range TRANSLATED = v6("::ffff:0:0:0", 96, "IPv4-translated");
    private static final Range NAT64 = v6("64:ff9b::", 96, "NAT64");
    private static final Range SIX_TO_FOUR = v6("2002::", 16, "6to4");
    private static final Range GLOBAL_UNICAST = v6("2000::", 3, "global unicast");

    /** What kind of non-public address this is ("a loopback address"), or null when it is public. */
    public static String nonPublicRange(InetAddress address) {
        byte[] a = address.getAddress();
        if (a.length == 4) {
            return first(V4, a);
        }
        // an IPv4 address carried inside IPv6 is judged as that IPv4 address
        if (in(MAPPED, a) || in(TRANSLATED, a) || in(NAT64, a)) {
            String range = first(V4, new byte[] {a[12], a[13], a[14], a[15]});
            return range == null ? null : "an IPv6 form of " + range;
        }
        if (in(SIX_TO_FOUR, a)) {
            String range = first(V4, new byte[] {a[2], a[3], a[4], a[5]});
            return range == null ? null : "a 6to4 form of " + range;
        }
        String range = first(V6, a);
        if (range == null && !in(GLOBAL_UNICAST, a)) {
            return "a reserved address (outside the global unicast range)";
        }
        return range;
    }

    private static String first(List<Range> ranges, byte[] address) {
        for (Range r : ranges) {
            if (in(r, address)) {
                return r.name();
            }
        }
        return null;
    }

    private static boolean in(Range range, byte[] address) {
        if (range.network().length != address.length) {
            return false;
        }
        int full = range.bits() / 8;
        for (int i = 0; i < full; i++) {
            if (range.network()[i] != address[i]) {
                return false;
            }
        }
        int rest = range.bits() % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xff << (8 - rest)) & 0xff;
        return (range.network()[full] & mask) == (address[full] & mask);
    }

    private static Range v4(String network, int bits, String name) {
        return new Range(literal(network).getAddress(), bits, name);
    }

    private static Range v6(String network, int bits, String name) {
        return new Range(ipv6Bytes(network), bits, name);
    }

    /** The 16 bytes of an IPv6 literal, kept as IPv6 (the JDK turns {@code ::ffff:a.b.c.d} into IPv4). */
    private static byte[] ipv6Bytes(String literal) {
        byte[] bytes = literal(literal).getAddress();
        if (bytes.length == 16) {
            return bytes;
        }
        byte[] mapped = new byte[16];
        mapped[10] = (byte) 0xff;
        mapped[11] = (byte) 0xff;
        System.arraycopy(bytes, 0, mapped, 12, 4);
        return mapped;
    }

    /** An IP literal as an address, without any DNS lookup; null when it is no literal. */
    static InetAddress literal(String text) {
        boolean v6 = text.indexOf(':') >= 0;
        if (!(v6 ? IPV6_LITERAL : DOTTED_QUAD).matcher(text).matches()) {
            return null;
        }
        try {
            // a literal (checked above) is parsed, never looked up
            return InetAddress.getByName(text);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    // ---- URLs

    /** The URL taken apart, or null when it is no absolute http(s) URL with a host. */
    static Target parse(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            return null;
        }
        String scheme = uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!"http".equals(scheme) && !"https".equals(scheme) || uri.getHost() == null || uri.getHost().isBlank()
                || uri.isOpaque()) {
            return null;
        }
        int port = uri.getPort() < 0 ? (scheme.equals("https") ? 443 : 80) : uri.getPort();
        if (port < 1 || port > 65535) {
            return null;
        }
        String given = uri.getHost().toLowerCase(Locale.ROOT);
        String host = given;
        if (host.startsWith("[")) {
            InetAddress address = literal(host.substring(1, host.length() - 1));
            if (address == null) {
                return null;
            }
            // one spelling per address: [0:0:0:0:0:0:0:1] is [::1]
            host = address instanceof Inet4Address ? address.getHostAddress() : "[" + address.getHostAddress() + "]";
        } else if (host.endsWith(".")) {
            host = host.substring(0, host.length() - 1);
        }
        return new Target(scheme, host, port, uri.getRawPath() == null ? "" : uri.getRawPath(), given);
    }

    private static boolean userInfo(String url) {
        try {
            return new URI(url).getRawUserInfo() != null;
        } catch (URISyntaxException e) {
            return false;
        }
    }
}
