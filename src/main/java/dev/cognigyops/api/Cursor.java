package dev.cognigyops.api;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.Optional;

/**
 * The opaque position of a page of runs (docs/contract.md §8): base64url of the last row's sort key,
 * its start and its run id ({@code <ISO instant>|<runId>}). The next page starts after it.
 */
public record Cursor(Instant startedAt, String runId) {

    public String encode() {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString((startedAt.toString() + "|" + runId).getBytes(StandardCharsets.UTF_8));
    }

    /** The cursor a page gave, or empty when the text is not one. */
    public static Optional<Cursor> decode(String text) {
        if (text == null || text.isEmpty() || text.length() > 2000) {
            return Optional.empty();
        }
        try {
            String decoded = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.UTF_8);
            int bar = decoded.indexOf('|');
            if (bar < 1 || bar == decoded.length() - 1) {
                return Optional.empty();
            }
            return Optional.of(new Cursor(Instant.parse(decoded.substring(0, bar)), decoded.substring(bar + 1)));
        } catch (IllegalArgumentException | DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
