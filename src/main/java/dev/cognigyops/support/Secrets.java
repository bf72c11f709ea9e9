package dev.cognigyops.support;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Keeps secrets out of everything the program writes. Known secret values (client secret, issued
 * tokens, AWS keys) are registered here and replaced by {@code ****} in any text passed through
 * {@link #redact(String)}; bearer tokens, Basic credentials and secret-looking fields are masked
 * by pattern even when their value was never registered. Log lines (see
 * {@link RedactingMessageConverter}), results, audit events and webhook bodies all pass through it.
 */
public final class Secrets {

    public static final String MASK = "****";
    private static final int MIN_LENGTH = 6;
    private static final Set<String> KNOWN = ConcurrentHashMap.newKeySet();
    private static final String SECRET_FIELDS =
            "client_secret|access_token|refresh_token|secret_access_key|aws_secret_access_key|password";
    /**
     * A credential after Bearer/Basic (at least 8 characters, one of them a digit or symbol, so that
     * "Basic authentication" stays readable); a quoted JSON secret field up to its closing quote; a
     * form or plain {@code key=value} secret up to its delimiter.
     */
    private static final Pattern PATTERNS = Pattern.compile(
            "(?i)((?:bearer|basic)\\s+)(?=[A-Za-z0-9._~+/=-]*[0-9._~+/=-])[A-Za-z0-9._~+/=-]{8,}"
                    + "|(\"(?:" + SECRET_FIELDS + ")\"\\s*:\\s*\")(?:[^\"\\\\]|\\\\.)*"
                    + "|((?:" + SECRET_FIELDS + ")['\"]?\\s*[=:]\\s*['\"]?)[^\"'&\\s,}]+");

    private Secrets() {
    }

    /** Registers a value that must never be written anywhere. Blank or very short values are ignored. */
    public static void register(String secret) {
        if (secret != null && secret.trim().length() >= MIN_LENGTH) {
            KNOWN.add(secret.trim());
        }
    }

    public static void forget(String secret) {
        if (secret != null) {
            KNOWN.remove(secret.trim());
        }
    }

    public static String redact(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        String out = text;
        // longest first, so a secret that contains another is masked whole
        for (String secret : KNOWN.stream().sorted(java.util.Comparator.comparingInt(String::length).reversed()).toList()) {
            if (out.contains(secret)) {
                out = out.replace(secret, MASK);
            }
        }
        Matcher m = PATTERNS.matcher(out);
        if (!m.find()) {
            return out;
        }
        StringBuilder sb = new StringBuilder();
        m.reset();
        while (m.find()) {
            String prefix = m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2) : m.group(3);
            m.appendReplacement(sb, Matcher.quoteReplacement(prefix + MASK));
        }
        m.appendTail(sb);
        return sb.toString();
    }
}
