package dev.cognigyops.api;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import dev.cognigyops.support.Secrets;

/**
 * Who may use the runs API (docs/contract.md §8): a request whose {@code Authorization} header is
 * {@code Bearer <token>} with one of the tokens of {@code cognigy.runs-api.tokens}; with no token
 * configured, any request from a loopback address and nothing else. Tokens are compared as SHA-256
 * digests with {@link MessageDigest#isEqual}, against every configured token, so the time taken says
 * nothing about how much of a token was right or which one matched. Each token is a secret
 * ({@link Secrets#register}): no log line or answer ever shows it.
 */
public final class BearerTokens {

    private static final String SCHEME = "bearer ";

    private final List<byte[]> digests;

    private BearerTokens(List<byte[]> digests) {
        this.digests = digests;
    }

    /** From the setting's value: comma-separated tokens, blanks ignored; each registered as a secret. */
    public static BearerTokens parse(String setting) {
        List<byte[]> digests = new ArrayList<>();
        if (setting != null) {
            for (String token : setting.split(",")) {
                String trimmed = token.trim();
                if (!trimmed.isEmpty()) {
                    Secrets.register(trimmed);
                    digests.add(digest(trimmed));
                }
            }
        }
        return new BearerTokens(List.copyOf(digests));
    }

    /** True when no token is configured: only loopback requests are let in. */
    public boolean loopbackOnly() {
        return digests.isEmpty();
    }

    /**
     * @param authorization the request's Authorization header values as sent (none, one, or several)
     * @param remoteAddress the peer's IP address as text (a literal, never resolved), or null when unknown
     * @return whether the request may go on
     */
    public boolean admits(List<String> authorization, String remoteAddress) {
        if (loopbackOnly()) {
            return isLoopback(remoteAddress);
        }
        if (authorization == null || authorization.size() != 1) {
            return false;
        }
        String header = authorization.get(0);
        if (header == null || header.length() <= SCHEME.length()
                || !header.substring(0, SCHEME.length()).toLowerCase(Locale.ROOT).equals(SCHEME)) {
            return false;
        }
        String token = header.substring(SCHEME.length()).trim();
        if (token.isEmpty()) {
            return false;
        }
        byte[] presented = digest(token);
        boolean match = false;
        for (byte[] known : digests) {
            // no early exit: every configured token is compared
            match |= MessageDigest.isEqual(presented, known);
        }
        return match;
    }

    /** Whether a literal IP address is a loopback one (127.0.0.0/8, ::1, ::ffff:127.x); null or not a literal: no. */
    static boolean isLoopback(String address) {
        if (address == null || address.isBlank()) {
            return false;
        }
        String literal = address.startsWith("[") && address.endsWith("]") ? address.substring(1, address.length() - 1) : address;
        if (!literal.matches("[0-9.]+") && !literal.contains(":")) {
            // a host name: never resolved here
            return false;
        }
        try {
            return InetAddress.getByName(literal).isLoopbackAddress();
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    private static byte[] digest(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
