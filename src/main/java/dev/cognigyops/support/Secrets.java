package dev.cognigyops.support;

import java.util.Comparator;
import java.util.List;
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
    /** {@link #KNOWN}, longest first (a secret that contains another is masked whole), rebuilt on change. */
    private static volatile List<String> longestFirst = List.of();
    /** Words one of {@link #PATTERNS}' matches must contain: a text without any of them is not searched. */
    private static final String[] KEYWORDS = {"bearer", "basic", "client_secret", "access_token", "refresh_token",
            "secret_access_key", "password"};
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
            sortKnown();
        }
    }

    public static void forget(String secret) {
        if (secret != null) {
            KNOWN.remove(secret.trim());
            sortKnown();
        }
    }

    public static String redact(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        String out = text;
        for (String secret : longestFirst) {
            if (out.contains(secret)) {
                out = out.replace(secret, MASK);
            }
        }
        if (!mayMatch(out)) {
            return out;
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

    private static synchronized void sortKnown() {
        longestFirst = KNOWN.stream().sorted(Comparator.comparingInt(String::length).reversed()).toList();
    }

    /** Whether the text contains one of {@link #KEYWORDS}, in any case: one pass, no regular expression. */
    static boolean mayMatch(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = Character.toLowerCase(text.charAt(i));
            if (c != 'b' && c != 'c' && c != 'a' && c != 'r' && c != 's' && c != 'p') {
                continue;
            }
            for (String word : KEYWORDS) {
                if (word.charAt(0) == c && text.regionMatches(true, i, word, 0, word.length())) {
                    return true;
                }
            }
        }
        return false;
    }
}
