package dev.cognigyops.runs;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.UUID;
import java.util.regex.Pattern;

/** Run ids: the requestId made safe for a file name, or a new sortable id. */
public final class RunIds {

    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9._-]{1,100}");
    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    private RunIds() {
    }

    /**
     * The requestId itself when it is already safe; otherwise its unsafe characters replaced by
     * {@code _} and a short hash of the original appended, so two different unsafe requestIds do not
     * share a run id.
     */
    public static String fromRequestId(String requestId) {
        if (SAFE.matcher(requestId).matches() && !requestId.startsWith(".")) {
            return requestId;
        }
        String cleaned = requestId.replaceAll("[^A-Za-z0-9._-]", "_").replaceAll("^\\.+", "_");
        if (cleaned.length() > 80) {
            cleaned = cleaned.substring(0, 80);
        }
        return cleaned + "-" + shortHash(requestId);
    }

    public static String newRunId(Instant now) {
        return STAMP.format(now) + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static String shortHash(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
