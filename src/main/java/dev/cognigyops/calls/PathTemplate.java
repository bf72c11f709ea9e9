package dev.cognigyops.calls;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The one place a call's path is built: a template such as {@code /api/v1/jobs/{jobId}} (from the
 * settings) with each {@code {name}} replaced by its value percent-encoded as ONE path segment,
 * whether the value came from a request or from Cognigy's own answers. Only RFC 3986's unreserved
 * characters ({@code A-Z a-z 0-9 - . _ ~}) stay as they are; {@code /}, {@code ?}, {@code #},
 * {@code %}, spaces and every non-ASCII character are encoded, and a value of {@code .} or
 * {@code ..} is encoded whole, so no value can change which resource a call reaches.
 */
public final class PathTemplate {

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private PathTemplate() {
    }

    /**
     * @throws IllegalArgumentException when a placeholder has no value, or a brace is not closed
     */
    public static String expand(String template, Map<String, String> values) {
        StringBuilder out = new StringBuilder(template.length() + 32);
        int i = 0;
        while (i < template.length()) {
            char c = template.charAt(i);
            if (c != '{') {
                out.append(c);
                i++;
                continue;
            }
            int end = template.indexOf('}', i);
            if (end < 0) {
                throw new IllegalArgumentException("path template '" + template + "' has a '{' that is not closed");
            }
            String name = template.substring(i + 1, end);
            String value = values.get(name);
            if (value == null) {
                throw new IllegalArgumentException("path template '" + template + "' needs a value for {" + name + "}");
            }
            out.append(segment(value));
            i = end + 1;
        }
        return out.toString();
    }

    /** One path segment, percent-encoded (see the class comment). */
    public static String segment(String value) {
        if (value.equals(".") || value.equals("..")) {
            return value.replace(".", "%2E");
        }
        StringBuilder out = new StringBuilder(value.length() + 8);
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            int u = b & 0xFF;
            if (u >= 'A' && u <= 'Z' || u >= 'a' && u <= 'z' || u >= '0' && u <= '9' || u == '-' || u == '.' || u == '_' || u == '~') {
                out.append((char) u);
            } else {
                out.append('%').append(HEX[u >> 4]).append(HEX[u & 0xF]);
            }
        }
        return out.toString();
    }
}
