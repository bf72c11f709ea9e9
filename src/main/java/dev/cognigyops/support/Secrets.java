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
    private static final Pattern PATTERNS = Pattern.compile(
            "(?i)(bearer\\s+|basic\\s+)[A-Za-z0-9._~+/=-]+"
                    + "|((?:client_secret|access_token|refresh_token|secret_access_key|aws_secret_access_key|password)"
                    + "\\s*[\"']?\\s*[=:]\\s*[\"']?)[^\"'&\\s,}]+");

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
        for (String secret : KNOWN) {
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
            String prefix = m.group(1) != null ? m.group(1) : m.group(2);
            m.appendReplacement(sb, Matcher.quoteReplacement(prefix + MASK));
        }
        m.appendTail(sb);
        return sb.toString();
    }
}
